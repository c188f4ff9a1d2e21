import { createHmac } from 'node:crypto';
import type { TargetPolicy } from '@pb/shared/node';
import { webhookPayload, type NotificationMessage } from '../notification-message.js';
import { postJson } from './post-json.js';

/**
 * `X-PB-Signature` (SPEC §14): `sha256=` and the hex HMAC-SHA256 of
 * `"<timestamp>.<raw body>"` keyed with the subscription's secret.
 *
 * @example signWebhook('secret', 1767430500, '{"deliveryId":"…"}') // 'sha256=5f…'
 */
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/** The request a webhook delivery sends: the JSON body and its signed headers. */
export function webhookRequest(message: NotificationMessage, secret: string, now = Date.now()): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(webhookPayload(message));
  const timestamp = Math.floor(now / 1000);
  return {
    body,
    headers: {
      'x-pb-delivery': message.deliveryId,
      'x-pb-timestamp': String(timestamp),
      'x-pb-signature': signWebhook(secret, timestamp, body),
    },
  };
}

/** Posts a signed webhook; each attempt is signed afresh with its own timestamp. */
export async function sendWebhook(target: string, secret: string, message: NotificationMessage, policy: TargetPolicy): Promise<void> {
  const { body, headers } = webhookRequest(message, secret);
  await postJson(target, body, headers, policy);
}
