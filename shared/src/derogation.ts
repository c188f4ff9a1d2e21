import { z } from 'zod';
import { odsCode } from './site.js';

/** Strike-time requests to recall striking staff (SPEC §2). */
export const DEROGATION_STATES = ['submitted', 'under_review', 'approved', 'declined', 'withdrawn', 'revoked'] as const;
export type DerogationState = (typeof DEROGATION_STATES)[number];

/** Which state may follow which. */
export const DEROGATION_TRANSITIONS: Record<DerogationState, readonly DerogationState[]> = {
  submitted: ['under_review', 'withdrawn'],
  under_review: ['approved', 'declined', 'withdrawn'],
  approved: ['revoked', 'withdrawn'],
  declined: [],
  withdrawn: [],
  revoked: [],
};

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
  history: z.array(z.object({ state: z.enum(DEROGATION_STATES), at: z.string(), by: z.string(), note: z.string().optional() })),
});
export type Derogation = z.infer<typeof derogationSchema>;

export const derogationCreateSchema = z.strictObject({
  site: odsCode,
  service: z.string().trim().min(1, 'is required').max(100),
  staffRequested: z.string().trim().min(1, 'is required').max(200),
  reason: z.string().trim().max(500).optional(),
});
export type DerogationCreate = z.infer<typeof derogationCreateSchema>;

export const derogationChangeSchema = z.strictObject({
  state: z.enum(DEROGATION_STATES),
  note: z.string().trim().max(500).optional(),
});
