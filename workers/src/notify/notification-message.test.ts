import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webhookPayloadSchema } from '@pb/shared';
import { notificationTitle, ukTimeWords, type NotificationMessage } from './notification-message.js';
import { signWebhook, webhookRequest } from './channels/webhook.js';
import { slackMessage } from './channels/slack.js';
import { teamsMessage } from './channels/teams.js';
import { emailContent } from './channels/email.js';

const message: NotificationMessage = {
  deliveryId: 'n-12-abc',
  type: 'alert.raised',
  seq: 12,
  alert: { id: 'RHU03.ed_closed.12', kind: 'ed_closed', site: 'RHU03', siteName: 'Queen Alexandra <Hospital> & Co', region: 'Y59', raisedAt: '2026-07-03T02:05:00.000Z' },
  boardUrl: 'https://board.example.nhs.uk/sites/RHU03',
};

describe('ukTimeWords', () => {
  it('names UK local time and its zone across the clock change', () => {
    expect(ukTimeWords('2026-07-03T02:05:00.000Z')).toBe('3 July 2026, 03:05 BST');
    expect(ukTimeWords('2026-01-03T02:05:00.000Z')).toBe('3 January 2026, 02:05 GMT');
  });
});

describe('notification formats', () => {
  it('signs "<timestamp>.<raw body>" with HMAC-SHA256 of the secret', () => {
    const { body, headers } = webhookRequest(message, 's3cret', 1_767_430_500_000);
    expect(headers['x-pb-timestamp']).toBe('1767430500');
    expect(headers['x-pb-delivery']).toBe('n-12-abc');
    expect(headers['x-pb-signature']).toBe(`sha256=${createHmac('sha256', 's3cret').update(`1767430500.${body}`).digest('hex')}`);
    expect(signWebhook('s3cret', 1, 'x')).not.toBe(signWebhook('other', 1, 'x'));
    expect(webhookPayloadSchema.strict().parse(JSON.parse(body))).toEqual({ deliveryId: 'n-12-abc', type: 'alert.raised', seq: 12, alert: message.alert, boardUrl: message.boardUrl });
  });

  it('escapes what each format needs escaped', () => {
    expect(slackMessage(message).text).toBe('A&amp;E closed: Queen Alexandra &lt;Hospital&gt; &amp; Co');
    expect(emailContent(message).html).toContain('Queen Alexandra &lt;Hospital&gt; &amp; Co');
    expect(emailContent(message).text).toContain('Raised: 3 July 2026, 03:05 BST');
    expect(teamsMessage(message).attachments[0]!.content.body[0]).toMatchObject({ text: 'A&E closed: Queen Alexandra <Hospital> & Co', color: 'Attention' });
  });

  it('words each type of notification', () => {
    expect(notificationTitle({ ...message, type: 'alert.escalated', escalateAfterMin: 15 })).toBe('Not acknowledged after 15 min: A&E closed at Queen Alexandra <Hospital> & Co');
    expect(notificationTitle({ ...message, type: 'alert.acknowledged', alert: { ...message.alert!, acknowledgedBy: 'SE director' } })).toMatch(/^Acknowledged by SE director/);
    expect(notificationTitle({ deliveryId: 't-1', type: 'test', boardUrl: 'https://x/' })).toBe('Test notification from Pressure Board');
  });
});
