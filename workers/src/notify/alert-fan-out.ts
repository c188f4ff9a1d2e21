import type { Queue } from 'bullmq';
import { deliveryJobOptions, type Alert, type NotificationJob } from '@pb/shared';
import type { DeliveryLog, Logger, SubscriptionStore } from '@pb/shared/node';
import { planAlertNotifications } from './alert-notifications.js';

export interface AlertFanOutDeps {
  queue: Queue;
  subscriptions: SubscriptionStore;
  deliveries: DeliveryLog;
  /** Milliseconds in an escalation minute (60,000 except in tests). */
  escalationMinuteMs: number;
  logger: Logger;
}

/** BullMQ job names on the notifications queue. */
export const DELIVER_JOB = 'deliver';
export const ESCALATE_JOB = 'escalate';

/**
 * Turns one alert event into jobs on the notifications queue: a delivery per matching
 * subscription, a delayed escalation per subscription that asks for one, and removal
 * of escalations an acknowledgement or end made pointless. Safe to run twice for the
 * same event: job ids are the delivery ids, and BullMQ adds nothing for an id it holds.
 */
export class AlertFanOut {
  constructor(private readonly deps: AlertFanOutDeps) {}

  async handle(seq: number, alert: Alert): Promise<void> {
    const { queue, subscriptions, deliveries, escalationMinuteMs } = this.deps;
    const now = Date.now();
    const plan = planAlertNotifications(seq, alert, await subscriptions.list(), now, escalationMinuteMs);
    const immediate = plan.deliveries.filter((delivery) => delivery.type !== 'alert.escalated');
    // Logged as pending first, so the page shows it even before a worker picks it up.
    await Promise.all(
      immediate.map((delivery) =>
        deliveries.record(delivery.subscriptionId, { id: delivery.deliveryId, alertId: alert.id, type: delivery.type, attempts: 0, state: 'pending', at: new Date(now).toISOString() }, 'create', now),
      ),
    );
    if (plan.deliveries.length) {
      await queue.addBulk(
        plan.deliveries.map((delivery) => {
          const escalation = delivery.type === 'alert.escalated';
          const data: NotificationJob = { deliveryId: delivery.deliveryId, subscriptionId: delivery.subscriptionId, type: delivery.type, alert, ...(escalation ? {} : { seq }) };
          return { name: escalation ? ESCALATE_JOB : DELIVER_JOB, data, opts: deliveryJobOptions(delivery.deliveryId, delivery.delayMs) };
        }),
      );
    }
    // An escalation already running when removal is asked for cannot be removed; it
    // checks the alert itself when it starts, so it will not escalate an acknowledged alert.
    await Promise.all(plan.cancelEscalations.map((jobId) => queue.remove(jobId).catch(() => 0)));
    if (plan.deliveries.length || plan.cancelEscalations.length) {
      this.deps.logger.debug({ seq, alert: alert.id, type: plan.type, jobs: plan.deliveries.length, cancelled: plan.cancelEscalations.length }, 'alert notifications queued');
    }
  }
}
