import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** `--- @include "name"` on a line of its own, as BullMQ's commands write it. */
const INCLUDE_LINE = /^--- @include "([a-z0-9-]+)"[ \t]*$/gm;

/**
 * Reads a Lua script and splices in the shared steps it includes, once, at load
 * time: a line `--- @include "append-event"` becomes the text of
 * `shared/src/node/lua/append-event.lua`. Redis runs a script as one text, so
 * shared steps are written once and concatenated, the way BullMQ includes its
 * `includes/*.lua`.
 *
 * @example
 * const lua = loadLuaScript(new URL('./commit-status-changes.lua', import.meta.url));
 */
export function loadLuaScript(scriptUrl: URL): string {
  const source = readFileSync(scriptUrl, 'utf8');
  return source.replace(INCLUDE_LINE, (_line, name: string) => {
    const included = readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
    if (included.includes('--- @include')) throw new Error(`${name}.lua may not include another file`);
    return included;
  });
}

const definedCommands = new WeakMap<Redis, Set<string>>();

/**
 * Defines a Lua command on a connection once (ioredis then runs it by EVALSHA,
 * sending the text only the first time Redis does not know it). Declare the
 * command's signature beside the caller by augmenting ioredis's `RedisCommander`.
 */
export function defineLuaCommand(redis: Redis, name: string, definition: { lua: string; numberOfKeys?: number }): void {
  const names = definedCommands.get(redis) ?? new Set<string>();
  if (names.has(name)) return;
  redis.defineCommand(name, definition);
  names.add(name);
  definedCommands.set(redis, names);
}
