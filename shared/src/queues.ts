import { z } from 'zod';
import { SOURCES } from './canonical-update.js';

/** Posted updates waiting to be normalised and applied. */
export const UPDATES_QUEUE = 'updates';
/** Scheduled housekeeping: staleness, A&E `until` expiry, stream trimming. */
export const MAINTENANCE_QUEUE = 'maintenance';
/** Notification deliveries and escalations (SPEC §14); jobs are `notificationJobSchema`. */
export const NOTIFICATIONS_QUEUE = 'notifications';

/** How a posted body is to be read; each has one normaliser in the workers. */
export const UPDATE_FORMATS = ['json', 'text', 'opel', 'csv-row', 'edxl-have'] as const;
export type UpdateFormat = (typeof UPDATE_FORMATS)[number];

/** One posted update as the normalisers see it. */
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
  /** The id of the HTTP request that posted it (`X-Request-Id`), so the workers' log lines name it too. */
  requestId: z.string().max(128).optional(),
  /** The raw input: an object for JSON, a string for the text formats, the cells of a CSV row. */
  body: z.unknown(),
  /** For free text: the site named in `?site=`; for JSON, the site it names. */
  site: z.string().optional(),
  /** For a CSV row: the file's header and the row's number. */
  header: z.array(z.string()).optional(),
  row: z.number().int().optional(),
});
export type UpdateJob = z.infer<typeof updateJobSchema>;

/**
 * Updates posted together (a JSON array, the rows of a CSV) travel in jobs of up to
 * this many, each update keeping its own id and result: BullMQ's per-job bookkeeping
 * is then paid once per chunk, not once per row.
 */
export const MAX_UPDATES_PER_JOB = 500;

const updateItemSchema = updateJobSchema.pick({ updateId: true, body: true, site: true, row: true });
export type UpdateItem = z.infer<typeof updateItemSchema>;

/** `job.data` of an `updates` job, validated again when the job starts. */
export const updateBatchSchema = updateJobSchema
  .omit({ updateId: true, body: true, site: true, row: true })
  .extend({ items: z.array(updateItemSchema).min(1).max(MAX_UPDATES_PER_JOB) });
export type UpdateBatch = z.infer<typeof updateBatchSchema>;

/** The updates of a batch, each as the normalisers see it. */
export function updatesOfBatch(batch: UpdateBatch): UpdateJob[] {
  const { items, ...common } = batch;
  return items.map((item) => ({ ...common, ...item }));
}

export const MAINTENANCE_JOBS = ['mark-stale', 'expire-until', 'trim-events', 'release-queue-room'] as const;
export type MaintenanceJob = (typeof MAINTENANCE_JOBS)[number];
