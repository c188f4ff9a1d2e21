import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics. Labels carry no notes and no per-key values (SPEC §10). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    updatesPosted: new Counter({ name: 'pb_updates_posted_total', help: 'Updates accepted for processing', labelNames: ['format'] as const, registers: [registry] }),
    eventsBroadcast: new Counter({ name: 'pb_events_broadcast_total', help: 'Board events broadcast to sockets', registers: [registry] }),
    snapshotBuilds: new Counter({ name: 'pb_live_snapshot_builds_total', help: 'Board snapshots built for socket subscribers (one shared by all who need it)', registers: [registry] }),
    eventsPublished: new Counter({ name: 'pb_events_published_total', help: 'Board events read from the event stream for broadcast, by kind', labelNames: ['kind'] as const, registers: [registry] }),
    postToEvent: new Histogram({
      name: 'pb_post_to_event_seconds',
      help: 'Time from a post being received to its status event leaving for the sockets',
      buckets: [0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    sockets: new Gauge({ name: 'pb_board_sockets', help: 'Connected board sockets', registers: [registry] }),
    httpDuration: new Histogram({
      name: 'pb_http_request_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
