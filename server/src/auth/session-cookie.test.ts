import { describe, expect, it } from 'vitest';
import { readSessionId } from './session-cookie.js';

describe('readSessionId', () => {
  it('finds the session cookie among others', () => {
    expect(readSessionId('theme=dark; pb_session=abc_DEF-123; lang=en')).toBe('abc_DEF-123');
    expect(readSessionId('pb_session=abc%2Fdef')).toBe('abc/def');
  });

  it('is undefined without a header or a session cookie', () => {
    expect(readSessionId(undefined)).toBeUndefined();
    expect(readSessionId('')).toBeUndefined();
    expect(readSessionId('theme=dark')).toBeUndefined();
    expect(readSessionId('pb_session=')).toBeUndefined();
  });

  it('never throws on a malformed header', () => {
    for (const header of ['pb_session=%', 'pb_session=%E0%A4%A', '=; ;;pb_session', ';;;', 'pb_session', '__proto__=x; pb_session=%zz']) {
      expect(() => readSessionId(header)).not.toThrow();
    }
    expect(readSessionId('pb_session=%')).toBe('%');
    expect(readSessionId('__proto__=x')).toBeUndefined();
  });
});
