import express, { Router } from 'express';
import { issuesToDetails, signinSchema } from '@pb/shared';
import { toMe, type ApiKeyStore } from '../auth/api-keys.js';
import { readCookie, SESSION_COOKIE, SESSION_TTL_SECONDS, type SessionStore } from '../auth/sessions.js';
import { ApiError, badRequest } from '../http/api-error.js';
import type { AuditLog } from '../audit/audit-log.js';

/**
 * Sign-in for the web pages: the key is posted once (never in a URL) and exchanged
 * for an httpOnly, SameSite=Strict session cookie.
 */
export function sessionRouter(deps: { apiKeys: ApiKeyStore; sessions: SessionStore; audit: AuditLog }): Router {
  const router = Router();

  router.post('/session', express.json({ limit: '4kb' }), express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const parsed = signinSchema.safeParse(req.body);
    if (!parsed.success) throw badRequest('Enter your key to sign in.', issuesToDetails(parsed.error.issues));
    const key = await deps.apiKeys.findBySecret(parsed.data.key.trim());
    if (!key) throw new ApiError(401, 'unauthorized', 'That key is not recognised, or it has been revoked.');
    const sessionId = await deps.sessions.create(parsed.data.key.trim());
    await deps.audit.record({ actor: key.label, actorKeyId: key.id, action: 'session.started', target: key.id });
    res.cookie(SESSION_COOKIE, sessionId, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      maxAge: SESSION_TTL_SECONDS * 1000,
    });
    res.json(toMe(key));
  });

  router.delete('/session', async (req, res) => {
    const sessionId = readCookie(req.get('cookie'), SESSION_COOKIE);
    if (sessionId) await deps.sessions.destroy(sessionId);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  return router;
}
