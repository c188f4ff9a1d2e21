import { describe, expect, it } from 'vitest';
import { describeDerogationSummary, summariseDerogations } from './derogation-summary.js';

describe('derogation summaries', () => {
  it('counts requests by state per region and for England, listing only regions with requests', () => {
    const summary = summariseDerogations([
      { region: 'Y56', state: 'approved' },
      { region: 'Y56', state: 'declined' },
      { region: 'Y59', state: 'submitted' },
    ]);
    expect(Object.keys(summary).sort()).toEqual(['ENG', 'Y56', 'Y59']);
    expect(summary.ENG).toEqual({ total: 3, submitted: 1, under_review: 0, approved: 1, declined: 1, withdrawn: 0, revoked: 0 });
    expect(summary.Y56).toMatchObject({ total: 2, approved: 1, declined: 1 });
  });

  it('says it in words, singular and plural, and nothing when there are none', () => {
    const summary = summariseDerogations([{ region: 'Y56', state: 'approved' }]);
    expect(describeDerogationSummary(summary.Y56)).toBe('1 request · 1 approved · 0 declined');
    expect(describeDerogationSummary(summariseDerogations([{ region: 'Y56', state: 'declined' }, { region: 'Y56', state: 'declined' }]).Y56)).toBe('2 requests · 0 approved · 2 declined');
    expect(describeDerogationSummary(undefined)).toBe('');
  });
});
