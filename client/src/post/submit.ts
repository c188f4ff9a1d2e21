import type { UpdateResult } from '@pb/shared';
import { apiFetch } from '../lib/api';

const POLL_EVERY_MS = 400;
const POLL_FOR_MS = 30_000;

/** A fresh idempotency key per submission, so a retried post applies once. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Polls `GET /updates/:id` until the update leaves the queue. Resolves with its final
 * state, or null if it is still queued after 30 s (it will still be applied).
 */
export async function pollUpdate(id: string, signal?: AbortSignal): Promise<UpdateResult | null> {
  const deadline = Date.now() + POLL_FOR_MS;
  while (Date.now() < deadline) {
    const result = await apiFetch<UpdateResult>(`/updates/${encodeURIComponent(id)}`, signal ? { signal } : {});
    if (result.state !== 'queued') return result;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, POLL_EVERY_MS);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(new DOMException('Aborted', 'AbortError'));
        },
        { once: true },
      );
    });
  }
  return null;
}
