import { describe, expect, it } from 'vitest';
import { ALERT_KINDS, type Alert, type StoredSubscription } from '@pb/shared';
import type { SubscriptionRecord } from '@pb/shared/node';
import { notificationTypeOf, planAlertNotifications } from './alert-notifications.js';

const raised: Alert = { id: 'RHU03.critical_incident.7', kind: 'critical_incident', site: 'RHU03', region: 'Y59', raisedAt: '2026-01-03T03:00:00.000Z' };

function subscription(id: string, changes: Partial<StoredSubscription> = {}, disabled = false): SubscriptionRecord {
  return {
    stored: { id, label: id, channel: 'webhook', target: 'https://example.org', kinds: [...ALERT_KINDS], regions: ['Y59'], createdAt: '', createdBy: 'x', createdByKeyId: 'k', ...changes },
    ...(disabled ? { disabled: { at: '', reason: '410' } } : {}),
  };
}

describe('notificationTypeOf', () => {
  it('reads raised, acknowledged and ended from the alert the event carries', () => {
    expect(notificationTypeOf(raised)).toBe('alert.raised');
    expect(notificationTypeOf({ ...raised, acknowledgedBy: 'SE director', acknowledgedAt: '2026-01-03T03:05:00.000Z' })).toBe('alert.acknowledged');
    expect(notificationTypeOf({ ...raised, endedAt: '2026-01-03T04:00:00.000Z' })).toBe('alert.ended');
    // Acknowledged, then ended: the end is the news.
    expect(notificationTypeOf({ ...raised, acknowledgedBy: 'x', acknowledgedAt: '2026-01-03T03:05:00.000Z', endedAt: '2026-01-03T04:00:00.000Z' })).toBe('alert.ended');
    // Ended, then acknowledged afterwards: the acknowledgement is.
    expect(notificationTypeOf({ ...raised, acknowledgedBy: 'x', acknowledgedAt: '2026-01-03T04:01:00.000Z', endedAt: '2026-01-03T04:00:00.000Z' })).toBe('alert.acknowledged');
  });
});

describe('planAlertNotifications', () => {
  const now = Date.parse(raised.raisedAt) + 500;

  it('delivers to each enabled subscription whose kinds and regions match, with ids fixed by seq and subscription', () => {
    const plan = planAlertNotifications(42, raised, [subscription('a'), subscription('b', { kinds: ['divert'] }), subscription('c', { regions: ['Y56'] }), subscription('d', {}, true)], now, 60_000);
    expect(plan.deliveries).toEqual([{ deliveryId: 'n-42-a', subscriptionId: 'a', type: 'alert.raised', delayMs: 0 }]);
    expect(planAlertNotifications(42, raised, [subscription('a')], now, 60_000)).toEqual(plan);
  });

  it('schedules an escalation escalateAfterMin after the alert was raised, and cancels it when acknowledged or ended', () => {
    const subs = [subscription('e', { escalateAfterMin: 5, escalateTo: 'https://example.org/up' }), subscription('f', { escalateAfterMin: 5, regions: ['Y56'] })];
    const plan = planAlertNotifications(42, raised, subs, now, 60_000);
    expect(plan.deliveries).toContainEqual({ deliveryId: `e-${raised.id}-e`, subscriptionId: 'e', type: 'alert.escalated', delayMs: 5 * 60_000 - 500 });
    expect(plan.deliveries.filter((d) => d.subscriptionId === 'f')).toEqual([]);
    // A late fan-out (workers were down) escalates at once rather than never.
    expect(planAlertNotifications(42, raised, subs, now + 3600_000, 60_000).deliveries.find((d) => d.type === 'alert.escalated')?.delayMs).toBe(0);

    const acknowledged = planAlertNotifications(43, { ...raised, acknowledgedBy: 'x', acknowledgedAt: raised.raisedAt }, subs, now, 60_000);
    expect(acknowledged.deliveries.map((d) => d.type)).toEqual(['alert.acknowledged']);
    expect(acknowledged.cancelEscalations).toEqual([`e-${raised.id}-e`, `e-${raised.id}-f`]);
    expect(planAlertNotifications(44, { ...raised, endedAt: raised.raisedAt }, subs, now, 60_000).cancelEscalations).toHaveLength(2);
  });
});
