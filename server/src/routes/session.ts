import express, { Router, type RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { issuesToDetails, signinSchema, type SignedOut } from '@pb/shared';
import type { Logger } from '@pb/shared/node';
import { toMe, type ApiKeyStore } from '../auth/api-keys.js';
import { assertFromBoardOrigin } from '../auth/same-origin.js';
import type { OidcClient } from '../auth/oidc-client.js';
import { sessionCookieOptions } from '../auth/session-cookie.js';
import { readSessionId, SESSION_COOKIE, type EndedSession, type SessionStore } from '../auth/sessions.js';
import { signInFailureLimit } from '../auth/sign-in-limit.js';
import { ApiError, badRequest } from '../http/api-error.js';
import type { AuditLog } from '../audit/audit-log.js';

export interface SessionRouteDeps {
  apiKeys: ApiKeyStore;
  sessions: SessionStore;
  audit: AuditLog;
  redis: Redis;
  /** Redis key prefix of the failed sign-in counters. */
  signInLimitPrefix: string;
  /** The identity provider, when single sign-on is configured (for signing out there too). */
  oidc?: OidcClient | undefined;
  logger: Logger;
}

/**
 * The provider's end-session URL for a single sign-on session just ended, or null. The
 * board session has ended whatever happens here: a provider that cannot be reached
 * only means the person stays signed in there.
 */
async function providerLogoutUrl(oidc: OidcClient, idToken: string | undefined, logger: Logger): Promise<URL | null> {
  try {
    return await oidc.endSessionUrl(idToken);
  } catch (error) {
    logger.warn({ err: error }, 'single sign-on: the identity provider could not be reached to sign out there');
    return null;
  }
}

/**
 * JSON only (SPEC §12): a cross-site HTML form can post urlencoded or multipart bodies
 * without asking, but not `application/json`, so this closes login CSRF.
 */
const jsonOnly: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'Sign in with a JSON body, {"key": "…"}, sent as application/json.');
  }
  next();
};

/**
 * Sign-in for the web pages: the key is posted once (never in a URL) and exchanged
 * for an httpOnly, SameSite=Strict session cookie.
 */
export function sessionRouter(deps: SessionRouteDeps): Router {
  const router = Router();

  router.post(
    '/session',
    signInFailureLimit(deps.redis, deps.signInLimitPrefix),
    (req, _res, next) => {
      // Browsers send Origin with every POST; a foreign one is a forged sign-in.
      if (req.get('origin') !== undefined) assertFromBoardOrigin(req.headers, req.host);
      next();
    },
    jsonOnly,
    express.json({ limit: '4kb' }),
    async (req, res) => {
      const parsed = signinSchema.safeParse(req.body);
      if (!parsed.success) throw badRequest('Enter your key to sign in.', issuesToDetails(parsed.error.issues));
      const secret = parsed.data.key.trim();
      const key = await deps.apiKeys.findBySecret(secret);
      if (!key) {
        // Audited without the key: a guess may be a real key mistyped.
        await deps.audit.record({ actor: 'unknown', actorKeyId: '', action: 'session.refused', target: 'session', detail: `unknown or revoked key, from ${req.ip ?? 'an unknown address'}` });
        throw new ApiError(401, 'unauthorized', 'That key is not recognised, or it has been revoked.');
      }
      const session = await deps.sessions.create(secret, key);
      await deps.audit.record({ actor: key.label, actorKeyId: key.id, action: 'session.started', target: key.id });
      res.cookie(SESSION_COOKIE, session.id, sessionCookieOptions(req.secure, session.maxAgeSeconds));
      res.json(toMe(key));
    },
  );

  router.delete('/session', async (req, res) => {
    const sessionId = readSessionId(req.get('cookie'));
    let ended: EndedSession | null = null;
    if (sessionId) {
      // Signing out is a state change made with the cookie: only from the board's pages.
      assertFromBoardOrigin(req.headers, req.host);
      ended = await deps.sessions.destroy(sessionId);
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    // After single sign-on, the page goes on to sign out at the provider when it offers that.
    const logoutUrl = ended?.singleSignOn && deps.oidc ? await providerLogoutUrl(deps.oidc, ended.idToken, deps.logger) : null;
    if (logoutUrl) {
      const body: SignedOut = { logoutUrl: logoutUrl.href };
      res.json(body);
      return;
    }
    res.status(204).end();
  });

  return router;
}
