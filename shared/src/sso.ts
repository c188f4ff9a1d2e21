import { z } from 'zod';
import { checkTrustScope, keyCreateSchema } from './api.js';

/** Where the sign-in page sends people to sign in with their organisation (a browser navigation). */
export const OIDC_START_PATH = '/api/v1/session/oidc';
/** Where the identity provider sends them back; `PB_PUBLIC_URL` + this is the redirect URI to register. */
export const OIDC_CALLBACK_PATH = '/api/v1/session/oidc/callback';
/** Where the identity provider sends them after signing out there (the post-logout redirect URI). */
export const SIGNED_OUT_PATH = '/signin';

/**
 * What one group or role value from the identity provider grants: a role, scoped as a
 * key of that role would be (trust roles to trusts, any role to regions).
 *
 * @example { role: 'director', regions: ['Y59'] }
 */
export const ssoAccessSchema = z
  .strictObject({
    role: keyCreateSchema.shape.role,
    trusts: keyCreateSchema.shape.trusts,
    regions: keyCreateSchema.shape.regions,
  })
  .superRefine(checkTrustScope('role'));
export type SsoAccess = z.infer<typeof ssoAccessSchema>;

/**
 * `PB_OIDC_ROLE_MAP`: claim values (an Entra ID group's object id, an app role, an NHS
 * CIS2 role code…) to what each grants. Values not listed grant nothing.
 *
 * @example { "4f6c…-group-object-id": { "role": "director", "regions": ["Y59"] }, "PressureBoard.Admin": { "role": "admin" } }
 */
export const oidcRoleMapSchema = z
  .record(z.string().trim().min(1, 'a claim value may not be empty'), ssoAccessSchema)
  .refine((map) => Object.keys(map).length > 0, 'maps no claim value to a role, so nobody could sign in');
export type OidcRoleMap = z.infer<typeof oidcRoleMapSchema>;

/** `GET /api/v1/session/methods`: how the sign-in page may offer to sign in. */
export const signInMethodsSchema = z
  .object({
    key: z.literal(true).meta({ description: 'An access key can always be used (wallboards, systems).' }),
    oidc: z.boolean().meta({ description: `Whether “Sign in with your organisation” (OpenID Connect, ${OIDC_START_PATH}) is configured.` }),
  })
  .meta({ id: 'SignInMethods' });
export type SignInMethods = z.infer<typeof signInMethodsSchema>;

/**
 * `DELETE /api/v1/session` after single sign-on, when the identity provider offers
 * RP-initiated logout: the page goes there to end the organisation sign-in too.
 */
export const signedOutSchema = z
  .object({ logoutUrl: z.url().meta({ description: 'The identity provider’s end-session URL; it sends the browser back to /signin.' }) })
  .meta({ id: 'SignedOut' });
export type SignedOut = z.infer<typeof signedOutSchema>;
