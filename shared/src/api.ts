import { z } from 'zod';
import { odsCode } from './site.js';
import { REGION_CODES } from './regions.js';

export const ROLES = ['trust', 'director', 'display', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The one error body of every 4xx/5xx (SPEC §4). */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

export const keyCreateSchema = z
  .strictObject({
    role: z.enum(ROLES),
    label: z.string().trim().min(1, 'is required').max(100),
    trusts: z.array(odsCode).max(200).optional(),
    regions: z.array(z.enum(REGION_CODES as [string, ...string[]], { message: `must be one of ${REGION_CODES.join(', ')}` })).max(7).optional(),
  })
  .superRefine((key, ctx) => {
    if (key.role === 'trust' && !key.trusts?.length) {
      ctx.addIssue({ code: 'custom', path: ['trusts'], message: 'a trust key needs at least one trust code' });
    }
    if (key.role !== 'trust' && key.trusts) {
      ctx.addIssue({ code: 'custom', path: ['trusts'], message: 'only trust keys are scoped to trusts' });
    }
  });
export type KeyCreate = z.infer<typeof keyCreateSchema>;

/** A key as listed (never with its secret). */
export interface ApiKeyInfo {
  id: string;
  role: Role;
  label: string;
  trusts?: string[];
  regions?: string[];
  createdAt: string;
  revokedAt?: string;
}

/** States of a posted update (SPEC §4). */
export const UPDATE_STATES = ['queued', 'applied', 'superseded', 'rejected'] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];

export interface UpdateError {
  message: string;
  path?: string;
}

/** `GET /updates/:id` */
export interface UpdateResult {
  id: string;
  state: UpdateState;
  site?: string;
  errors?: UpdateError[];
  seq?: number;
}

export const signinSchema = z.strictObject({ key: z.string().min(1, 'is required').max(200) });

/** Who is signed in, as `GET /api/v1/me` reports it to the board. */
export interface Me {
  id: string;
  role: Role;
  label: string;
  trusts?: string[];
  regions?: string[];
}
