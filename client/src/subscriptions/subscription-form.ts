import { ALERT_KINDS, subscriptionCreateSchema, type AlertKind, type NotificationChannel, type SubscriptionCreate } from '@pb/shared';
import type { FieldError } from '../post/post-form';

/** The subscription form's values, as the inputs hold them. */
export interface SubscriptionFormValues {
  label: string;
  channel: NotificationChannel;
  target: string;
  kinds: AlertKind[];
  regions: string[];
  /** Whole minutes as typed; blank for no escalation. */
  escalateAfterMin: string;
  escalateTo: string;
}

export type SubscriptionField = keyof SubscriptionFormValues;

export const SUBSCRIPTION_FIELD_LABELS: Record<SubscriptionField, string> = {
  label: 'Name',
  channel: 'Send by',
  target: 'Send to',
  kinds: 'Alerts',
  regions: 'Regions',
  escalateAfterMin: 'Escalate after (minutes)',
  escalateTo: 'Escalate to',
};

/** What the target field asks for on each channel. */
export const TARGET_HINTS: Record<NotificationChannel, string> = {
  webhook: 'An https:// URL. Each request is signed (X-PB-Signature) with a secret shown once, when you add it.',
  email: 'An email address, for example oncall@example.nhs.uk.',
  teams: 'The https:// URL of a Teams Workflows webhook ("When a Teams webhook request is received").',
  slack: 'The https:// URL of a Slack incoming webhook (https://hooks.slack.com/services/…).',
};

export function emptySubscriptionForm(regions: readonly string[]): SubscriptionFormValues {
  return { label: '', channel: 'webhook', target: '', kinds: [...ALERT_KINDS], regions: [...regions], escalateAfterMin: '', escalateTo: '' };
}

function isField(value: unknown): value is SubscriptionField {
  return typeof value === 'string' && value in SUBSCRIPTION_FIELD_LABELS;
}

/** An error from the shared schema or the API, worded for the field it belongs to. */
function worded(field: SubscriptionField, message: string): string {
  return `${SUBSCRIPTION_FIELD_LABELS[field]} ${message}`;
}

/**
 * Checks the form with the shared `subscriptionCreateSchema` (the one the API uses)
 * and words each problem for its field. All kinds or all offered regions ticked is
 * sent as "all" (left out), so a subscription also covers kinds added later. Pure.
 */
export function validateSubscription(values: SubscriptionFormValues, offeredRegions: readonly string[]): { request: SubscriptionCreate | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (values.kinds.length === 0) errors.push({ path: 'kinds', message: 'Choose at least one kind of alert' });
  if (values.regions.length === 0) errors.push({ path: 'regions', message: 'Choose at least one region' });
  const minutes = values.escalateAfterMin.trim();
  const body = {
    label: values.label,
    channel: values.channel,
    target: values.target,
    ...(values.kinds.length > 0 && values.kinds.length < ALERT_KINDS.length ? { kinds: values.kinds } : {}),
    ...(values.regions.length > 0 && values.regions.length < offeredRegions.length ? { regions: values.regions } : {}),
    ...(minutes ? { escalateAfterMin: Number(minutes) } : {}),
    ...(minutes && values.escalateTo.trim() ? { escalateTo: values.escalateTo } : {}),
  };
  const parsed = subscriptionCreateSchema.safeParse(body);
  if (parsed.success && errors.length === 0) return { request: parsed.data, errors: [] };
  for (const issue of parsed.error?.issues ?? []) {
    const field = issue.path[0];
    if (!isField(field)) errors.push({ path: '', message: issue.message });
    else if (!errors.some((error) => error.path === field)) {
      errors.push({ path: field, message: field === 'escalateAfterMin' && Number.isNaN(Number(minutes)) ? worded(field, 'must be a whole number of minutes') : worded(field, issue.message) });
    }
  }
  // The summary lists problems in the order the fields appear.
  const order = Object.keys(SUBSCRIPTION_FIELD_LABELS);
  return { request: null, errors: errors.sort((a, b) => order.indexOf(a.path) - order.indexOf(b.path)) };
}

/** The API's error details as sentences for the form. */
export function subscriptionErrorsFromApi(details: readonly FieldError[], fallback: string): FieldError[] {
  if (details.length === 0) return [{ path: '', message: fallback }];
  return details.map((detail) => {
    const field = detail.path.split(/[.[]/)[0];
    return isField(field) ? { path: field, message: worded(field, detail.message) } : { path: '', message: detail.message };
  });
}
