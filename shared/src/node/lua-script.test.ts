import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLuaScript } from './lua-script.js';

describe('loadLuaScript', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-lua-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return pathToFileURL(path);
  };

  it('splices each included step in where the script names it, once, at load time', () => {
    const lua = loadLuaScript(script('uses-include.lua', "local seqKey = KEYS[1]\n--- @include \"append-event\"\nreturn appendEvent(seqKey, KEYS[2], KEYS[3], 0, 'alert', '{}')\n"));
    expect(lua).not.toContain('@include');
    expect(lua).toMatch(/^local seqKey = KEYS\[1\]\n/);
    expect(lua).toContain('local function appendEvent(seqKey, seqTimesKey, eventsKey, nowMs, kind, data)');
    expect(lua.indexOf('local function appendEvent')).toBeLessThan(lua.indexOf('return appendEvent('));
    expect(lua.match(/local function appendEvent/g)).toHaveLength(1);
  });

  it('leaves a script without includes as it is', () => {
    const text = "return redis.call('GET', KEYS[1])\n";
    expect(loadLuaScript(script('plain.lua', text))).toBe(text);
  });

  it('says which include it cannot find', () => {
    expect(() => loadLuaScript(script('missing.lua', '--- @include "no-such-step"\n'))).toThrow(/no-such-step\.lua/);
  });
});
