import { z } from 'zod';
import { siteStatusSchema } from './site-status.js';
import { derogationSchema } from './derogation.js';

export const ALERT_KINDS = [
  'critical_incident',
  'major_incident',
  'ed_closed',
  'divert',
  'escalation',
  'stale',
  'until_expired',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** An alert as stored, listed by `GET /alerts` and carried by `alert` events. */
export const alertSchema = z.object({
  id: z.string(),
  kind: z.enum(ALERT_KINDS),
  site: z.string(),
  region: z.string(),
  raisedAt: z.string(),
  /** Set when the condition that raised it stops holding; it then leaves the board. */
  endedAt: z.string().optional(),
  acknowledgedBy: z.string().optional(),
  acknowledgedAt: z.string().optional(),
});
export type Alert = z.infer<typeof alertSchema>;

export const statusEventSchema = z.object({
  seq: z.number().int().positive(),
  site: z.string(),
  status: siteStatusSchema,
  previous: siteStatusSchema.nullable().optional(),
});
export type StatusEvent = z.infer<typeof statusEventSchema>;

export const alertEventSchema = alertSchema.extend({ seq: z.number().int().positive() });
export type AlertEvent = z.infer<typeof alertEventSchema>;

export const derogationEventSchema = z.object({
  seq: z.number().int().positive(),
  derogation: derogationSchema,
});
export type DerogationEvent = z.infer<typeof derogationEventSchema>;

export const boardSnapshotSchema = z.object({
  seq: z.number().int().nonnegative(),
  asOf: z.string(),
  sites: z.array(siteStatusSchema),
  alerts: z.array(alertSchema),
});
export type BoardSnapshot = z.infer<typeof boardSnapshotSchema>;

/**
 * The `data` field of each kind of event-stream entry: the event without its seq,
 * which the entry's id (`<seq>-0`) carries. Every entry is checked against these once,
 * where the stream is read.
 */
export const streamEntryDataSchemas = {
  status: statusEventSchema.omit({ seq: true }),
  alert: alertSchema,
  derogation: derogationEventSchema.omit({ seq: true }),
} as const;

/** Kinds of entry in the event stream; each becomes the socket event of the same name. */
export type StreamEventKind = keyof typeof streamEntryDataSchemas;
export const STREAM_EVENT_KINDS = Object.keys(streamEntryDataSchemas) as StreamEventKind[];

/**
 * One event of the board's stream, parsed once and ready to send: `payload` is exactly
 * what the socket event of the same `kind` carries (its seq included), and `region` is
 * the region of the site it concerns, which decides who may see it.
 *
 * @example
 * switch (event.kind) {
 *   case 'status': socket.emit('status', event.payload); break;
 *   case 'alert': socket.emit('alert', event.payload); break;
 *   case 'derogation': socket.emit('derogation', event.payload); break;
 * }
 */
export type LiveEvent =
  | { kind: 'status'; seq: number; region: string; payload: StatusEvent }
  | { kind: 'alert'; seq: number; region: string; payload: AlertEvent }
  | { kind: 'derogation'; seq: number; region: string; payload: DerogationEvent };

export const subscribeRequestSchema = z.strictObject({
  regions: z.array(z.string().toUpperCase()).max(7).optional(),
  since: z.number().int().nonnegative().optional(),
});
export type SubscribeRequest = z.infer<typeof subscribeRequestSchema>;

/** The one ack envelope every socket request answers with. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export interface SubscribeResult {
  mode: 'replay' | 'snapshot';
  seq: number;
}

/** Everything the server pushes to boards on the `/board` namespace. */
export interface ServerToClientEvents {
  status: (event: StatusEvent) => void;
  alert: (event: AlertEvent) => void;
  derogation: (event: DerogationEvent) => void;
  snapshot: (snapshot: BoardSnapshot) => void;
}

/** Everything a board may ask of the server. */
export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: (result: Ack<SubscribeResult>) => void) => void;
}

export const BOARD_NAMESPACE = '/board';
