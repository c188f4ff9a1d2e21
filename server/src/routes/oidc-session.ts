import { Router, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import { OIDC_START_PATH, type SignInMethods } from '@pb/shared';
import type { Logger, OidcConfig } from '@pb/shared/node';
import type { AuditLog } from '../audit/audit-log.js';
import { classifyOidcError, OidcClient } from '../auth/oidc-client.js';
import { SIGN_IN_FLOW_SECONDS, type OidcFlowStore } from '../auth/oidc-flows.js';
import { identityFromClaims } from '../auth/oidc-identity.js';
import { sendSignInRefused, SignInRefused } from '../auth/oidc-pages.js';
import { readCookie, SESSION_COOKIE, sessionCookieOptions } from '../auth/session-cookie.js';
import type { SessionStore } from '../auth/sessions.js';
import { signInFailureLimit } from '../auth/sign-in-limit.js';

/** Holds the id of this browser's sign-in under way, from the start until the provider sends it back. */
export const FLOW_COOKIE = 'pb_oidc_flow';

export interface OidcSessionRouteDeps {
  /** Absent when single sign-on is not configured: the routes answer 404. */
  oidc: { client: OidcClient; settings: OidcConfig } | undefined;
  flows: OidcFlowStore;
  sessions: SessionStore;
  audit: AuditLog;
  redis: Redis;
  /** Redis key prefix of the failed sign-in counters (shared with key sign-in). */
  signInLimitPrefix: string;
  logger: Logger;
}

/** At most this many claim values are written into an audit entry of a refused sign-in. */
const VALUES_AUDITED = 20;

const notConfigured = () => new SignInRefused(404, 'not_configured', 'Single sign-on is not set up', 'This board has no organisation sign-in configured. Sign in with your access key.');

/**
 * Single sign-on (OpenID Connect, authorization code flow with PKCE): the sign-in page
 * links to the start, the provider sends the browser back to the callback, and the
 * person leaves with the same session cookie as a key sign-in, holding the role their
 * organisation's groups or roles map to.
 */
export function oidcSessionRouter(deps: OidcSessionRouteDeps): Router {
  const router = Router();

  router.get('/session/methods', (_req, res) => {
    const methods: SignInMethods = { key: true, oidc: deps.oidc !== undefined };
    res.set('Cache-Control', 'no-cache').json(methods);
  });

  router.get('/session/oidc', async (req, res) => {
    try {
      if (!deps.oidc) throw notConfigured();
      const pending = OidcClient.newSignIn();
      let url: URL;
      try {
        url = await deps.oidc.client.authorizationUrl(pending);
      } catch (error) {
        deps.logger.warn({ err: error }, 'single sign-on: the identity provider could not be reached');
        throw new SignInRefused(503, 'provider_unavailable', 'Your organisation’s sign-in cannot be reached', 'The board could not reach your organisation’s sign-in service. Try again in a few minutes, or sign in with an access key.');
      }
      const flowId = await deps.flows.save(pending);
      // Lax, not Strict: the provider's redirect back is a cross-site navigation, and it must carry this.
      res.cookie(FLOW_COOKIE, flowId, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: OIDC_START_PATH, maxAge: SIGN_IN_FLOW_SECONDS * 1000 });
      res.set('Cache-Control', 'no-store').redirect(302, url.href);
    } catch (error) {
      refuseOrThrow(req, res, error);
    }
  });

  router.get('/session/oidc/callback', signInFailureLimit(deps.redis, deps.signInLimitPrefix), async (req, res) => {
    try {
      if (!deps.oidc) throw notConfigured();
      const { client, settings } = deps.oidc;
      res.clearCookie(FLOW_COOKIE, { path: OIDC_START_PATH });
      const pending = await deps.flows.take(readCookie(req.get('cookie'), FLOW_COOKIE));
      if (!pending) {
        throw new SignInRefused(400, 'sign_in_expired', 'Start signing in again', 'This sign-in was not started in this browser, was already used, or took longer than 10 minutes. Start again from the sign-in page.');
      }
      const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
      let signedIn;
      try {
        signedIn = await client.complete(query, pending);
      } catch (error) {
        throw callbackFailure(error, deps.logger);
      }
      const outcome = identityFromClaims(signedIn.claims, settings);
      const who = [outcome.email ?? outcome.label, `subject ${outcome.subject}`, `issuer ${settings.issuer}`].join(', ');
      if (!outcome.granted) {
        const shown = outcome.values.slice(0, VALUES_AUDITED).join(', ') + (outcome.values.length > VALUES_AUDITED ? ` and ${outcome.values.length - VALUES_AUDITED} more` : '');
        await deps.audit.record({
          actor: outcome.label,
          actorKeyId: '',
          action: 'session.refused',
          target: 'session',
          detail: `single sign-on: no mapped group or role (${who}; ${settings.roleClaims.join(', ')}: ${shown || 'none'}), from ${req.ip ?? 'an unknown address'}`,
        });
        throw new SignInRefused(
          403,
          'no_board_role',
          'You do not have access to Pressure Board',
          `You signed in as ${outcome.label}, but none of your organisation’s groups or roles gives access to Pressure Board. Ask your board administrator to add one of them to the board’s single sign-on mapping.`,
        );
      }
      const session = await deps.sessions.createForUser(outcome.me, signedIn.idToken);
      await deps.audit.record({
        actor: outcome.me.label,
        actorKeyId: outcome.me.id,
        action: 'session.started',
        target: outcome.me.id,
        detail: `single sign-on as ${outcome.me.role} (${who}; granted by ${outcome.access.grantedBy.join(', ')})`,
      });
      res.cookie(SESSION_COOKIE, session.id, sessionCookieOptions(req.secure, session.maxAgeSeconds));
      // Where a key of the same role lands after signing in.
      res.set('Cache-Control', 'no-store').redirect(303, outcome.me.role === 'trust' ? '/post' : '/');
    } catch (error) {
      refuseOrThrow(req, res, error);
    }
  });

  return router;
}

function refuseOrThrow(req: Request, res: Response, error: unknown): void {
  if (!(error instanceof SignInRefused)) throw error;
  sendSignInRefused(req, res, error);
}

function callbackFailure(error: unknown, logger: Logger): SignInRefused {
  const { kind, reason } = classifyOidcError(error);
  if (kind === 'refused') {
    return new SignInRefused(401, 'sign_in_refused', 'Your organisation did not sign you in', `Your organisation’s sign-in service did not sign you in (${reason}). Start again from the sign-in page.`);
  }
  if (kind === 'unverified') {
    logger.warn({ err: error }, 'single sign-on: the provider’s answer did not verify');
    return new SignInRefused(400, 'sign_in_unverified', 'Start signing in again', 'The answer from your organisation’s sign-in service could not be verified. Start again from the sign-in page.');
  }
  logger.warn({ err: error }, 'single sign-on: the identity provider could not be reached');
  return new SignInRefused(503, 'provider_unavailable', 'Your organisation’s sign-in cannot be reached', 'The board could not reach your organisation’s sign-in service. Try again in a few minutes, or sign in with an access key.');
}
