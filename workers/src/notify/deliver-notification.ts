import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { alertSchema, notificationJobSchema, type Alert, type Delivery, type NotificationChannel, type NotifiedAlert, type RedisKeys, type StoredSubscription } from '@pb/shared';
import { TargetRefusedError, type DeliveryLog, type ReferenceData, type SubscriptionStore, type TargetPolicy } from '@pb/shared/node';
import type { NotificationMessage } from './notification-message.js';
import { Mailer, PermanentMailError } from './channels/email.js';
import { ReceiverError } from './channels/post-json.js';
import { sendSlack } from './channels/slack.js';
import { sendTeams } from './channels/teams.js';
import { sendWebhook } from './channels/webhook.js';

export interface DeliverDeps {
  redis: Redis;
  keys: RedisKeys;
  reference: ReferenceData;
  subscriptions: SubscriptionStore;
  deliveries: DeliveryLog;
  policy: TargetPolicy;
  /** Null when PB_SMTP_URL is not set: email deliveries then fail, saying so. */
  mailer: Mailer | null;
  publicUrl: string;
}

/** Why a delivery attempt failed, in a line for the delivery log. */
function describeFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

async function readAlert(deps: DeliverDeps, id: string): Promise<Alert | null> {
  const json = await deps.redis.hget(deps.keys.alerts, id);
  if (!json) return null;
  const parsed = alertSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : null;
}

function messageFor(deps: DeliverDeps, deliveryId: string, type: NotificationMessage['type'], alert: Alert | undefined, subscription: StoredSubscription, seq: number | undefined): NotificationMessage {
  const notified: NotifiedAlert | undefined = alert ? { ...alert, siteName: deps.reference.byCode.get(alert.site)?.name ?? alert.site } : undefined;
  return {
    deliveryId,
    type,
    ...(seq !== undefined ? { seq } : {}),
    ...(notified ? { alert: notified } : {}),
    boardUrl: alert ? `${deps.publicUrl}/sites/${encodeURIComponent(alert.site)}` : `${deps.publicUrl}/`,
    ...(type === 'alert.escalated' && subscription.escalateAfterMin !== undefined ? { escalateAfterMin: subscription.escalateAfterMin } : {}),
  };
}

async function send(deps: DeliverDeps, channel: NotificationChannel, target: string, subscription: StoredSubscription, message: NotificationMessage): Promise<void> {
  switch (channel) {
    case 'webhook':
      if (!subscription.secret) throw new UnrecoverableError('The webhook subscription has no signing secret.');
      return sendWebhook(target, subscription.secret, message, deps.policy);
    case 'teams':
      return sendTeams(target, message, deps.policy);
    case 'slack':
      return sendSlack(target, message, deps.policy);
    case 'email':
      if (!deps.mailer) throw new Error('Email is not configured on the workers (set PB_SMTP_URL).');
      return deps.mailer.send(target, message);
  }
}

/**
 * Runs one notifications job: one attempt at one delivery (SPEC §14). Every attempt
 * updates the delivery log; a failure is thrown so BullMQ retries it with backoff,
 * except when retrying cannot help (the receiver is gone, the target is refused, the
 * mail server refused for good), which fails it at once. A `410 Gone` also disables
 * the subscription.
 */
export async function deliverNotification(deps: DeliverDeps, job: Job): Promise<string> {
  const parsed = notificationJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`not a notifications job: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const { deliveryId, subscriptionId, type, seq } = parsed.data;
  const record = await deps.subscriptions.get(subscriptionId);
  if (!record) return 'subscription deleted';
  const subscription = record.stored;

  let alert = parsed.data.alert;
  if (type === 'alert.escalated') {
    // Checked when the escalation falls due (not only when it was scheduled): an
    // acknowledgement whose cancellation was missed still stops it. Retries of an
    // escalation that did go out carry on.
    const current = alert ? await readAlert(deps, alert.id) : null;
    if (job.attemptsMade === 0 && (!current || current.acknowledgedBy || current.endedAt)) return 'not escalated: acknowledged or ended in time';
    alert = current ?? alert;
  }

  const entry = (fields: Pick<Delivery, 'attempts' | 'state'> & { lastError?: string | undefined }): Delivery => ({
    id: deliveryId,
    ...(alert ? { alertId: alert.id } : {}),
    type,
    attempts: fields.attempts,
    state: fields.state,
    ...(fields.lastError ? { lastError: fields.lastError } : {}),
    at: new Date().toISOString(),
  });

  if (record.disabled && type !== 'test') {
    await deps.deliveries.record(subscriptionId, entry({ attempts: job.attemptsMade, state: 'failed', lastError: `Not sent: the subscription is disabled (${record.disabled.reason}).` }), 'update');
    return 'subscription disabled';
  }
  const previous = await deps.deliveries.get(subscriptionId, deliveryId);
  if (!previous) await deps.deliveries.record(subscriptionId, entry({ attempts: job.attemptsMade, state: 'pending' }), 'create');

  const attempts = job.attemptsMade + 1;
  const target = type === 'alert.escalated' ? (subscription.escalateTo ?? subscription.target) : subscription.target;
  try {
    await send(deps, subscription.channel, target, subscription, messageFor(deps, deliveryId, type, alert, subscription, seq));
  } catch (error) {
    const reason = describeFailure(error);
    const gone = error instanceof ReceiverError && error.status === 410;
    const permanent = gone || error instanceof TargetRefusedError || error instanceof PermanentMailError || error instanceof UnrecoverableError;
    const final = permanent || attempts >= (job.opts.attempts ?? 1);
    await deps.deliveries.record(subscriptionId, entry({ attempts, state: final ? 'failed' : 'pending', lastError: reason }), 'update');
    await deps.deliveries.count(subscription.channel, final ? 'failed' : 'retried');
    if (gone) await deps.subscriptions.disable(subscriptionId, `${target} answered 410 Gone`);
    if (permanent) throw error instanceof UnrecoverableError ? error : new UnrecoverableError(reason);
    throw error instanceof Error ? error : new Error(reason);
  }
  await deps.deliveries.record(subscriptionId, entry({ attempts, state: 'delivered', lastError: previous?.lastError }), 'update');
  await deps.deliveries.count(subscription.channel, 'delivered');
  // A test that gets through shows the receiver is back: deliveries resume.
  if (type === 'test' && record.disabled) await deps.subscriptions.enable(subscriptionId);
  return 'delivered';
}
