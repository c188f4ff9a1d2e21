import { describe, expect, it } from 'vitest';
import { EMPTY_STATUS, projectSiteStatus, type Derogation } from '@pb/shared';
import { loadReferenceData } from '@pb/shared/node';
import { parseStreamEntry } from './event-stream-tail.js';

const site = loadReferenceData().byCode.get('RHU03')!;
const status = projectSiteStatus(site, { ...EMPTY_STATUS, opel: 3, observedAt: '2026-01-03T09:00:00.000Z', source: 'api', actor: 'Portsmouth' }, Date.parse('2026-01-03T09:01:00Z'), 360);
const derogation: Derogation = {
  id: 'd1', site: 'RHU03', trust: 'RHU', region: site.region, service: 'A&E', staffRequested: '2 registrars', state: 'submitted',
  createdAt: '2026-01-03T09:00:00.000Z', updatedAt: '2026-01-03T09:00:00.000Z', createdBy: 'Portsmouth', history: [],
};

describe('parseStreamEntry', () => {
  it('turns each kind of entry into the typed event its socket event carries, with its seq and region', () => {
    const statusEntry = parseStreamEntry('41-0', ['kind', 'status', 'data', JSON.stringify({ site: 'RHU03', status, previous: null })]);
    expect(statusEntry).toEqual({ ok: true, event: { kind: 'status', seq: 41, region: site.region, payload: { seq: 41, site: 'RHU03', status, previous: null } } });

    const alert = { id: 'RHU03.ed_closed.42', kind: 'ed_closed', site: 'RHU03', region: site.region, raisedAt: '2026-01-03T09:00:00.000Z' };
    expect(parseStreamEntry('42-0', ['kind', 'alert', 'data', JSON.stringify(alert)])).toEqual({ ok: true, event: { kind: 'alert', seq: 42, region: site.region, payload: { seq: 42, ...alert } } });

    expect(parseStreamEntry('43-0', ['data', JSON.stringify({ derogation }), 'kind', 'derogation'])).toEqual({
      ok: true,
      event: { kind: 'derogation', seq: 43, region: site.region, payload: { seq: 43, derogation } },
    });
  });

  it('refuses, with the reason, an entry that does not match its kind’s schema instead of passing it on', () => {
    const badStatus = parseStreamEntry('44-0', ['kind', 'status', 'data', JSON.stringify({ site: 'RHU03', status: { ...status, opel: '4' } })]);
    expect(badStatus).toMatchObject({ ok: false, seq: 44, reason: expect.stringMatching(/status\.opel/) });
    expect(parseStreamEntry('45-0', ['kind', 'alert', 'data', JSON.stringify({ id: 'x', kind: 'nonsense', site: 'RHU03', region: 'Y59', raisedAt: 'now' })])).toMatchObject({ ok: false, seq: 45, reason: expect.stringMatching(/kind/) });
    expect(parseStreamEntry('46-0', ['kind', 'status', 'data', '{not json'])).toEqual({ ok: false, seq: 46, reason: 'data is not JSON' });
    expect(parseStreamEntry('47-0', ['kind', 'gossip', 'data', '{}'])).toEqual({ ok: false, seq: 47, reason: 'unknown kind "gossip"' });
    expect(parseStreamEntry('48-0', ['data', '{}'])).toEqual({ ok: false, seq: 48, reason: 'unknown kind null' });
    expect(parseStreamEntry('1700000000000-0', ['kind', 'alert', 'data', '{}'])).toMatchObject({ ok: false, seq: 1700000000000 });
    expect(parseStreamEntry('x-0', ['kind', 'alert', 'data', '{}'])).toMatchObject({ ok: false, reason: 'entry id x-0 is not <seq>-0' });
  });
});
