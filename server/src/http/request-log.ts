import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { Logger } from '@pb/shared/node';

/** The header a request id arrives in (from a proxy or a client) and is returned in. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * An incoming id is kept when it is short and plain (a UUID, a proxy's hex id), so one id
 * follows a request through the proxy's log and ours; anything else could forge or
 * break log lines, so it is replaced.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Probes are polled every few seconds; logging each would drown the requests that matter. */
const UNLOGGED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** The request id of `req`: a sane incoming `X-Request-Id`, otherwise a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** The route pattern that answered (`/api/v1/sites/:code`), never the path with its codes or ids. */
function routeOf(req: Request): string | undefined {
  const path: unknown = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : undefined;
}

function keyIdOf(req: Request): string | undefined {
  return req.caller?.id;
}

/**
 * One structured log line per request (pino-http): request id (also sent back as
 * `X-Request-Id`), the key's id — never the key, the cookie or any header — the route
 * pattern, status and duration. 5xx log as errors, 4xx as warnings.
 */
export function requestLog(logger: Logger): HttpLogger<Request, Response> {
  return pinoHttp<Request, Response>({
    logger: logger.child({ component: 'http' }),
    genReqId: (req, res) => {
      const id = requestIdOf(req);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    autoLogging: { ignore: (req) => UNLOGGED_PATHS.has((req.url ?? '').split('?')[0]!) },
    // Binds `requestId` on every line logged for the request (req.log), not only the last.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessObject: (req, _res, value: object) => ({ ...value, keyId: keyIdOf(req), route: routeOf(req) }),
    customErrorObject: (req, _res, _error, value: object) => ({ ...value, keyId: keyIdOf(req), route: routeOf(req) }),
    serializers: {
      // Only what identifies the request: no headers (they carry keys and cookies), no body.
      req: (req: { method?: string; url?: string; remoteAddress?: string }) => ({ method: req.method, url: req.url?.slice(0, 500), remoteAddress: req.remoteAddress }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
