import { describe, expect, it } from 'vitest';
import { describeChanges, feedItemFromAlert, feedItemFromStatus, filterFeed, prependCapped, type FeedItem } from './feed';
import { siteStatus } from './test-fixtures';

describe('describeChanges', () => {
  it('describes each axis that changed, from and to', () => {
    const before = siteStatus('RHU03', { opel: 2, metrics: { handoverMeanMin: 40 }, ed: { status: 'open', divertTo: [] } });
    const after = siteStatus('RHU03', {
      opel: 4,
      incident: { level: 'critical', reason: 'IT outage' },
      ed: { status: 'divert', divertTo: ['RHU01'] },
      metrics: { handoverMeanMin: 95 },
      note: 'Plain text',
    });
    const changes = describeChanges(before, after, (code) => (code === 'RHU01' ? 'St Mary’s' : code));
    expect(changes).toEqual([
      { kind: 'pressure', label: 'Pressure', from: 'OPEL 2', to: 'OPEL 4' },
      { kind: 'incident', label: 'Incident', from: 'not reported', to: 'critical incident (IT outage)' },
      { kind: 'ed', label: 'A&E', from: 'A&E open', to: 'A&E diverting to St Mary’s' },
      { kind: 'metrics', label: 'Mean ambulance handover', from: '40 min', to: '95 min' },
      { kind: 'note', label: 'Note', from: 'none', to: 'Plain text' },
    ]);
  });

  it('treats a missing previous status as nothing reported', () => {
    const changes = describeChanges(undefined, siteStatus('X', { opel: 1 }));
    expect(changes).toEqual([{ kind: 'pressure', label: 'Pressure', from: 'OPEL unknown', to: 'OPEL 1' }]);
  });

  it('says a re-post with nothing new reconfirmed the status', () => {
    const status = siteStatus('X', { opel: 3, receivedAt: '2026-01-03T09:00:00Z', actor: 'Trust A' });
    const item = feedItemFromStatus({ seq: 5, site: 'X', status, previous: status });
    expect(item.changes).toEqual([{ kind: 'pressure', label: 'Status', from: '', to: 'reconfirmed, no change' }]);
    expect(item.actor).toBe('Trust A');
  });
});

describe('feed list', () => {
  const item = (seq: number, region = 'Y56', kinds: FeedItem['kinds'] = ['pressure']): FeedItem => ({
    seq,
    site: 'X',
    siteName: 'X',
    region,
    at: '2026-01-03T09:00:00Z',
    actor: null,
    changes: [],
    kinds,
    severity: 0,
  });

  it('keeps newest first and never grows past the limit', () => {
    let feed: FeedItem[] = [];
    for (let seq = 1; seq <= 250; seq++) feed = prependCapped(feed, item(seq), 200);
    expect(feed).toHaveLength(200);
    expect(feed[0]?.seq).toBe(250);
    expect(feed[199]?.seq).toBe(51);
  });

  it('filters by region and kind', () => {
    const feed = [item(1, 'Y56', ['pressure']), item(2, 'Y59', ['ed']), item(3, 'Y56', ['alert'])];
    expect(filterFeed(feed, { region: 'Y56', kinds: new Set(['pressure', 'alert']) }).map((i) => i.seq)).toEqual([1, 3]);
    expect(filterFeed(feed, { region: null, kinds: new Set(['ed']) }).map((i) => i.seq)).toEqual([2]);
  });

  it('describes alert acknowledgements with who', () => {
    const raised = { id: 'a', kind: 'ed_closed' as const, site: 'X', region: 'Y56', raisedAt: '2026-01-03T09:00:00Z' };
    const item = feedItemFromAlert({ ...raised, seq: 9, acknowledgedBy: 'Director North', acknowledgedAt: '2026-01-03T09:05:00Z' }, raised, undefined);
    expect(item.changes[0]?.to).toBe('acknowledged by Director North');
    expect(item.at).toBe('2026-01-03T09:05:00Z');
  });
});
