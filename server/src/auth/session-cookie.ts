import { parseCookie } from 'cookie';

/** The browser session's cookie (`HttpOnly; SameSite=Strict`, SPEC §10). */
export const SESSION_COOKIE = 'pb_session';

/**
 * The session id in a `Cookie` header, or undefined. A malformed header (`pb_session=%`,
 * stray separators) is read as best it can be and never throws: a bad cookie is no
 * session, never a 5xx (SPEC §12). The HTTP API and the socket handshake both read it here.
 *
 * @example readSessionId('theme=dark; pb_session=abc') // 'abc'
 */
export function readSessionId(header: string | undefined): string | undefined {
  return readCookie(header, SESSION_COOKIE);
}

/**
 * One cookie from a `Cookie` header, parsed by the `cookie` package (which leaves a value
 * it cannot percent-decode as it is, rather than throwing). For the session cookie use
 * `readSessionId`.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  return parseCookie(header)[name] || undefined;
}

/**
 * The session cookie's attributes (SPEC §10): httpOnly, SameSite=Strict, Secure over
 * TLS. The browser may keep it for the session's absolute maximum; the server ends the
 * session sooner when it goes unused.
 */
export function sessionCookieOptions(secure: boolean, maxAgeSeconds: number) {
  return { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: maxAgeSeconds * 1000 } as const;
}
