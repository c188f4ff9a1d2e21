import { describe, expect, it } from 'vitest';
import {
  DELIVERY_ATTEMPTS,
  DELIVERY_RETRY,
  deliveryAttemptsFor,
  deliveryRetryDelayMs,
  maySeeSubscription,
  subscriptionCreateSchema,
  targetProblem,
} from './subscriptions.js';

describe('subscriptionCreateSchema', () => {
  const base = { label: 'ICC', channel: 'webhook', target: 'https://hooks.example.org/pb' };

  it('accepts a minimal subscription and de-duplicates kinds and regions', () => {
    expect(subscriptionCreateSchema.parse(base)).toMatchObject({ label: 'ICC', channel: 'webhook', target: 'https://hooks.example.org/pb' });
    expect(subscriptionCreateSchema.parse({ ...base, kinds: ['divert', 'divert'], regions: ['y56', 'Y56'] })).toMatchObject({ kinds: ['divert'], regions: ['Y56'] });
  });

  it('names the field that is wrong', () => {
    const paths = (body: object) => subscriptionCreateSchema.safeParse(body).error?.issues.map((issue) => issue.path.join('.'));
    expect(paths({ ...base, target: 'ftp://example.org' })).toEqual(['target']);
    expect(paths({ ...base, channel: 'email' })).toEqual(['target']);
    expect(paths({ ...base, escalateTo: 'https://example.org/up' })).toEqual(['escalateAfterMin']);
    expect(paths({ ...base, escalateAfterMin: 10, escalateTo: 'someone@example.org' })).toEqual(['escalateTo']);
    expect(paths({ ...base, escalateAfterMin: 1.5 })).toEqual(['escalateAfterMin']);
    expect(paths({ ...base, kinds: [] })).toEqual(['kinds']);
    expect(paths({ ...base, label: ' ' })).toEqual(['label']);
  });

  it('refuses credentials in a target URL', () => {
    expect(targetProblem('slack', 'https://u:p@hooks.slack.com/services/x')).toMatch(/user name or password/);
    expect(targetProblem('email', 'director@example.nhs.uk')).toBeNull();
  });
});

describe('delivery retries', () => {
  it('doubles from one second and stays at an hour', () => {
    expect([1, 2, 3, 4].map(deliveryRetryDelayMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(deliveryRetryDelayMs(13)).toBe(DELIVERY_RETRY.maxDelayMs);
    expect(deliveryRetryDelayMs(1000)).toBe(DELIVERY_RETRY.maxDelayMs);
  });

  it('tries for at least 24 hours before giving up', () => {
    let waited = 0;
    for (let attemptsMade = 1; attemptsMade < DELIVERY_ATTEMPTS; attemptsMade++) waited += deliveryRetryDelayMs(attemptsMade);
    expect(waited).toBeGreaterThanOrEqual(24 * 3600_000);
    // …and not a whole extra hour longer than it needs to.
    expect(waited - deliveryRetryDelayMs(DELIVERY_ATTEMPTS - 1)).toBeLessThan(24 * 3600_000);
    expect(deliveryAttemptsFor(0)).toBe(1);
  });
});

describe('maySeeSubscription', () => {
  it('lets admins and unscoped directors see all, scoped directors only subscriptions inside their regions', () => {
    expect(maySeeSubscription({ role: 'admin' }, { regions: ['Y56'] })).toBe(true);
    expect(maySeeSubscription({ role: 'director' }, { regions: ['Y56', 'Y59'] })).toBe(true);
    expect(maySeeSubscription({ role: 'director', regions: ['Y59'] }, { regions: ['Y59'] })).toBe(true);
    expect(maySeeSubscription({ role: 'director', regions: ['Y59'] }, { regions: ['Y59', 'Y56'] })).toBe(false);
    expect(maySeeSubscription({ role: 'trust', trusts: ['RHU'] }, { regions: ['Y59'] })).toBe(false);
    expect(maySeeSubscription(null, { regions: ['Y59'] })).toBe(false);
  });
});
