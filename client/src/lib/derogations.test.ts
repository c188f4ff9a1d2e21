import { describe, expect, it } from 'vitest';
import type { Derogation, DerogationState } from '@pb/shared';
import {
  applyDerogation,
  derogationsAsOf,
  isNewerDerogation,
  mayChangeDerogation,
  mergeLoadedDerogations,
  nextDerogationStates,
  siteDerogations,
} from './derogations';
import { derogation } from './test-fixtures';

describe('applyDerogation', () => {
  it('adds a new request and replaces an older version of the same one', () => {
    const submitted = derogation('d1');
    const map = applyDerogation({}, submitted);
    expect(map.d1).toBe(submitted);
    const reviewing = derogation('d1', { state: 'under_review', updatedAt: '2026-01-03T09:10:00.000Z' }, ['under_review']);
    expect(applyDerogation(map, reviewing).d1?.state).toBe('under_review');
  });

  it('ignores an older version arriving late (a PATCH answer after its own event)', () => {
    const approved = derogation('d1', { state: 'approved' }, ['under_review', 'approved']);
    const map = { d1: approved };
    const stale = derogation('d1', { state: 'under_review' }, ['under_review']);
    expect(applyDerogation(map, stale)).toBe(map);
  });

  it('orders versions by history length, then by updatedAt', () => {
    const a = derogation('d1', { updatedAt: '2026-01-03T09:00:00.000Z' });
    const b = derogation('d1', { updatedAt: '2026-01-03T09:00:01.000Z' });
    expect(isNewerDerogation(b, a)).toBe(true);
    expect(isNewerDerogation(a, b)).toBe(false);
    expect(isNewerDerogation(a, undefined)).toBe(true);
  });
});

describe('mergeLoadedDerogations', () => {
  it('replaces what was held with the loaded list', () => {
    const held = { gone: derogation('gone'), d1: derogation('d1', { state: 'under_review' }, ['under_review']) };
    const merged = mergeLoadedDerogations([derogation('d1')], held, new Set());
    expect(Object.keys(merged)).toEqual(['d1']);
    expect(merged.d1?.state).toBe('submitted');
  });

  it('keeps changes that arrived while the list was loading when they are newer', () => {
    const fresh = derogation('new');
    const moved = derogation('d1', { state: 'withdrawn' }, ['withdrawn']);
    const merged = mergeLoadedDerogations([derogation('d1')], { new: fresh, d1: moved }, new Set(['new', 'd1']));
    expect(merged.new).toBe(fresh);
    expect(merged.d1?.state).toBe('withdrawn');
  });
});

describe('derogationsAsOf', () => {
  const request = derogation('d1', { state: 'approved', createdAt: '2026-01-03T09:00:00.000Z' }, ['under_review', 'approved']);

  it('gives each request the state its history had at that time', () => {
    const at = derogationsAsOf({ d1: request }, '2026-01-03T09:05:30.000Z');
    expect(at.d1?.state).toBe('under_review');
    expect(at.d1?.history.map((entry) => entry.state)).toEqual(['submitted', 'under_review']);
  });

  it('leaves out requests made later', () => {
    expect(derogationsAsOf({ d1: request }, '2026-01-03T08:59:00.000Z')).toEqual({});
  });
});

describe('site requests and who may change them', () => {
  it("lists one site's requests newest first", () => {
    const map = {
      a: derogation('a', { createdAt: '2026-01-03T08:00:00.000Z' }),
      b: derogation('b', { createdAt: '2026-01-03T10:00:00.000Z' }),
      c: derogation('c', { site: 'RHU01' }),
    };
    expect(siteDerogations(map, 'RHU03').map((d) => d.id)).toEqual(['b', 'a']);
  });

  it('offers the moves the server allows the key: a trust withdraws, directors and admins decide; none once final', () => {
    const request = (state: DerogationState) => ({ state, trust: 'RHU', region: 'Y59' });
    expect(nextDerogationStates({ role: 'trust', trusts: ['RHU'] }, request('submitted'))).toEqual(['withdrawn']);
    expect(nextDerogationStates({ role: 'trust', trusts: ['RHU'] }, request('under_review'))).toEqual(['withdrawn']);
    expect(nextDerogationStates({ role: 'director', regions: ['Y59'] }, request('submitted'))).toEqual(['under_review']);
    expect(nextDerogationStates({ role: 'director' }, request('under_review'))).toEqual(['approved', 'declined']);
    expect(nextDerogationStates({ role: 'admin' }, request('under_review'))).toEqual(['approved', 'declined', 'withdrawn']);
    expect(nextDerogationStates({ role: 'director', regions: ['Y56'] }, request('submitted'))).toEqual([]);
    expect(nextDerogationStates({ role: 'admin' }, request('declined'))).toEqual([]);
    expect(nextDerogationStates(null, request('submitted'))).toEqual([]);
  });

  it('lets trusts change their own, directors their regions, admins all, displays none', () => {
    const request = { trust: 'RHU', region: 'Y59' };
    expect(mayChangeDerogation({ role: 'trust', trusts: ['RHU'] }, request)).toBe(true);
    expect(mayChangeDerogation({ role: 'trust', trusts: ['RJ1'] }, request)).toBe(false);
    expect(mayChangeDerogation({ role: 'director' }, request)).toBe(true);
    expect(mayChangeDerogation({ role: 'director', regions: ['Y59'] }, request)).toBe(true);
    expect(mayChangeDerogation({ role: 'director', regions: ['Y56'] }, request)).toBe(false);
    expect(mayChangeDerogation({ role: 'admin' }, request)).toBe(true);
    expect(mayChangeDerogation({ role: 'display' }, request)).toBe(false);
    expect(mayChangeDerogation(null, request)).toBe(false);
  });
});
