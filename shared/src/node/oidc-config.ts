import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { oidcRoleMapSchema, type OidcRoleMap } from '../sso.js';
import { DEFAULT_ROLE_CLAIMS } from '../rules/sso-access.js';

/** Single sign-on with the organisation's OpenID Connect provider (README, Single sign-on). */
export interface OidcConfig {
  /** The provider's issuer URL; its `/.well-known/openid-configuration` is read on first use. */
  issuer: string;
  clientId: string;
  /** Absent for a public client (PKCE alone). */
  clientSecret: string | undefined;
  /** Requested scopes, `openid` among them. */
  scopes: string[];
  /** Claims whose values are looked up in `roleMap`, in order (dotted paths walk into objects). */
  roleClaims: string[];
  roleMap: OidcRoleMap;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether the issuer is on this machine (a test or local provider), where plain HTTP is allowed. */
export function isLoopbackIssuer(issuer: string): boolean {
  return LOOPBACK_HOSTS.has(new URL(issuer).hostname);
}

const list = (value: string) => value.split(/[\s,]+/).filter(Boolean);

const oidcEnvSchema = z.object({
  PB_OIDC_ISSUER: z
    .url({ message: 'must be the provider’s issuer URL, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0' })
    .refine((url) => url.startsWith('https://') || (url.startsWith('http://') && isLoopbackIssuer(url)), 'must be an https:// URL (plain http:// only on this machine)')
    .optional(),
  PB_OIDC_CLIENT_ID: z.string().trim().min(1, 'must not be empty').optional(),
  PB_OIDC_CLIENT_SECRET: z.string().min(1, 'must not be empty; leave it unset for a public client').optional(),
  PB_OIDC_SCOPES: z
    .string()
    .default('openid profile email')
    .transform(list)
    .refine((scopes) => scopes.includes('openid'), 'must include openid'),
  PB_OIDC_ROLE_CLAIMS: z
    .string()
    .default(DEFAULT_ROLE_CLAIMS.join(','))
    .transform(list)
    .refine((claims) => claims.length > 0, 'must name at least one claim, e.g. roles,groups'),
  PB_OIDC_ROLE_MAP: z.string().optional(),
  PB_OIDC_ROLE_MAP_FILE: z.string().optional(),
  PB_PUBLIC_URL: z.string().optional(),
});

type OidcEnv = z.infer<typeof oidcEnvSchema>;

function readRoleMap(e: OidcEnv, problems: string[]): OidcRoleMap | undefined {
  if (e.PB_OIDC_ROLE_MAP !== undefined && e.PB_OIDC_ROLE_MAP_FILE !== undefined) {
    problems.push('PB_OIDC_ROLE_MAP: set it or PB_OIDC_ROLE_MAP_FILE, not both');
    return undefined;
  }
  let source: string;
  let text: string;
  if (e.PB_OIDC_ROLE_MAP_FILE !== undefined) {
    source = 'PB_OIDC_ROLE_MAP_FILE';
    try {
      text = readFileSync(e.PB_OIDC_ROLE_MAP_FILE, 'utf8');
    } catch (error) {
      problems.push(`PB_OIDC_ROLE_MAP_FILE: cannot be read (${error instanceof Error ? error.message : String(error)})`);
      return undefined;
    }
  } else if (e.PB_OIDC_ROLE_MAP !== undefined) {
    source = 'PB_OIDC_ROLE_MAP';
    text = e.PB_OIDC_ROLE_MAP;
  } else {
    problems.push('PB_OIDC_ROLE_MAP: is required with PB_OIDC_ISSUER (or PB_OIDC_ROLE_MAP_FILE): which groups or roles get which board role');
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    problems.push(`${source}: is not JSON (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
  const parsed = oidcRoleMapSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${source}: ${issue.path.length ? `${issue.path.map(String).join('.')}: ` : ''}${issue.message}`);
    return undefined;
  }
  return parsed.data;
}

/**
 * The single sign-on settings, or undefined when `PB_OIDC_ISSUER` is unset (keys only).
 * Each problem is added to `problems` as `VARIABLE: what is wrong`, so start-up can say
 * all of them at once.
 */
export function readOidcConfig(env: NodeJS.ProcessEnv, problems: string[]): OidcConfig | undefined {
  const parsed = oidcEnvSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
    return undefined;
  }
  const e = parsed.data;
  if (e.PB_OIDC_ISSUER === undefined) {
    const stray = ['PB_OIDC_CLIENT_ID', 'PB_OIDC_CLIENT_SECRET', 'PB_OIDC_ROLE_MAP', 'PB_OIDC_ROLE_MAP_FILE'].filter((name) => env[name] !== undefined);
    if (stray.length) problems.push(`PB_OIDC_ISSUER: is required when ${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set`);
    return undefined;
  }
  const before = problems.length;
  if (e.PB_OIDC_CLIENT_ID === undefined) problems.push('PB_OIDC_CLIENT_ID: is required with PB_OIDC_ISSUER (the board’s client id at the provider)');
  if (e.PB_PUBLIC_URL === undefined) problems.push('PB_PUBLIC_URL: is required with PB_OIDC_ISSUER: the provider sends people back to PB_PUBLIC_URL/api/v1/session/oidc/callback');
  const roleMap = readRoleMap(e, problems);
  if (problems.length > before || e.PB_OIDC_CLIENT_ID === undefined || roleMap === undefined) return undefined;
  return {
    issuer: e.PB_OIDC_ISSUER,
    clientId: e.PB_OIDC_CLIENT_ID,
    clientSecret: e.PB_OIDC_CLIENT_SECRET,
    scopes: e.PB_OIDC_SCOPES,
    roleClaims: e.PB_OIDC_ROLE_CLAIMS,
    roleMap,
  };
}
