import type { RequestHandler } from 'express';
import type { Me, Role } from '@pb/shared';
import { ApiError, forbidden } from '../http/api-error.js';
import { toMe, type ApiKeyStore } from './api-keys.js';
import { readSessionId, type SessionStore } from './sessions.js';

/** Who made the request; set by `authenticate`. */
export interface Caller extends Me {
  /** A browser session (posts from it are `form` updates) rather than a bearer key. */
  viaSession: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

const unauthorised = (message: string) => new ApiError(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer' });

/**
 * Resolves `Authorization: Bearer <key>` or the session cookie (a key's session or a
 * single sign-on one) to who is calling, or answers 401. A malformed cookie is no
 * session (401), never an error.
 */
export function authenticate(apiKeys: ApiKeyStore, sessions: SessionStore): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization');
    let me: Me;
    let viaSession = false;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw unauthorised('The Authorization header must be "Bearer <key>".');
      const key = await apiKeys.findBySecret(match[1]);
      if (!key) throw unauthorised('The key is unknown or has been revoked.');
      me = toMe(key);
    } else {
      const sessionId = readSessionId(req.get('cookie'));
      if (!sessionId) throw unauthorised('Sign in, or send "Authorization: Bearer <key>".');
      // Finding the session renews it: a session stays open while it is used (SPEC §12).
      const found = await sessions.find(sessionId);
      if (!found) throw unauthorised('Your session has ended or its key was revoked; sign in again.');
      me = found.me;
      viaSession = true;
    }
    req.caller = { ...me, viaSession };
    next();
  };
}

/** Allows only these roles through; other signed-in callers get 403. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const role = req.caller?.role;
    if (!role || !roles.includes(role)) throw forbidden(`This needs a ${roles.join(' or ')} key; yours is a ${role ?? 'unknown'} key.`);
    next();
  };
}

/**
 * The regions a caller may read, in every HTTP read and socket event: a key scoped to
 * regions, whatever its role, sees only those (SPEC §12); null means all England.
 */
export function readableRegions(caller: Pick<Me, 'regions'>): Set<string> | null {
  return caller.regions?.length ? new Set(caller.regions) : null;
}
