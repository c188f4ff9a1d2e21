import { describe, expect, it } from 'vitest';
import { DEROGATION_STATES, type DerogationState } from '../derogation.js';
import { checkDerogationMove, derogationNextStates, isDerogationDecision, mayActOnDerogation, type DerogationActor } from './derogation-transitions.js';

const trust: DerogationActor = { role: 'trust', trusts: ['RHU'] };
const otherTrust: DerogationActor = { role: 'trust', trusts: ['RTH'] };
const director: DerogationActor = { role: 'director' };
const southEastDirector: DerogationActor = { role: 'director', regions: ['Y59'] };
const londonDirector: DerogationActor = { role: 'director', regions: ['Y56'] };
const admin: DerogationActor = { role: 'admin' };
const display: DerogationActor = { role: 'display' };

const request = (state: DerogationState) => ({ state, site: 'RHU03', trust: 'RHU', region: 'Y59' });

describe('who acts for a derogation request', () => {
  it('is the requesting trust, a director of its region, or an admin; never a display', () => {
    const portsmouth = request('submitted');
    expect(mayActOnDerogation(trust, portsmouth)).toBe(true);
    expect(mayActOnDerogation(otherTrust, portsmouth)).toBe(false);
    expect(mayActOnDerogation({ role: 'trust' }, portsmouth)).toBe(false);
    expect(mayActOnDerogation(director, portsmouth)).toBe(true);
    expect(mayActOnDerogation(southEastDirector, portsmouth)).toBe(true);
    expect(mayActOnDerogation(londonDirector, portsmouth)).toBe(false);
    expect(mayActOnDerogation(admin, portsmouth)).toBe(true);
    expect(mayActOnDerogation(display, portsmouth)).toBe(false);
    expect(mayActOnDerogation(null, portsmouth)).toBe(false);
  });
});

describe('derogationNextStates (SPEC §13)', () => {
  it('lets a trust only withdraw its own requests', () => {
    expect(derogationNextStates(trust, request('submitted'))).toEqual(['withdrawn']);
    expect(derogationNextStates(trust, request('under_review'))).toEqual(['withdrawn']);
    expect(derogationNextStates(trust, request('approved'))).toEqual(['withdrawn']);
    expect(derogationNextStates(otherTrust, request('submitted'))).toEqual([]);
  });

  it('lets directors in scope record review and decisions, never withdraw', () => {
    expect(derogationNextStates(southEastDirector, request('submitted'))).toEqual(['under_review']);
    expect(derogationNextStates(southEastDirector, request('under_review'))).toEqual(['approved', 'declined']);
    expect(derogationNextStates(director, request('approved'))).toEqual(['revoked']);
    expect(derogationNextStates(londonDirector, request('under_review'))).toEqual([]);
  });

  it('lets admins make every move the lifecycle allows; nobody moves a final request', () => {
    expect(derogationNextStates(admin, request('under_review'))).toEqual(['approved', 'declined', 'withdrawn']);
    for (const final of ['declined', 'withdrawn', 'revoked'] as const) {
      for (const actor of [trust, director, admin]) expect(derogationNextStates(actor, request(final))).toEqual([]);
    }
    expect(derogationNextStates(display, request('submitted'))).toEqual([]);
  });
});

describe('checkDerogationMove', () => {
  it('refuses a trust recording a decision as forbidden, naming what it may do', () => {
    const check = checkDerogationMove(trust, request('under_review'), 'approved');
    expect(check).toMatchObject({ ok: false, reason: 'forbidden', allowed: ['withdrawn'] });
    expect(check.ok || check.message).toMatch(/director or an admin.*withdrawn/);
  });

  it('refuses a director withdrawing, and keys outside the request’s trust or region', () => {
    expect(checkDerogationMove(director, request('submitted'), 'withdrawn')).toMatchObject({ ok: false, reason: 'forbidden', allowed: ['under_review'] });
    expect(checkDerogationMove(londonDirector, request('under_review'), 'approved')).toMatchObject({ ok: false, reason: 'forbidden', allowed: [] });
    expect(checkDerogationMove(otherTrust, request('submitted'), 'withdrawn')).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(checkDerogationMove(display, request('submitted'), 'under_review')).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(checkDerogationMove(admin, request('submitted'), 'submitted')).toMatchObject({ ok: false, reason: 'forbidden' });
  });

  it('refuses a move the lifecycle does not allow as not_allowed, listing the allowed next states', () => {
    const skip = checkDerogationMove(director, request('submitted'), 'approved');
    expect(skip).toMatchObject({ ok: false, reason: 'not_allowed', allowed: ['under_review'] });
    expect(skip.ok || skip.message).toContain('under_review');
    const final = checkDerogationMove(director, request('declined'), 'approved');
    expect(final).toMatchObject({ ok: false, reason: 'not_allowed', allowed: [] });
    expect(final.ok || final.message).toContain('final');
    expect(checkDerogationMove(trust, request('withdrawn'), 'withdrawn')).toMatchObject({ ok: false, reason: 'not_allowed' });
  });

  it('allows exactly the moves derogationNextStates offers', () => {
    for (const actor of [trust, otherTrust, director, londonDirector, admin, display]) {
      for (const from of DEROGATION_STATES) {
        const offered = derogationNextStates(actor, request(from));
        for (const to of DEROGATION_STATES) {
          expect({ actor, from, to, ok: checkDerogationMove(actor, request(from), to).ok }).toEqual({ actor, from, to, ok: offered.includes(to) });
        }
      }
    }
  });

  it('knows which states record decisions', () => {
    expect(DEROGATION_STATES.filter(isDerogationDecision)).toEqual(['under_review', 'approved', 'declined', 'revoked']);
  });
});
