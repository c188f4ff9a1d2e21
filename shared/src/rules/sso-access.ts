import type { Role } from '../api.js';
import type { OidcRoleMap, SsoAccess } from '../sso.js';

/** The claims PB_OIDC_ROLE_CLAIMS reads when unset: app roles, then groups. */
export const DEFAULT_ROLE_CLAIMS = ['roles', 'groups'] as const;

/** Which role wins when a person's claims match several entries: the one that may do most. */
const ROLE_RANK: Readonly<Record<Role, number>> = { display: 0, trust: 1, director: 2, admin: 3 };

/** What a person's claims grant, and the claim values that granted it. */
export interface GrantedAccess extends SsoAccess {
  /** The claim values whose entries gave the winning role. */
  grantedBy: string[];
}

function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item) => valuesAt(item, path));
  if (path.length === 0) return [value];
  if (typeof value !== 'object') return [];
  const [head, ...rest] = path;
  return Object.hasOwn(value, head!) ? valuesAt((value as Record<string, unknown>)[head!], rest) : [];
}

/**
 * The string values of these claims, in order, without repeats. A claim may hold one
 * value or an array; a name not found as it stands is read as a dotted path that walks
 * into objects and arrays (`nhsid_nrbac_roles.role_code` takes the `role_code` of each
 * of NHS CIS2's role profiles). Numbers count as their decimal text; anything else is
 * ignored.
 *
 * @example claimValues({ groups: ['a', 'b'], roles: 'Admin' }, ['roles', 'groups']) // ['Admin', 'a', 'b']
 */
export function claimValues(claims: Readonly<Record<string, unknown>>, names: readonly string[]): string[] {
  const found = new Set<string>();
  for (const name of names) {
    const values = Object.hasOwn(claims, name) ? valuesAt(claims[name], []) : valuesAt(claims, name.split('.'));
    for (const value of values) {
      if (typeof value === 'string' && value !== '') found.add(value);
      else if (typeof value === 'number' && Number.isFinite(value)) found.add(String(value));
    }
  }
  return [...found];
}

function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

/**
 * What single sign-on grants a person whose claims hold `values`, under `map`; null
 * when no value is mapped (they may not sign in). When several values are mapped, the
 * highest role wins (admin, then director, then trust, then display) and the scopes of
 * that role's entries are joined: their trusts together, and their regions together —
 * unless one of them has no regions, which means all England.
 *
 * @example accessFromClaims(['SE-directors', 'Everyone'], { 'SE-directors': { role: 'director', regions: ['Y59'] }, Everyone: { role: 'display' } })
 * // { role: 'director', regions: ['Y59'], grantedBy: ['SE-directors'] }
 */
export function accessFromClaims(values: readonly string[], map: Readonly<OidcRoleMap>): GrantedAccess | null {
  const matched = values.filter((value) => Object.hasOwn(map, value)).map((value) => ({ value, access: map[value]! }));
  if (matched.length === 0) return null;
  const role = matched.reduce((best, { access }) => (ROLE_RANK[access.role] > ROLE_RANK[best] ? access.role : best), matched[0]!.access.role);
  const winners = matched.filter(({ access }) => access.role === role);
  const trusts = union(winners.map(({ access }) => access.trusts ?? []));
  const unscoped = winners.some(({ access }) => !access.regions?.length);
  const regions = unscoped ? [] : union(winners.map(({ access }) => access.regions ?? []));
  return {
    role,
    ...(trusts.length ? { trusts } : {}),
    ...(regions.length ? { regions } : {}),
    grantedBy: winners.map(({ value }) => value),
  };
}
