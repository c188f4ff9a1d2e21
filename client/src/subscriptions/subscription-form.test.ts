import { describe, expect, it } from 'vitest';
import { ALERT_KINDS, REGION_CODES } from '@pb/shared';
import { emptySubscriptionForm, subscriptionErrorsFromApi, validateSubscription } from './subscription-form';

describe('validateSubscription', () => {
  const filled = { ...emptySubscriptionForm(REGION_CODES), label: 'ICC', target: 'https://hooks.example.org/pb' };

  it('sends all kinds and all offered regions as "all" (left out), and a subset as given', () => {
    expect(validateSubscription(filled, REGION_CODES).request).toEqual({ label: 'ICC', channel: 'webhook', target: 'https://hooks.example.org/pb' });
    const some = validateSubscription({ ...filled, kinds: ['divert'], regions: ['Y59'] }, REGION_CODES).request;
    expect(some).toMatchObject({ kinds: ['divert'], regions: ['Y59'] });
    // A scoped director offered one region sends it as all of its regions.
    expect(validateSubscription({ ...filled, regions: ['Y59'] }, ['Y59']).request).not.toHaveProperty('regions');
  });

  it('sends escalation only with its minutes, and words each problem for its field', () => {
    expect(validateSubscription({ ...filled, escalateAfterMin: '15', escalateTo: 'https://hooks.example.org/up' }, REGION_CODES).request).toMatchObject({ escalateAfterMin: 15, escalateTo: 'https://hooks.example.org/up' });
    expect(validateSubscription({ ...filled, escalateTo: 'https://hooks.example.org/up' }, REGION_CODES).request).not.toHaveProperty('escalateTo');
    const { errors } = validateSubscription({ ...filled, label: '', target: 'nope', kinds: [], escalateAfterMin: 'soon' }, REGION_CODES);
    expect(errors.map((error) => error.path)).toEqual(['label', 'target', 'kinds', 'escalateAfterMin']);
    expect(errors.find((error) => error.path === 'escalateAfterMin')?.message).toBe('Escalate after (minutes) must be a whole number of minutes');
    expect(errors.find((error) => error.path === 'label')?.message).toBe('Name is required');
    expect(ALERT_KINDS.length).toBeGreaterThan(1);
  });

  it('maps the API error details onto the fields', () => {
    expect(subscriptionErrorsFromApi([{ path: 'target', message: 'The target is a loopback address' }], 'x')).toEqual([{ path: 'target', message: 'Send to The target is a loopback address' }]);
    expect(subscriptionErrorsFromApi([], 'Too many')).toEqual([{ path: '', message: 'Too many' }]);
  });
});
