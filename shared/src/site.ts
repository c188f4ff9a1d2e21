import { z } from 'zod';
import { REGION_CODES } from './regions.js';

/** ODS codes are upper-case; lower-case input is accepted and upper-cased (SPEC §10). */
export const odsCode = z
  .string()
  .regex(/^[A-Za-z0-9]{3,10}$/, 'must be an ODS code (3–10 letters and digits)')
  .transform((code) => code.toUpperCase());

/** A hospital site from the reference data. */
export const siteSchema = z.object({
  code: z.string(),
  name: z.string(),
  trust: z.string(),
  trustName: z.string(),
  region: z.enum(REGION_CODES as [string, ...string[]]),
  regionName: z.string(),
  icb: z.string(),
  icbName: z.string(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  type1: z.boolean(),
  postcode: z.string().optional(),
});
export type Site = z.infer<typeof siteSchema>;
