import { ALERT_KIND_WORDS, REGIONS, londonOffsetMinutes, londonWallClock, type NotificationType, type NotifiedAlert, type WebhookPayload } from '@pb/shared';

/**
 * One notification, whatever the channel: what happened, to which alert, and where to
 * look. Every channel's format is built from this, so they all say the same thing.
 */
export interface NotificationMessage {
  deliveryId: string;
  type: NotificationType;
  seq?: number;
  alert?: NotifiedAlert;
  boardUrl: string;
  /** For `alert.escalated`: how long it went unacknowledged. */
  escalateAfterMin?: number;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * "3 January 2026, 09:15 GMT" / "3 July 2026, 10:15 BST": UK local time with the zone
 * named, so a reader in the small hours is never unsure which hour is meant.
 */
export function ukTimeWords(iso: string): string {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return iso;
  const wall = londonWallClock(instant);
  const zone = londonOffsetMinutes(instant) === 60 ? 'BST' : 'GMT';
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${wall.day} ${MONTHS[wall.month - 1]} ${wall.year}, ${pad(wall.hour)}:${pad(wall.minute)} ${zone}`;
}

/** The headline: what happened, where. */
export function notificationTitle(message: NotificationMessage): string {
  const alert = message.alert;
  if (message.type === 'test' || !alert) return 'Test notification from Pressure Board';
  const what = ALERT_KIND_WORDS[alert.kind];
  switch (message.type) {
    case 'alert.raised':
      return `${what}: ${alert.siteName}`;
    case 'alert.acknowledged':
      return `Acknowledged by ${alert.acknowledgedBy ?? 'a director'}: ${what} at ${alert.siteName}`;
    case 'alert.ended':
      return `Ended: ${what} at ${alert.siteName}`;
    case 'alert.escalated':
      return `Not acknowledged after ${message.escalateAfterMin ?? '?'} min: ${what} at ${alert.siteName}`;
  }
}

/** Label and value pairs that describe the alert, in reading order. */
export function notificationFacts(message: NotificationMessage): { title: string; value: string }[] {
  const alert = message.alert;
  if (!alert) return [{ title: 'What', value: 'This subscription works: the board can reach this receiver.' }];
  const regionName = REGIONS[alert.region as keyof typeof REGIONS] ?? alert.region;
  const facts = [
    { title: 'Alert', value: ALERT_KIND_WORDS[alert.kind] },
    { title: 'Site', value: `${alert.siteName} (${alert.site})` },
    { title: 'Region', value: regionName },
    { title: 'Raised', value: ukTimeWords(alert.raisedAt) },
  ];
  if (alert.acknowledgedBy) facts.push({ title: 'Acknowledged', value: `${alert.acknowledgedBy}${alert.acknowledgedAt ? `, ${ukTimeWords(alert.acknowledgedAt)}` : ''}` });
  else if (message.type === 'alert.escalated') facts.push({ title: 'Acknowledged', value: 'Not yet' });
  if (alert.endedAt) facts.push({ title: 'Ended', value: ukTimeWords(alert.endedAt) });
  return facts;
}

/** The webhook body (SPEC §14), fields in a fixed order. */
export function webhookPayload(message: NotificationMessage): WebhookPayload {
  return {
    deliveryId: message.deliveryId,
    type: message.type,
    ...(message.seq !== undefined ? { seq: message.seq } : {}),
    ...(message.alert ? { alert: message.alert } : {}),
    boardUrl: message.boardUrl,
  };
}
