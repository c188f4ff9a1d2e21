import { z } from 'zod';
import { ED_STATUSES, INCIDENT_LEVELS, metricsSchema, SOURCES } from './canonical-update.js';

export const incidentSchema = z.object({
  level: z.enum(INCIDENT_LEVELS),
  reason: z.string().optional(),
  declaredAt: z.string().optional(),
  stoodDownAt: z.string().optional(),
});
export type Incident = z.infer<typeof incidentSchema>;

export const edSchema = z.object({
  status: z.enum(ED_STATUSES),
  divertTo: z.array(z.string()),
  reason: z.string().optional(),
  until: z.string().optional(),
});
export type EdState = z.infer<typeof edSchema>;

/**
 * What the board knows of a site from its updates (stored in Redis, one per site).
 * Reference fields and derived severity are added when it is projected to a
 * `SiteStatus`, so the stored form never goes out of date.
 */
export const storedStatusSchema = z.object({
  opel: z.number().int().min(1).max(4).nullable(),
  incident: incidentSchema.nullable(),
  ed: edSchema.nullable(),
  metrics: metricsSchema,
  note: z.string().nullable(),
  observedAt: z.string().nullable(),
  receivedAt: z.string().nullable(),
  source: z.enum(SOURCES).nullable(),
  actor: z.string().nullable(),
  inferred: z.boolean(),
  updateId: z.string().nullable(),
});
export type StoredStatus = z.infer<typeof storedStatusSchema>;

export const EMPTY_STATUS: StoredStatus = Object.freeze({
  opel: null,
  incident: null,
  ed: null,
  metrics: {},
  note: null,
  observedAt: null,
  receivedAt: null,
  source: null,
  actor: null,
  inferred: false,
  updateId: null,
}) as StoredStatus;

/** The flat status of SPEC §10, as sent in `GET /board`, `GET /sites/:code` and `status` events. */
export const siteStatusSchema = storedStatusSchema.extend({
  site: z.string(),
  name: z.string(),
  trust: z.string(),
  region: z.string(),
  icb: z.string(),
  severity: z.number().int().min(0).max(4),
  stale: z.boolean(),
});
export type SiteStatus = z.infer<typeof siteStatusSchema>;
