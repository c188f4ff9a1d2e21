import type { Me } from '../api.js';
import { DEROGATION_STATES, type Derogation, type DerogationState } from '../derogation.js';

/**
 * Who may move a derogation request where (SPEC §13). The BMA decides a request and the
 * board records the decision: a trust key creates requests for its own trusts and may
 * withdraw them; a director (within its regions) or an admin records the review and the
 * decision. The server enforces this and the board offers exactly these moves.
 */
export type DerogationActor = Pick<Me, 'role' | 'trusts' | 'regions'>;

/** The lifecycle alone: which state may follow which, whoever asks. */
export const DEROGATION_TRANSITIONS: Readonly<Record<DerogationState, readonly DerogationState[]>> = {
  submitted: ['under_review', 'withdrawn'],
  under_review: ['approved', 'declined', 'withdrawn'],
  approved: ['revoked', 'withdrawn'],
  declined: [],
  withdrawn: [],
  revoked: [],
};

/** States that record the BMA's decision process; they may carry a `decisionRef`. */
export const DEROGATION_DECISION_STATES = ['under_review', 'approved', 'declined', 'revoked'] as const satisfies readonly DerogationState[];

/** The states each role may record, wherever the request stands in its lifecycle. */
const STATES_BY_ROLE: Readonly<Record<DerogationActor['role'], readonly DerogationState[]>> = {
  trust: ['withdrawn'],
  director: DEROGATION_DECISION_STATES,
  admin: DEROGATION_STATES.filter((state) => state !== 'submitted'),
  display: [],
};

/** Whether `state` records a decision (and so may carry a `decisionRef`). */
export function isDerogationDecision(state: DerogationState): boolean {
  return (DEROGATION_DECISION_STATES as readonly DerogationState[]).includes(state);
}

/**
 * Whether the key acts for this request at all: a trust key for its own trusts' sites,
 * a director within its regions (all when unscoped), an admin anywhere; display keys never.
 *
 * @example mayActOnDerogation({ role: 'director', regions: ['Y56'] }, { trust: 'RHU', region: 'Y59' }) // false
 */
export function mayActOnDerogation(actor: DerogationActor | null | undefined, derogation: Pick<Derogation, 'trust' | 'region'>): boolean {
  if (!actor) return false;
  switch (actor.role) {
    case 'admin':
      return true;
    case 'trust':
      return actor.trusts?.includes(derogation.trust) ?? false;
    case 'director':
      return !actor.regions?.length || actor.regions.includes(derogation.region);
    case 'display':
      return false;
  }
}

/**
 * The states this key may move the request to now: the lifecycle's next states that its
 * role records, none when it does not act for the request or the request is final.
 *
 * @example derogationNextStates({ role: 'trust', trusts: ['RHU'] }, { state: 'submitted', trust: 'RHU', region: 'Y59' }) // ['withdrawn']
 */
export function derogationNextStates(actor: DerogationActor | null | undefined, derogation: Pick<Derogation, 'state' | 'trust' | 'region'>): DerogationState[] {
  if (!actor || !mayActOnDerogation(actor, derogation)) return [];
  const recordable = STATES_BY_ROLE[actor.role];
  return DEROGATION_TRANSITIONS[derogation.state].filter((state) => recordable.includes(state));
}

/** Why a move is refused: the key may not record it (`forbidden`), or the lifecycle does not allow it now (`not_allowed`). */
export type DerogationMoveCheck =
  | { ok: true }
  | { ok: false; reason: 'forbidden' | 'not_allowed'; message: string; allowed: DerogationState[] };

/** Who records each state, for the message that refuses a key of another role. */
const WHO_RECORDS: Readonly<Record<DerogationState, string>> = {
  submitted: 'a request is submitted by creating it',
  under_review: 'decisions are recorded by a director or an admin',
  approved: 'decisions are recorded by a director or an admin',
  declined: 'decisions are recorded by a director or an admin',
  revoked: 'decisions are recorded by a director or an admin',
  withdrawn: 'only the requesting trust (or an admin) withdraws a request',
};

function describeAllowed(derogation: Pick<Derogation, 'state'>, allowed: readonly DerogationState[]): string {
  if (DEROGATION_TRANSITIONS[derogation.state].length === 0) return `A ${derogation.state} request is final.`;
  return allowed.length ? `This key may move it to ${allowed.join(' or ')}.` : 'This key may not move it further.';
}

/**
 * Checks one move of a request by a key, saying why it is refused and which next states
 * the key may choose instead (the message names them, SPEC §13).
 *
 * @example checkDerogationMove({ role: 'trust', trusts: ['RHU'] }, { state: 'submitted', trust: 'RHU', region: 'Y59' }, 'approved')
 * // { ok: false, reason: 'forbidden', allowed: ['withdrawn'], message: '…' }
 */
export function checkDerogationMove(actor: DerogationActor, derogation: Pick<Derogation, 'state' | 'trust' | 'region' | 'site'>, to: DerogationState): DerogationMoveCheck {
  const allowed = derogationNextStates(actor, derogation);
  if (!mayActOnDerogation(actor, derogation)) {
    const scope = actor.role === 'trust' ? `trust ${derogation.trust}` : actor.role === 'director' ? `region ${derogation.region}` : 'any site';
    return { ok: false, reason: 'forbidden', allowed, message: `A ${actor.role} key may not change derogation requests for ${derogation.site} (${scope}).` };
  }
  if (!STATES_BY_ROLE[actor.role].includes(to)) {
    return { ok: false, reason: 'forbidden', allowed, message: `A ${actor.role} key may not move a request to ${to}: ${WHO_RECORDS[to]}. ${describeAllowed(derogation, allowed)}` };
  }
  if (!DEROGATION_TRANSITIONS[derogation.state].includes(to)) {
    return { ok: false, reason: 'not_allowed', allowed, message: `A ${derogation.state} request cannot become ${to}. ${describeAllowed(derogation, allowed)}` };
  }
  return { ok: true };
}
