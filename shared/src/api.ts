import { z } from 'zod';
import { odsCode } from './site.js';
import { REGION_CODES } from './regions.js';

export const ROLES = ['trust', 'director', 'display', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The one error body of every 4xx/5xx (SPEC §4). */
export const apiErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

/**
 * A trust role is scoped to at least one trust, and only a trust role is scoped to
 * trusts: for keys, and for what single sign-on grants (`what` names the thing checked).
 */
export function checkTrustScope(what = 'key') {
  return (scope: { role: Role; trusts?: string[] | undefined }, ctx: z.RefinementCtx): void => {
    if (scope.role === 'trust' && !scope.trusts?.length) {
      ctx.addIssue({ code: 'custom', path: ['trusts'], message: `a trust ${what} needs at least one trust code` });
    }
    if (scope.role !== 'trust' && scope.trusts) {
      ctx.addIssue({ code: 'custom', path: ['trusts'], message: `only trust ${what}s are scoped to trusts` });
    }
  };
}

export const keyCreateSchema = z
  .strictObject({
    role: z.enum(ROLES),
    label: z.string().trim().min(1, 'is required').max(100),
    trusts: z.array(odsCode).max(200).optional(),
    regions: z.array(z.enum(REGION_CODES as [string, ...string[]], { message: `must be one of ${REGION_CODES.join(', ')}` })).max(7).optional(),
  })
  .superRefine(checkTrustScope());
export type KeyCreate = z.infer<typeof keyCreateSchema>;

/** A key as listed (never with its secret). */
export const apiKeyInfoSchema = z
  .object({
    id: z.string(),
    role: z.enum(ROLES),
    label: z.string(),
    trusts: z.array(z.string()).optional(),
    regions: z.array(z.string()).optional(),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKeyInfo = z.infer<typeof apiKeyInfoSchema>;

/** `POST /keys` answer: the key with its secret, shown only this once (SPEC §10). */
export const createdApiKeySchema = apiKeyInfoSchema.extend({ key: z.string() }).meta({ id: 'CreatedApiKey' });

/** `GET /keys` */
export const apiKeyListSchema = z.object({ keys: z.array(apiKeyInfoSchema) });

/** States of a posted update (SPEC §4). */
export const UPDATE_STATES = ['queued', 'applied', 'superseded', 'rejected'] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];

export const updateErrorSchema = z.object({ message: z.string(), path: z.string().optional() });
export type UpdateError = z.infer<typeof updateErrorSchema>;

/** `GET /updates/:id` */
export const updateResultSchema = z
  .object({
    id: z.string(),
    state: z.enum(UPDATE_STATES),
    site: z.string().optional(),
    errors: z.array(updateErrorSchema).optional(),
    seq: z.number().int().optional(),
  })
  .meta({ id: 'UpdateResult' });
export type UpdateResult = z.infer<typeof updateResultSchema>;

/**
 * `POST /updates` answer (202): each update's id, in order; for CSV, each row's id or,
 * for a row refused before queueing, its errors (SPEC §10).
 */
export const updatesAcceptedSchema = z
  .object({
    updates: z.array(
      z.union([
        z.object({ id: z.string(), state: z.literal('queued'), row: z.number().int().optional() }),
        z.object({ row: z.number().int(), state: z.literal('rejected'), errors: z.array(updateErrorSchema) }),
      ]),
    ),
  })
  .meta({ id: 'UpdatesAccepted' });
export type UpdatesAccepted = z.infer<typeof updatesAcceptedSchema>;

export const signinSchema = z.strictObject({ key: z.string().min(1, 'is required').max(200) });

/** Who is signed in, as `GET /api/v1/me` reports it to the board. */
export const meSchema = apiKeyInfoSchema.pick({ id: true, role: true, label: true, trusts: true, regions: true }).meta({ id: 'Me' });
export type Me = z.infer<typeof meSchema>;
