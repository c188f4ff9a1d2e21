import type pc from 'picocolors';
import {
  METRIC_NAMES,
  severityWords,
  type AlertEvent,
  type AlertKind,
  type BoardSnapshot,
  type DerogationEvent,
  type SiteStatus,
  type StatusEvent,
} from '@pb/shared';
import { londonClock } from './uk-time.js';

/** picocolors' functions, on or off (`pc` follows NO_COLOR, FORCE_COLOR and whether stdout is a terminal). */
export type Colors = ReturnType<typeof pc.createColors>;

/** What the terminal knows of a site between events: its name and last severity. */
export interface KnownSite {
  name: string;
  severity: number;
}

/**
 * The colour of each severity (SPEC §2): 4 red, 3 yellow (a terminal's nearest to the
 * board's orange), 2 cyan, 1 green, 0 (unknown) dim. Colour is never alone: each line
 * also carries the severity as a number and in words.
 */
export function severityColour(severity: number | undefined, colors: Colors): (text: string) => string {
  switch (severity) {
    case 4:
      return (text) => colors.bold(colors.red(text));
    case 3:
      return colors.yellow;
    case 2:
      return colors.cyan;
    case 1:
      return colors.green;
    case 0:
      return colors.dim;
    default:
      return (text) => text;
  }
}

const ALERT_WORDS = {
  critical_incident: 'critical incident',
  major_incident: 'major incident',
  ed_closed: 'A&E closed',
  divert: 'A&E diverting',
  escalation: 'escalation (severity 4)',
  stale: 'no recent update',
  until_expired: 'A&E status needs reconfirming',
} as const satisfies Record<AlertKind, string>;

/** The start of every event line: time, seq and site. */
function lead(at: string | null | undefined, seq: number, site: string, name: string | undefined, colour: (text: string) => string, colors: Colors, now: number): string {
  return `${colors.dim(londonClock(at, now))}  ${colors.dim(`#${seq}`)}  ${colour(name ? `${site} ${name}` : site)}`;
}

/**
 * One line for a `status` event: when, seq, the site, its severity in number and words,
 * and what changed since its previous status, e.g.
 * `09:15:02  #42  RHU03 Queen Alexandra Hospital  [4] OPEL 4, critical incident — OPEL 3→4, incident none→critical · Portsmouth EPRR`.
 */
export function statusLine(event: StatusEvent, colors: Colors, now = Date.now()): string {
  const status = event.status;
  const colour = severityColour(status.severity, colors);
  const changes = describeChanges(event.previous ?? null, status);
  const actor = status.actor ? colors.dim(` · ${status.actor}`) : '';
  return `${lead(status.receivedAt ?? status.observedAt, event.seq, event.site, status.name, colour, colors, now)}  ${colour(`[${status.severity}] ${severityWords(status)}`)} — ${changes.join(', ')}${actor}`;
}

/** One line for an `alert` event: raised, acknowledged or ended; coloured by the site's last known severity. */
export function alertLine(event: AlertEvent, site: KnownSite | undefined, colors: Colors, now = Date.now()): string {
  const colour = severityColour(site?.severity, colors);
  const words = ALERT_WORDS[event.kind];
  let what: string;
  let at = event.raisedAt;
  if (event.endedAt) {
    what = `alert ended: ${words}`;
    at = event.endedAt;
  } else if (event.acknowledgedAt) {
    what = `alert acknowledged by ${event.acknowledgedBy ?? 'unknown'}: ${words}`;
    at = event.acknowledgedAt;
  } else {
    what = `alert raised: ${words}`;
  }
  return `${lead(at, event.seq, event.site, site?.name, colour, colors, now)}  ${colour(what)}`;
}

/** One line for a `derogation` event: a request created or moved to a new state. */
export function derogationLine(event: DerogationEvent, site: KnownSite | undefined, colors: Colors, now = Date.now()): string {
  const derogation = event.derogation;
  const last = derogation.history.at(-1);
  const by = last?.by ? colors.dim(` · ${last.by}`) : '';
  const what = `derogation ${derogation.state.replace('_', ' ')}: ${derogation.service} (${derogation.staffRequested})`;
  return `${lead(derogation.updatedAt, event.seq, derogation.site, site?.name, severityColour(site?.severity, colors), colors, now)}  ${what}${by}`;
}

/** One line summing up a snapshot: how many sites at each severity, stale ones and open alerts. */
export function snapshotLine(snapshot: BoardSnapshot, colors: Colors, now = Date.now()): string {
  const counts = [0, 0, 0, 0, 0];
  for (const site of snapshot.sites) counts[site.severity] = (counts[site.severity] ?? 0) + 1;
  const parts = [4, 3, 2, 1].filter((severity) => counts[severity]).map((severity) => severityColour(severity, colors)(`${counts[severity]} at ${severity}`));
  if (counts[0]) parts.push(colors.dim(`${counts[0]} unknown`));
  const stale = snapshot.sites.filter((site) => site.stale).length;
  const open = snapshot.alerts.filter((alert) => !alert.endedAt).length;
  const sites = `${snapshot.sites.length} site${snapshot.sites.length === 1 ? '' : 's'}`;
  return `${colors.dim(londonClock(snapshot.asOf, now))}  ${colors.dim(`#${snapshot.seq}`)}  snapshot: ${sites}${parts.length ? ` — ${parts.join(', ')}` : ''}; ${stale} stale; ${open} open alert${open === 1 ? '' : 's'}`;
}

/**
 * What changed from `previous` to `status`, in the board's own vocabulary (OPEL,
 * incident level, A&E status, metric names), e.g. `OPEL 3→4`, `A&E open→divert (to RHM01)`.
 */
export function describeChanges(previous: SiteStatus | null, status: SiteStatus): string[] {
  const changes: string[] = [];
  const arrow = (from: unknown, to: unknown) => `${from ?? '—'}→${to ?? '—'}`;
  if ((previous?.opel ?? null) !== status.opel) changes.push(`OPEL ${arrow(previous?.opel, status.opel)}`);
  const incidentFrom = previous?.incident?.level;
  const incidentTo = status.incident?.level;
  if (incidentFrom !== incidentTo) changes.push(`incident ${arrow(incidentFrom, incidentTo)}`);
  const edFrom = previous?.ed?.status;
  const edTo = status.ed?.status;
  const divertFrom = previous?.ed?.divertTo.join(',') ?? '';
  const divertTo = status.ed?.divertTo.join(',') ?? '';
  if (edFrom !== edTo || divertFrom !== divertTo) changes.push(`A&E ${edFrom === edTo ? edTo : arrow(edFrom, edTo)}${divertTo ? ` (to ${divertTo})` : ''}`);
  for (const name of METRIC_NAMES) {
    const from = previous?.metrics[name];
    const to = status.metrics[name];
    if (from !== to && to !== undefined) changes.push(`${name} ${arrow(from, to)}`);
  }
  if ((previous?.note ?? null) !== status.note) changes.push(status.note ? `note "${truncate(status.note, 60)}"` : 'note removed');
  if (Boolean(previous?.stale) !== status.stale) changes.push(status.stale ? 'stale (no recent update)' : 'up to date again');
  if (changes.length === 0) changes.push('reconfirmed, no change');
  return changes;
}

function truncate(text: string, length: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}
