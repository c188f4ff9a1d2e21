import type { Alert, AlertKind, Site } from '@pb/shared';
import { escapeXml } from './escape-xml.js';

/*
 * `GET /alerts/cap.xml`: the board's alerts as an Atom feed of OASIS CAP 1.2 messages,
 * the usual way to publish several CAP alerts in one document. An acknowledged alert is
 * a CAP `Update` with the acknowledgement in its description; an ended one is `Cancel`.
 */

const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';
const ATOM_NS = 'http://www.w3.org/2005/Atom';

const EVENT: Record<AlertKind, { event: string; severity: 'Extreme' | 'Severe' | 'Moderate' | 'Minor'; urgency: 'Immediate' | 'Expected' }> = {
  critical_incident: { event: 'Critical incident declared', severity: 'Severe', urgency: 'Immediate' },
  major_incident: { event: 'Major incident declared', severity: 'Extreme', urgency: 'Immediate' },
  ed_closed: { event: 'A&E closed', severity: 'Severe', urgency: 'Immediate' },
  divert: { event: 'Ambulances diverted', severity: 'Moderate', urgency: 'Immediate' },
  escalation: { event: 'Escalation to severity 4 (extreme pressure)', severity: 'Severe', urgency: 'Immediate' },
  stale: { event: 'No status update within the stale window', severity: 'Minor', urgency: 'Expected' },
  until_expired: { event: 'A&E status past its reconfirm time', severity: 'Minor', urgency: 'Expected' },
};

/** CAP times carry a numeric offset; "Z" is not allowed. */
function capTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function capAlert(alert: Alert, site: Site | undefined, sender: string): string {
  const kind = EVENT[alert.kind];
  const name = site?.name ?? alert.site;
  const msgType = alert.endedAt ? 'Cancel' : alert.acknowledgedBy ? 'Update' : 'Alert';
  const sent = alert.endedAt ?? alert.acknowledgedAt ?? alert.raisedAt;
  const description = [
    `${kind.event} at ${name} (${alert.site}).`,
    alert.acknowledgedBy ? `Acknowledged by ${alert.acknowledgedBy} at ${alert.acknowledgedAt}.` : '',
    alert.endedAt ? `Ended at ${alert.endedAt}.` : '',
  ].filter(Boolean).join(' ');
  return [
    `<alert xmlns="${CAP_NS}">`,
    `<identifier>${escapeXml(`${sender}:${alert.id}`)}</identifier>`,
    `<sender>${escapeXml(sender)}</sender>`,
    `<sent>${capTime(sent)}</sent>`,
    '<status>Actual</status>',
    `<msgType>${msgType}</msgType>`,
    '<scope>Restricted</scope>',
    '<restriction>NHS incident management</restriction>',
    '<info>',
    '<category>Health</category>',
    `<event>${escapeXml(kind.event)}</event>`,
    `<urgency>${kind.urgency}</urgency>`,
    `<severity>${kind.severity}</severity>`,
    '<certainty>Observed</certainty>',
    `<headline>${escapeXml(`${kind.event}: ${name}`)}</headline>`,
    `<description>${escapeXml(description)}</description>`,
    `<parameter><valueName>site</valueName><value>${escapeXml(alert.site)}</value></parameter>`,
    `<parameter><valueName>region</valueName><value>${escapeXml(alert.region)}</value></parameter>`,
    '<area>',
    `<areaDesc>${escapeXml(name)}</areaDesc>`,
    site ? `<circle>${site.lat},${site.lon} 0</circle>` : '',
    '</area>',
    '</info>',
    '</alert>',
  ].join('');
}

/**
 * @example buildCapFeed(alerts, reference.byCode, 'https://board.example.nhs.uk', new Date())
 */
export function buildCapFeed(alerts: Alert[], sites: Map<string, Site>, sender: string, now: Date): string {
  const entries = alerts.map((alert) => {
    const updated = alert.endedAt ?? alert.acknowledgedAt ?? alert.raisedAt;
    return [
      '<entry>',
      `<id>${escapeXml(`${sender}/alerts/${alert.id}`)}</id>`,
      `<title>${escapeXml(`${EVENT[alert.kind].event}: ${sites.get(alert.site)?.name ?? alert.site}`)}</title>`,
      `<updated>${new Date(updated).toISOString()}</updated>`,
      `<content type="application/cap+xml">${capAlert(alert, sites.get(alert.site), sender)}</content>`,
      '</entry>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="${ATOM_NS}">`,
    `<id>${escapeXml(`${sender}/alerts`)}</id>`,
    '<title>Pressure Board alerts</title>',
    `<updated>${now.toISOString()}</updated>`,
    '<author><name>Pressure Board</name></author>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
