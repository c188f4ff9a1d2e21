import { z } from 'zod';
import { odsCode } from './site.js';

/** Strike-time requests to recall striking staff (SPEC §2). */
export const DEROGATION_STATES = ['submitted', 'under_review', 'approved', 'declined', 'withdrawn', 'revoked'] as const;
export type DerogationState = (typeof DEROGATION_STATES)[number];

export const derogationSchema = z.object({
  id: z.string(),
  site: z.string(),
  trust: z.string(),
  region: z.string(),
  service: z.string(),
  staffRequested: z.string(),
  reason: z.string().optional(),
  state: z.enum(DEROGATION_STATES),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
  history: z.array(
    z.object({
      state: z.enum(DEROGATION_STATES),
      at: z.string(),
      by: z.string(),
      note: z.string().optional(),
      /** The BMA's reference for a decision, as the director or admin recorded it (SPEC §13). */
      decisionRef: z.string().optional(),
    }),
  ),
});
export type Derogation = z.infer<typeof derogationSchema>;

export const derogationCreateSchema = z.strictObject({
  site: odsCode,
  service: z.string().trim().min(1, 'is required').max(100),
  staffRequested: z.string().trim().min(1, 'is required').max(200),
  reason: z.string().trim().max(500).optional(),
});
export type DerogationCreate = z.infer<typeof derogationCreateSchema>;

/** `PATCH /derogations/:id`; who may move a request where is `checkDerogationMove` (rules/derogation-transitions). */
export const derogationChangeSchema = z.strictObject({
  state: z.enum(DEROGATION_STATES),
  note: z.string().trim().max(500).optional(),
  decisionRef: z.string().trim().min(1, 'must not be blank').max(100, 'must be at most 100 characters').optional(),
});
export type DerogationChange = z.infer<typeof derogationChangeSchema>;
