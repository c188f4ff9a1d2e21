import { z } from 'zod';
import { SOURCES } from './canonical-update.js';

/** Posted updates waiting to be normalised and applied. */
export const UPDATES_QUEUE = 'updates';
/** Scheduled housekeeping: staleness, A&E `until` expiry, stream trimming. */
export const MAINTENANCE_QUEUE = 'maintenance';

/** How a posted body is to be read; each has one normaliser in the workers. */
export const UPDATE_FORMATS = ['json', 'text', 'opel', 'csv-row', 'edxl-have'] as const;
export type UpdateFormat = (typeof UPDATE_FORMATS)[number];

/** `job.data` of an `updates` job, validated again when the job starts. */
export const updateJobSchema = z.object({
  updateId: z.string(),
  format: z.enum(UPDATE_FORMATS),
  /** form or api for JSON; the normaliser decides for the other formats. */
  source: z.enum(SOURCES),
  keyId: z.string(),
  actor: z.string(),
  /** The trusts the poster may post for; undefined means any (admin). */
  trusts: z.array(z.string()).optional(),
  receivedAt: z.string(),
  /** The raw input: an object for JSON, a string for the text formats. */
  body: z.unknown(),
  /** For free text: the site named in `?site=`. For a CSV row: its header. */
  site: z.string().optional(),
  header: z.array(z.string()).optional(),
  row: z.number().int().optional(),
});
export type UpdateJob = z.infer<typeof updateJobSchema>;

export const MAINTENANCE_JOBS = ['mark-stale', 'expire-until', 'trim-events'] as const;
export type MaintenanceJob = (typeof MAINTENANCE_JOBS)[number];
