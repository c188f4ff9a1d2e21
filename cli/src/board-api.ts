import type { z } from 'zod';
import { apiErrorBodySchema } from '@pb/shared';
import { BoardRefusedError, BoardUnreachableError, UsageError } from './cli-errors.js';

/** Where the board is and the key to speak for (`--url`/`PB_URL`, `--key`/`PB_KEY`). */
export interface BoardOptions {
  url: string;
  key?: string | undefined;
}

export interface RequestOptions {
  body?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
  query?: Record<string, string | undefined>;
}

/**
 * The board's HTTP API (`/api/v1`, SPEC §4) through Node's fetch, with the key as a
 * bearer token. Every answer that is not 2xx becomes a {@link BoardRefusedError}
 * carrying the API's own error body; a board that cannot be reached becomes a
 * {@link BoardUnreachableError}. The key never appears in a message.
 */
export class BoardApi {
  readonly baseUrl: URL;
  readonly #key: string;

  constructor(options: BoardOptions) {
    if (!options.key) throw new UsageError('a key is needed: pass --key or set PB_KEY');
    this.baseUrl = parseBoardUrl(options.url);
    this.#key = options.key;
  }

  /** The key, for the socket.io handshake (`auth.token`). */
  get key(): string {
    return this.#key;
  }

  /** An API path (`/updates`) as a full URL, with `query` values that are set. */
  url(path: string, query: Record<string, string | undefined> = {}): URL {
    const url = new URL(`api/v1${path}`, this.baseUrl);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
    return url;
  }

  /** Sends a request and returns the response if it is 2xx; throws otherwise. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { authorization: `Bearer ${this.#key}`, ...options.headers };
    if (options.contentType) headers['content-type'] = options.contentType;
    let response: Response;
    try {
      response = await fetch(url, { method, headers, ...(options.body === undefined ? {} : { body: options.body }) });
    } catch (error) {
      throw new BoardUnreachableError(`cannot reach ${this.baseUrl.origin}: ${describeFetchFailure(error)}`);
    }
    if (!response.ok) throw await refusal(response);
    return response;
  }

  /** Sends a request and parses its JSON answer with the shared schema of that answer. */
  async json<S extends z.ZodType>(method: string, path: string, schema: S, options: RequestOptions = {}): Promise<z.infer<S>> {
    const response = await this.request(method, path, options);
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new BoardUnreachableError(`${method} ${path} answered ${response.status} with something that is not JSON: is ${this.baseUrl.origin} a Pressure Board?`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new BoardUnreachableError(`${method} ${path} answered in a shape this command does not know (${parsed.error.issues[0]?.message ?? 'invalid'}): is the command as new as the board?`);
    }
    return parsed.data;
  }
}

/** `--url` must be an http(s) URL; the API lives under it at `/api/v1`. */
export function parseBoardUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(value)} is not a URL (e.g. http://localhost:3000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be an http:// or https:// URL, not ${url.protocol}`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** The error body of a refused request, or a plain description when it has none. */
async function refusal(response: Response): Promise<BoardRefusedError> {
  const text = await response.text().catch(() => '');
  let parsed: ReturnType<typeof apiErrorBodySchema.safeParse> | undefined;
  try {
    parsed = apiErrorBodySchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  const retryAfterMs = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined;
  if (parsed?.success) {
    const { code, message, details } = parsed.data.error;
    return new BoardRefusedError(response.status, code, message, details ?? [], undefined, retryAfterMs);
  }
  return new BoardRefusedError(response.status, 'http_error', response.statusText || 'the board refused the request (no error body)', [], undefined, retryAfterMs);
}

/** Node's fetch says "fetch failed" and keeps the reason (ECONNREFUSED, a DNS failure…) in `cause`. */
function describeFetchFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) return 'code' in cause && typeof cause.code === 'string' ? `${cause.code} (${cause.message})` : cause.message;
  return error.message;
}
