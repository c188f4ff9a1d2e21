import type { LiveEvent } from '@pb/shared';
import type { Metrics } from './metrics.js';

/**
 * Counts each event this server reads from the event stream to broadcast, and for a
 * status event observes POST → event latency: from when the update's post was received
 * (`receivedAt`, stamped by the server that took it) to now, when this server is about
 * to send it to its sockets. Servers' clocks are assumed NTP-synchronised.
 */
export function observeLiveEvent(metrics: Pick<Metrics, 'eventsPublished' | 'postToEvent'>, event: LiveEvent, now = Date.now()): void {
  metrics.eventsPublished.inc({ kind: event.kind });
  if (event.kind !== 'status') return;
  const receivedAt = event.payload.status.receivedAt ? Date.parse(event.payload.status.receivedAt) : Number.NaN;
  // Housekeeping events (stale, expiry) carry the original post's time: only fresh ones measure the pipeline.
  if (Number.isFinite(receivedAt) && now - receivedAt < 60_000 && event.payload.previous?.updateId !== event.payload.status.updateId) {
    metrics.postToEvent.observe(Math.max(0, now - receivedAt) / 1000);
  }
}
