import { z } from 'zod';
import type { Role } from './api.js';
import { ALERT_KINDS, alertSchema, type AlertKind } from './events.js';
import { REGION_CODES } from './regions.js';
import type { Caller } from './rules/permissions.js';

/*
 * Notifications out (SPEC §14): subscriptions, what each delivery carries, and the
 * delivery log — one schema each, used by the API, the workers and the board.
 */

export const NOTIFICATION_CHANNELS = ['webhook', 'email', 'teams', 'slack'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export const NOTIFICATION_TYPES = ['alert.raised', 'alert.acknowledged', 'alert.ended', 'alert.escalated', 'test'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** Escalation delay bounds, in minutes (SPEC §14). */
export const ESCALATE_AFTER_MIN = { min: 1, max: 1440 } as const;
/** A board holds at most this many subscriptions: each alert event reads them all. */
export const MAX_SUBSCRIPTIONS = 1000;
/** Deliveries kept in each subscription's log, newest first. */
export const DELIVERIES_KEPT = 200;
export const SUBSCRIPTION_LABEL_MAX = 100;
const URL_MAX = 2048;

/** Alert kinds in words, for notifications and the subscriptions page. */
export const ALERT_KIND_WORDS: Record<AlertKind, string> = {
  critical_incident: 'Critical incident declared',
  major_incident: 'Major incident declared',
  ed_closed: 'A&E closed',
  divert: 'Ambulances diverted',
  escalation: 'OPEL 4 (extreme pressure)',
  stale: 'No recent status update',
  until_expired: 'A&E status needs reconfirming',
};

export const CHANNEL_WORDS: Record<NotificationChannel, string> = {
  webhook: 'Webhook',
  email: 'Email',
  teams: 'Microsoft Teams',
  slack: 'Slack',
};

/** Whether a channel posts to a URL (webhook, Teams, Slack) rather than sending email. */
export function isUrlChannel(channel: NotificationChannel): boolean {
  return channel !== 'email';
}

const emailAddress = z.email('must be an email address');

/**
 * The shape a target URL must have whatever the board's policy: http(s), a host, no
 * user name or password (a secret in a URL ends up in logs). Whether plain http and
 * private addresses are allowed is the deployment's policy, checked by the server.
 */
export function targetUrlProblem(value: string): string | null {
  if (value.length > URL_MAX) return `must be at most ${URL_MAX} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL such as https://example.org/hooks/pressure-board';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https:// URL';
  if (!url.hostname) return 'must name a host';
  if (url.username || url.password) return 'must not carry a user name or password';
  return null;
}

/** The problem with `value` as a target of `channel`, or null when it is well-formed. */
export function targetProblem(channel: NotificationChannel, value: string): string | null {
  if (!isUrlChannel(channel)) return emailAddress.safeParse(value).success ? null : 'must be an email address';
  return targetUrlProblem(value);
}

/** `POST /subscriptions` (SPEC §14). */
export const subscriptionCreateSchema = z
  .strictObject({
    label: z.string().trim().min(1, 'is required').max(SUBSCRIPTION_LABEL_MAX, `must be at most ${SUBSCRIPTION_LABEL_MAX} characters`),
    channel: z.enum(NOTIFICATION_CHANNELS, { message: `must be one of ${NOTIFICATION_CHANNELS.join(', ')}` }),
    target: z.string().trim().min(1, 'is required'),
    kinds: z
      .array(z.enum(ALERT_KINDS, { message: `must be one of ${ALERT_KINDS.join(', ')}` }))
      .min(1, 'must name at least one alert kind; leave it out for all')
      .max(ALERT_KINDS.length)
      .optional(),
    regions: z
      .array(z.string().toUpperCase().pipe(z.enum(REGION_CODES as [string, ...string[]], { message: `must be one of ${REGION_CODES.join(', ')}` })))
      .min(1, 'must name at least one region; leave it out for all')
      .max(REGION_CODES.length)
      .optional(),
    escalateAfterMin: z
      .number({ message: 'must be a whole number of minutes' })
      .int('must be a whole number of minutes')
      .min(ESCALATE_AFTER_MIN.min, `must be ${ESCALATE_AFTER_MIN.min}–${ESCALATE_AFTER_MIN.max} minutes`)
      .max(ESCALATE_AFTER_MIN.max, `must be ${ESCALATE_AFTER_MIN.min}–${ESCALATE_AFTER_MIN.max} minutes`)
      .optional(),
    escalateTo: z.string().trim().min(1, 'must not be blank').optional(),
  })
  // Runs even when other fields failed, so a form shows every problem at once; the
  // fields it reads may then be malformed, hence the checks on what they are.
  .superRefine(
    (request, ctx) => {
      const channel = (NOTIFICATION_CHANNELS as readonly unknown[]).includes(request.channel) ? request.channel : null;
      if (channel && typeof request.target === 'string' && request.target.trim()) {
        const target = targetProblem(channel, request.target.trim());
        if (target) ctx.addIssue({ code: 'custom', path: ['target'], message: target });
      }
      if (typeof request.escalateTo === 'string') {
        const escalateTo = channel ? targetProblem(channel, request.escalateTo.trim()) : null;
        if (escalateTo) ctx.addIssue({ code: 'custom', path: ['escalateTo'], message: `${escalateTo} (the same channel as target)` });
        if (request.escalateAfterMin === undefined) ctx.addIssue({ code: 'custom', path: ['escalateAfterMin'], message: 'is required with escalateTo' });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  .transform(({ kinds, regions, ...request }) => ({
    ...request,
    ...(kinds ? { kinds: [...new Set(kinds)] } : {}),
    ...(regions ? { regions: [...new Set(regions)] } : {}),
  }));
export type SubscriptionCreate = z.infer<typeof subscriptionCreateSchema>;

/** A subscription as listed (never with its secret). */
export const subscriptionSchema = z.object({
  id: z.string(),
  label: z.string(),
  channel: z.enum(NOTIFICATION_CHANNELS),
  target: z.string(),
  kinds: z.array(z.enum(ALERT_KINDS)),
  regions: z.array(z.string()),
  escalateAfterMin: z.number().int().optional(),
  /** Where escalations go; when only `escalateAfterMin` is set, the target itself. */
  escalateTo: z.string().optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  /** Set when the receiver answered `410 Gone`; a delivered test enables it again. */
  disabledAt: z.string().optional(),
  disabledReason: z.string().optional(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

/** As stored: with the webhook's signing secret and the key that created it. */
export const storedSubscriptionSchema = subscriptionSchema.omit({ disabledAt: true, disabledReason: true }).extend({
  secret: z.string().optional(),
  createdByKeyId: z.string(),
});
export type StoredSubscription = z.infer<typeof storedSubscriptionSchema>;

/** `201` of `POST /subscriptions`: the secret (webhook only) is shown here once. */
export const createdSubscriptionSchema = subscriptionSchema.extend({ secret: z.string().optional() });
export type CreatedSubscription = z.infer<typeof createdSubscriptionSchema>;

/** One entry of `GET /subscriptions/:id/deliveries`. */
export const deliverySchema = z.object({
  id: z.string(),
  alertId: z.string().optional(),
  type: z.enum(NOTIFICATION_TYPES),
  attempts: z.number().int().nonnegative(),
  state: z.enum(DELIVERY_STATES),
  lastError: z.string().optional(),
  /** When it last changed: queued, tried, delivered or given up. */
  at: z.string(),
});
export type Delivery = z.infer<typeof deliverySchema>;

/** `202` of `POST /subscriptions/:id/test`. */
export const testDeliveryQueuedSchema = z.object({ deliveryId: z.string(), state: z.literal('pending') });
export type TestDeliveryQueued = z.infer<typeof testDeliveryQueuedSchema>;

/** The alert as a notification describes it: the stored alert plus the site's name. */
export const notifiedAlertSchema = alertSchema.extend({ siteName: z.string() });
export type NotifiedAlert = z.infer<typeof notifiedAlertSchema>;

/** The JSON body of a webhook delivery (SPEC §14), signed as sent. */
export const webhookPayloadSchema = z.object({
  deliveryId: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  seq: z.number().int().positive().optional(),
  alert: notifiedAlertSchema.optional(),
  boardUrl: z.string(),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

/** `job.data` of a notifications job, validated when the job starts. */
export const notificationJobSchema = z.object({
  deliveryId: z.string(),
  subscriptionId: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  /** The event that caused it; absent for tests and escalations. */
  seq: z.number().int().positive().optional(),
  /** The alert as the event carried it; an escalation reads it again when it fires. */
  alert: alertSchema.optional(),
});
export type NotificationJob = z.infer<typeof notificationJobSchema>;

/**
 * Retries (SPEC §14: exponential backoff for at least 24 hours): the delay doubles from
 * one second up to an hour and stays there; the number of attempts is whatever makes
 * the delays add up to a day.
 */
export const DELIVERY_RETRY = { firstDelayMs: 1000, maxDelayMs: 3600_000, windowMs: 24 * 3600_000 } as const;

/** The delay before retry number `attemptsMade` (1 after the first failure). */
export function deliveryRetryDelayMs(attemptsMade: number): number {
  const exponent = Math.max(0, Math.min(attemptsMade - 1, 30));
  return Math.min(DELIVERY_RETRY.firstDelayMs * 2 ** exponent, DELIVERY_RETRY.maxDelayMs);
}

/** Attempts (the first included) whose retry delays together cover the retry window. */
export function deliveryAttemptsFor(windowMs: number = DELIVERY_RETRY.windowMs): number {
  let attempts = 1;
  let waited = 0;
  while (waited < windowMs) {
    waited += deliveryRetryDelayMs(attempts);
    attempts++;
  }
  return attempts;
}
export const DELIVERY_ATTEMPTS = deliveryAttemptsFor();

/** The BullMQ backoff type the notifications worker implements with `deliveryRetryDelayMs`. */
export const DELIVERY_BACKOFF_TYPE = 'notification';

/**
 * Job options for a delivery. Finished jobs are kept a day (a redelivered stream entry
 * then finds its job id taken and adds nothing) and at most 10,000 of each.
 */
export function deliveryJobOptions(jobId: string, delayMs = 0) {
  return {
    jobId,
    attempts: DELIVERY_ATTEMPTS,
    backoff: { type: DELIVERY_BACKOFF_TYPE },
    ...(delayMs > 0 ? { delay: delayMs } : {}),
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}

/**
 * Delivery ids, which are also the BullMQ job ids: the same stream entry read twice (a
 * worker died before acknowledging it) makes the same ids, and BullMQ adds nothing for
 * an id it already holds. (BullMQ does not allow `:` in ids.)
 */
export const alertDeliveryId = (seq: number, subscriptionId: string) => `n-${seq}-${subscriptionId}`;
/** One escalation per alert and subscription, ever. */
export const escalationDeliveryId = (alertId: string, subscriptionId: string) => `e-${alertId}-${subscriptionId}`;
export const testDeliveryId = (subscriptionId: string, nonce: string) => `t-${subscriptionId}-${nonce}`;

/** Roles that may manage subscriptions: directors (within their regions) and admins. */
export const SUBSCRIBING_ROLES = ['director', 'admin'] as const satisfies readonly Role[];

/** Whether the key may manage subscriptions at all. */
export function mayManageSubscriptions(caller: Caller | null | undefined): boolean {
  return caller != null && (SUBSCRIBING_ROLES as readonly Role[]).includes(caller.role);
}

/**
 * Whether the key may see, test and delete a subscription covering `regions`: a
 * director scoped to regions only when every one is inside its scope.
 *
 * @example maySeeSubscription({ role: 'director', regions: ['Y59'] }, { regions: ['Y56'] }) // false
 */
export function maySeeSubscription(caller: Caller | null | undefined, subscription: { regions: readonly string[] }): boolean {
  if (!mayManageSubscriptions(caller) || !caller) return false;
  if (caller.role !== 'director' || !caller.regions?.length) return true;
  const scope = caller.regions;
  return subscription.regions.every((region) => scope.includes(region));
}
