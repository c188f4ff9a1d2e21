import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Router, type RequestHandler } from 'express';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { assertFromBoardOrigin } from '../auth/same-origin.js';
import { readSessionId, type SessionStore } from '../auth/sessions.js';
import { ApiError } from '../http/api-error.js';

/** Where the queue admin lives (SPEC §15). */
export const QUEUE_ADMIN_PATH = '/admin/queues';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * An admin's browser session only. Without one a page request goes to sign-in; with a
 * session of another role it is a 403. Bull-board can retry, promote and delete jobs,
 * so a state change must also come from the board's own origin (SPEC §12), as for the API.
 */
export function requireAdminSession(sessions: SessionStore): RequestHandler {
  return async (req, res, next) => {
    const sessionId = readSessionId(req.get('cookie'));
    const found = sessionId ? await sessions.find(sessionId) : null;
    if (!found) {
      if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
        res.redirect(303, '/signin');
        return;
      }
      throw new ApiError(401, 'unauthorized', 'Sign in on the board with an admin key to see the queues.');
    }
    if (found.me.role !== 'admin') throw new ApiError(403, 'forbidden', `The queues are for admin keys; yours is a ${found.me.role} key.`);
    if (!SAFE_METHODS.has(req.method)) assertFromBoardOrigin(req.headers, req.host);
    next();
  };
}

/**
 * Bull-board's page with the one thing the CSP refuses taken out: a stylesheet from
 * fonts.googleapis.com (the board runs offline, and styles come from this origin only).
 * Written once per process to a directory of its own, from the installed version's
 * template, so upgrades keep working.
 */
function offlineViewsPath(): string {
  const uiDist = join(dirname(createRequire(import.meta.url).resolve('@bull-board/ui/package.json')), 'dist');
  const template = readFileSync(join(uiDist, 'index.ejs'), 'utf8').replace(/<link[^>]+fonts\.googleapis\.com[^>]*>/g, '');
  const views = mkdtempSync(join(tmpdir(), 'pb-bull-board-'));
  writeFileSync(join(views, 'index.ejs'), template);
  return views;
}

/** `/admin/queues`: the board's BullMQ queues in bull-board, for admins signed in on the board. */
export function queueAdminRouter(deps: { sessions: SessionStore; queues: Queue[] }): Router {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_ADMIN_PATH);
  createBullBoard({ queues: deps.queues.map((queue) => new BullMQAdapter(queue)), serverAdapter: adapter, options: { uiConfig: { boardTitle: 'Pressure Board queues' } } });
  // After createBullBoard, which sets its own views path.
  adapter.setViewsPath(offlineViewsPath());
  const router = Router();
  router.use(QUEUE_ADMIN_PATH, requireAdminSession(deps.sessions), adapter.getRouter());
  return router;
}
