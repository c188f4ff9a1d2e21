import {
  derogationNextStates,
  mayActOnDerogation,
  type Derogation,
  type DerogationState,
  type Me,
} from '@pb/shared';

/** Derogation requests (SPEC §2) by id, as the board holds them. */
export type DerogationMap = Readonly<Record<string, Derogation>>;

export const DEROGATION_STATE_LABELS: Record<DerogationState, string> = {
  submitted: 'Submitted',
  under_review: 'Under review',
  approved: 'Approved',
  declined: 'Declined',
  withdrawn: 'Withdrawn',
  revoked: 'Revoked',
};

/** What the button that moves a request into each state says. */
export const DEROGATION_ACTION_LABELS: Record<DerogationState, string> = {
  submitted: 'Resubmit',
  under_review: 'Start review',
  approved: 'Approve',
  declined: 'Decline',
  withdrawn: 'Withdraw',
  revoked: 'Revoke',
};

/**
 * Whether `candidate` is a later version of the same request than `current`. A request's
 * history only grows, so its length orders versions even when two changes share a
 * timestamp; `updatedAt` breaks ties between equally long histories.
 */
export function isNewerDerogation(candidate: Derogation, current: Derogation | undefined): boolean {
  if (!current) return true;
  if (candidate.history.length !== current.history.length) return candidate.history.length > current.history.length;
  return Date.parse(candidate.updatedAt) > Date.parse(current.updatedAt);
}

/**
 * Applies a request from a `derogation` event or an API answer; an older version than
 * the one held (e.g. the PATCH answer arriving after its own event) changes nothing.
 */
export function applyDerogation(map: DerogationMap, derogation: Derogation): DerogationMap {
  return isNewerDerogation(derogation, map[derogation.id]) ? { ...map, [derogation.id]: derogation } : map;
}

/**
 * The requests after `GET /derogations` answers. The list replaces what was held (the
 * server may have been reset, or the key's regions changed), except that events applied
 * while the request was in flight (`touched` ids) are kept when they are newer.
 */
export function mergeLoadedDerogations(loaded: readonly Derogation[], current: DerogationMap, touched: ReadonlySet<string>): DerogationMap {
  const map: Record<string, Derogation> = {};
  for (const derogation of loaded) map[derogation.id] = derogation;
  for (const id of touched) {
    const held = current[id];
    if (held && isNewerDerogation(held, map[id])) map[id] = held;
  }
  return map;
}

/**
 * The requests as they stood at `at` (time machine): those created by then, each in the
 * state its history gives for that moment. Pure; returns the same map when `at` is unreadable.
 */
export function derogationsAsOf(map: DerogationMap, at: string): DerogationMap {
  const time = Date.parse(at);
  if (Number.isNaN(time)) return map;
  const result: Record<string, Derogation> = {};
  for (const derogation of Object.values(map)) {
    if (Date.parse(derogation.createdAt) > time) continue;
    const history = derogation.history.filter((entry) => Date.parse(entry.at) <= time);
    const last = history.at(-1);
    if (!last) continue;
    result[derogation.id] = { ...derogation, state: last.state, updatedAt: last.at, history };
  }
  return result;
}

/** One site's requests, newest first. */
export function siteDerogations(map: DerogationMap, site: string): Derogation[] {
  return Object.values(map)
    .filter((derogation) => derogation.site === site)
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id.localeCompare(a.id));
}

/**
 * The states the signed-in key may move a request to next, as the server decides it
 * (SPEC §13: a trust withdraws its own, directors in their regions and admins record
 * decisions); none once it is final.
 */
export function nextDerogationStates(me: Pick<Me, 'role' | 'trusts' | 'regions'> | null | undefined, derogation: Pick<Derogation, 'state' | 'trust' | 'region'>): readonly DerogationState[] {
  return derogationNextStates(me, derogation);
}

/**
 * Whether the signed-in key acts for a request at all, as the server decides it: trust
 * keys for their own trusts, directors within their regions (all when unscoped), admins anywhere.
 */
export function mayChangeDerogation(me: Pick<Me, 'role' | 'trusts' | 'regions'> | null | undefined, derogation: Pick<Derogation, 'trust' | 'region'>): boolean {
  return mayActOnDerogation(me, derogation);
}
