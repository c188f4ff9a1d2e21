import { alertDeliveryId, escalationDeliveryId, type Alert, type NotificationType, type StoredSubscription } from '@pb/shared';
import type { SubscriptionRecord } from '@pb/shared/node';

export type AlertNotificationType = Extract<NotificationType, 'alert.raised' | 'alert.acknowledged' | 'alert.ended'>;

/**
 * What an `alert` event of the stream says happened. The stream carries the whole alert
 * each time: raised (neither acknowledged nor ended), acknowledged, or ended. An alert
 * acknowledged after it ended carries both, and the later of the two is the news.
 */
export function notificationTypeOf(alert: Pick<Alert, 'acknowledgedBy' | 'acknowledgedAt' | 'endedAt'>): AlertNotificationType {
  const acknowledgedAt = alert.acknowledgedBy ? Date.parse(alert.acknowledgedAt ?? '') : NaN;
  const endedAt = alert.endedAt ? Date.parse(alert.endedAt) : NaN;
  if (!Number.isNaN(acknowledgedAt) && (Number.isNaN(endedAt) || acknowledgedAt > endedAt)) return 'alert.acknowledged';
  if (alert.endedAt) return 'alert.ended';
  if (alert.acknowledgedBy) return 'alert.acknowledged';
  return 'alert.raised';
}

/** Whether a subscription wants this alert: its kinds and its regions. */
export function subscriptionMatches(subscription: Pick<StoredSubscription, 'kinds' | 'regions'>, alert: Pick<Alert, 'kind' | 'region'>): boolean {
  return subscription.kinds.includes(alert.kind) && subscription.regions.includes(alert.region);
}

export interface PlannedDelivery {
  deliveryId: string;
  subscriptionId: string;
  type: NotificationType;
  /** For escalations: how long to wait before checking whether anyone acknowledged. */
  delayMs: number;
}

export interface AlertNotificationPlan {
  type: AlertNotificationType;
  deliveries: PlannedDelivery[];
  /** Escalation jobs no longer needed (the alert was acknowledged or ended). */
  cancelEscalations: string[];
}

/**
 * Who is told what about one alert event (SPEC §14): one delivery per enabled,
 * matching subscription; when raised, an escalation per matching subscription that
 * asks for one, due `escalateAfterMin` (in `minuteMs` units) after the alert was
 * raised; when acknowledged or ended, the escalations to cancel. Pure.
 */
export function planAlertNotifications(seq: number, alert: Alert, subscriptions: readonly SubscriptionRecord[], now: number, minuteMs: number): AlertNotificationPlan {
  const type = notificationTypeOf(alert);
  const deliveries: PlannedDelivery[] = [];
  const cancelEscalations: string[] = [];
  for (const { stored, disabled } of subscriptions) {
    const escalateAfterMin = stored.escalateAfterMin;
    if (type !== 'alert.raised' && escalateAfterMin !== undefined) cancelEscalations.push(escalationDeliveryId(alert.id, stored.id));
    if (disabled || !subscriptionMatches(stored, alert)) continue;
    deliveries.push({ deliveryId: alertDeliveryId(seq, stored.id), subscriptionId: stored.id, type, delayMs: 0 });
    if (type === 'alert.raised' && escalateAfterMin !== undefined) {
      const due = Date.parse(alert.raisedAt) + escalateAfterMin * minuteMs;
      deliveries.push({ deliveryId: escalationDeliveryId(alert.id, stored.id), subscriptionId: stored.id, type: 'alert.escalated', delayMs: Math.max(0, due - now) });
    }
  }
  return { type, deliveries, cancelEscalations };
}
