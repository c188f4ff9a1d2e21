import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { ApiError } from '../http/api-error.js';

/** Methods that change nothing; the rest need proof of origin when a cookie signs them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `host[:port]` as a URL would write it (lower case, default port dropped), or undefined. */
function normaliseHost(host: string, protocol = 'http:'): string | undefined {
  try {
    return new URL(`${protocol}//${host}`).host;
  } catch {
    return undefined;
  }
}

/**
 * Whether a browser request comes from the board's own pages (SPEC §12): its `Origin`
 * names the board's host, or, when a browser sent no `Origin`, `Sec-Fetch-Site` says
 * `same-origin`. A request with neither is not trusted. The host compared is the one the
 * request was sent to (`Host`, or `X-Forwarded-Host` from a trusted proxy); the scheme is
 * not compared because a TLS-terminating proxy may hide it, and the cookie is
 * SameSite=Strict besides. Used by the HTTP API and the socket.io handshake alike.
 *
 * @example isFromBoardOrigin({ origin: 'https://board.example' }, 'board.example') // true
 */
export function isFromBoardOrigin(headers: IncomingHttpHeaders, boardHost: string | undefined = single(headers.host)): boolean {
  const origin = single(headers.origin);
  if (origin !== undefined) {
    if (!boardHost) return false;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // includes the opaque origin "null"
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return url.host === normaliseHost(boardHost, url.protocol);
  }
  return single(headers['sec-fetch-site']) === 'same-origin';
}

/** Answers 403 for a request that does not come from the board's own pages. */
export function assertFromBoardOrigin(headers: IncomingHttpHeaders, boardHost: string | undefined): void {
  if (!isFromBoardOrigin(headers, boardHost)) {
    throw new ApiError(403, 'cross_origin', 'This request did not come from the board’s own pages (its Origin, or Sec-Fetch-Site, names another origin or none); send it from the board, or with "Authorization: Bearer <key>".');
  }
}

/**
 * CSRF defence beyond SameSite (SPEC §12): a `POST`, `PATCH` or `DELETE` signed by the
 * session cookie must come from the board's origin. Bearer-key requests carry their own
 * proof and pass. Runs after `authenticate`.
 */
export const sameOriginForCookies: RequestHandler = (req, _res, next) => {
  if (req.caller?.viaSession && !SAFE_METHODS.has(req.method)) assertFromBoardOrigin(req.headers, req.host);
  next();
};
