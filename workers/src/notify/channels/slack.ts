import type { TargetPolicy } from '@pb/shared/node';
import { notificationFacts, notificationTitle, type NotificationMessage } from '../notification-message.js';
import { postJson } from './post-json.js';

/** Slack's three control characters in message text (its own escaping rule). */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A Slack incoming-webhook message: `text` for notifications and clients without
 * blocks, then a header, the facts and a button that opens the board.
 */
export function slackMessage(message: NotificationMessage) {
  const title = notificationTitle(message);
  const facts = notificationFacts(message);
  return {
    text: slackEscape(title),
    blocks: [
      // Slack's header block holds at most 150 characters of plain text.
      { type: 'header', text: { type: 'plain_text', text: title.length > 150 ? `${title.slice(0, 149)}…` : title } },
      { type: 'section', fields: facts.map((fact) => ({ type: 'mrkdwn', text: `*${slackEscape(fact.title)}*\n${slackEscape(fact.value)}` })) },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the board' }, url: message.boardUrl }] },
    ],
  };
}

export async function sendSlack(target: string, message: NotificationMessage, policy: TargetPolicy): Promise<void> {
  await postJson(target, JSON.stringify(slackMessage(message)), { 'x-pb-delivery': message.deliveryId }, policy);
}
