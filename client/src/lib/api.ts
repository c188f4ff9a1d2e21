import type { ApiErrorBody } from '@pb/shared';

/** An error answer from the API, with the SPEC's error body when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** The network or server could not be reached at all. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

const API = '/api/v1';

function isErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && 'error' in value && typeof (value as ApiErrorBody).error?.message === 'string';
}

/**
 * Calls the board's API on the same origin with the session cookie. Resolves with the
 * parsed JSON body; rejects with `ApiError` (an HTTP error) or `NetworkError`.
 *
 * @example const me = await apiFetch<Me>('/me');
 */
export async function apiFetch<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(API + path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json',
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? null : JSON.stringify(init.body),
      signal: init.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new NetworkError('The server could not be reached. Check the connection and try again.');
  }
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!response.ok) {
    if (isErrorBody(body)) throw new ApiError(response.status, body.error.code, body.error.message, body.error.details ?? []);
    throw new ApiError(response.status, `http_${response.status}`, defaultMessage(response.status));
  }
  return body as T;
}

function defaultMessage(status: number): string {
  if (status === 401) return 'You are not signed in, or your key is no longer valid.';
  if (status === 403) return 'Your key does not allow this.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests; wait a moment and try again.';
  if (status === 503) return 'The board is temporarily unavailable. It will recover by itself.';
  return `The server answered with an error (${status}).`;
}
