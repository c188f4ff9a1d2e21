import type { TargetPolicy } from '@pb/shared/node';
import { notificationFacts, notificationTitle, type NotificationMessage } from '../notification-message.js';
import { postJson } from './post-json.js';

/**
 * A Microsoft Teams message for a Workflows webhook ("When a Teams webhook request is
 * received"): one Adaptive Card 1.4 attachment with the alert as facts and a button
 * that opens the board.
 */
export function teamsMessage(message: NotificationMessage) {
  const attention = message.type === 'alert.raised' || message.type === 'alert.escalated';
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: notificationTitle(message), weight: 'Bolder', size: 'Medium', wrap: true, ...(attention ? { color: 'Attention' } : {}) },
            { type: 'FactSet', facts: notificationFacts(message) },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open the board', url: message.boardUrl }],
        },
      },
    ],
  };
}

export async function sendTeams(target: string, message: NotificationMessage, policy: TargetPolicy): Promise<void> {
  await postJson(target, JSON.stringify(teamsMessage(message)), { 'x-pb-delivery': message.deliveryId }, policy);
}
