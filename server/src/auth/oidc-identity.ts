import { createHash } from 'node:crypto';
import { accessFromClaims, claimValues, type GrantedAccess, type Me } from '@pb/shared';
import type { OidcConfig } from '@pb/shared/node';

/** Who signed in at the provider, and what the board makes of their claims. */
export type SsoOutcome =
  | { granted: true; me: Me; label: string; subject: string; email: string | undefined; access: GrantedAccess }
  | { granted: false; label: string; subject: string; email: string | undefined; values: string[] };

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * A person's stable id on the board: the same person (issuer and subject) gets the same
 * id at every sign-in, so their rate limit, idempotency keys and audit entries follow
 * them. `sso_` keeps it apart from key ids (`k_…`).
 */
export function ssoUserId(issuer: string, subject: string): string {
  return `sso_${createHash('sha256').update(`${issuer}\0${subject}`).digest('base64url').slice(0, 22)}`;
}

/**
 * The board identity for verified claims: their name (else email, username, subject)
 * as the actor shown and audited, and the role and scopes `PB_OIDC_ROLE_MAP` grants
 * for the values of the configured claims — or a refusal when it grants nothing.
 */
export function identityFromClaims(claims: Readonly<Record<string, unknown>>, settings: Pick<OidcConfig, 'issuer' | 'roleClaims' | 'roleMap'>): SsoOutcome {
  const subject = text(claims.sub) ?? '';
  const email = text(claims.email);
  const label = (text(claims.name) ?? email ?? text(claims.preferred_username) ?? subject).slice(0, 100);
  const values = claimValues(claims, settings.roleClaims);
  const access = accessFromClaims(values, settings.roleMap);
  if (!access) return { granted: false, label, subject, email, values };
  const me: Me = {
    id: ssoUserId(text(claims.iss) ?? settings.issuer, subject),
    role: access.role,
    label,
    ...(access.trusts ? { trusts: access.trusts } : {}),
    ...(access.regions ? { regions: access.regions } : {}),
  };
  return { granted: true, me, label, subject, email, access };
}
