import type { Me, Role } from '../api.js';

/**
 * Who may post statuses and who may acknowledge alerts (SPEC §4 roles). The server
 * enforces these and the board uses the same functions to decide what it offers, so a
 * button is shown exactly when the server would accept what it sends.
 */
export type Caller = Pick<Me, 'role' | 'trusts' | 'regions'>;

/** Roles that may post status updates: trust keys (their own trusts' sites) and admins. */
export const POSTING_ROLES = ['trust', 'admin'] as const satisfies readonly Role[];

/** Roles that may acknowledge alerts: directors (within their regions) and admins. */
export const ACKNOWLEDGING_ROLES = ['director', 'admin'] as const satisfies readonly Role[];

function hasRole(caller: Caller | null | undefined, roles: readonly Role[]): caller is Caller {
  return caller != null && roles.includes(caller.role);
}

/** Whether the key may post status updates at all. */
export function mayPost(caller: Caller | null | undefined): boolean {
  return hasRole(caller, POSTING_ROLES);
}

/**
 * Whether the key may post for a site of `site.trust`: a trust key only for its own
 * trusts, an admin for any.
 *
 * @example mayPostFor({ role: 'trust', trusts: ['RHU'] }, { trust: 'RHU' }) // true
 */
export function mayPostFor(caller: Caller | null | undefined, site: { trust: string }): boolean {
  if (!hasRole(caller, POSTING_ROLES)) return false;
  return caller.role === 'admin' || (caller.trusts?.includes(site.trust) ?? false);
}

/** Whether the key may acknowledge alerts at all. */
export function mayAcknowledge(caller: Caller | null | undefined): boolean {
  return hasRole(caller, ACKNOWLEDGING_ROLES);
}

/**
 * Whether the key may acknowledge an alert in `alert.region`: a director scoped to
 * regions only inside them, an unscoped director or an admin anywhere.
 *
 * @example mayAcknowledgeAlert({ role: 'director', regions: ['Y56'] }, { region: 'Y59' }) // false
 */
export function mayAcknowledgeAlert(caller: Caller | null | undefined, alert: { region: string }): boolean {
  if (!hasRole(caller, ACKNOWLEDGING_ROLES)) return false;
  if (caller.role !== 'director' || !caller.regions?.length) return true;
  return caller.regions.includes(alert.region);
}
