import { METRIC_RANGES, type Alert, type AlertEvent, type AlertKind, type MetricName, type SiteStatus, type StatusEvent } from '@pb/shared';

export type FeedKind = 'pressure' | 'incident' | 'ed' | 'metrics' | 'note' | 'alert';

export const FEED_KINDS: readonly { kind: FeedKind; label: string }[] = [
  { kind: 'pressure', label: 'OPEL' },
  { kind: 'incident', label: 'Incidents' },
  { kind: 'ed', label: 'A&E' },
  { kind: 'metrics', label: 'Metrics' },
  { kind: 'note', label: 'Notes' },
  { kind: 'alert', label: 'Alerts' },
];

/** One thing that changed, in words. */
export interface FeedChange {
  kind: FeedKind;
  label: string;
  from: string;
  to: string;
}

export interface FeedItem {
  seq: number;
  site: string;
  siteName: string;
  region: string;
  /** When it happened (received time of the status, or the alert's time). */
  at: string;
  actor: string | null;
  changes: FeedChange[];
  kinds: FeedKind[];
  severity: number;
}

/** The feed never holds more than this, so a board left open does not grow. */
export const FEED_LIMIT = 200;

/** Each metric's name in words and its unit (the unit from the shared metric ranges). */
export const METRIC_LABELS: Record<MetricName, { label: string; unit: string }> = {
  handoverMeanMin: { label: 'Mean ambulance handover', unit: METRIC_RANGES.handoverMeanMin.unit },
  fourHourPct: { label: '4-hour performance', unit: METRIC_RANGES.fourHourPct.unit },
  edOccupancyPct: { label: 'ED occupancy', unit: METRIC_RANGES.edOccupancyPct.unit },
  timeToTreatmentMedianMin: { label: 'Median time to treatment', unit: METRIC_RANGES.timeToTreatmentMedianMin.unit },
  over12hPct: { label: 'In ED over 12 hours', unit: METRIC_RANGES.over12hPct.unit },
  referredPct: { label: 'In ED referred to a service', unit: METRIC_RANGES.referredPct.unit },
  longestWaitHours: { label: 'Longest current wait', unit: METRIC_RANGES.longestWaitHours.unit },
  gaOccupancyPct: { label: 'G&A bed occupancy', unit: METRIC_RANGES.gaOccupancyPct.unit },
  criticalCareOccupancyPct: { label: 'Adult critical care occupancy', unit: METRIC_RANGES.criticalCareOccupancyPct.unit },
  handoverDelaysOver60Min: { label: 'Handover delays over 60 min', unit: METRIC_RANGES.handoverDelaysOver60Min.unit },
};

export const INCIDENT_LABELS = {
  none: 'no incident',
  business_continuity: 'business continuity incident',
  critical: 'critical incident',
  major: 'major incident',
} as const;

export const ED_LABELS = {
  open: 'A&E open',
  advisory: 'A&E on advisory',
  divert: 'A&E diverting',
  closed: 'A&E closed',
  not_applicable: 'no A&E',
} as const;

export const ALERT_LABELS: Record<AlertKind, string> = {
  critical_incident: 'Critical incident',
  major_incident: 'Major incident',
  ed_closed: 'A&E closed',
  divert: 'A&E diverting',
  escalation: 'OPEL 4 / escalation',
  stale: 'No recent update',
  until_expired: 'A&E status needs reconfirming',
};

function opelText(opel: number | null | undefined): string {
  return opel === null || opel === undefined ? 'OPEL unknown' : `OPEL ${opel}`;
}

function incidentText(status: SiteStatus | null | undefined): string {
  const incident = status?.incident;
  if (!incident) return 'not reported';
  return INCIDENT_LABELS[incident.level] + (incident.reason && incident.level !== 'none' ? ` (${incident.reason})` : '');
}

function edText(status: SiteStatus | null | undefined, siteName: (code: string) => string): string {
  const ed = status?.ed;
  if (!ed) return 'not reported';
  const divert = ed.divertTo.length > 0 && (ed.status === 'divert' || ed.status === 'closed') ? ` to ${ed.divertTo.map(siteName).join(', ')}` : '';
  return ED_LABELS[ed.status] + divert;
}

function metricText(name: MetricName, value: number | undefined): string {
  if (value === undefined) return '—';
  const { unit } = METRIC_LABELS[name];
  return unit === '%' ? `${value}%` : unit ? `${value} ${unit}` : String(value);
}

/**
 * What changed between two statuses of a site, in words, for the change feed.
 * A missing `previous` is treated as a site that had reported nothing.
 */
export function describeChanges(previous: SiteStatus | null | undefined, status: SiteStatus, siteName: (code: string) => string = (code) => code): FeedChange[] {
  const changes: FeedChange[] = [];
  if ((previous?.opel ?? null) !== status.opel) {
    changes.push({ kind: 'pressure', label: 'Pressure', from: opelText(previous?.opel), to: opelText(status.opel) });
  }
  const incidentFrom = incidentText(previous);
  const incidentTo = incidentText(status);
  if (incidentFrom !== incidentTo) changes.push({ kind: 'incident', label: 'Incident', from: incidentFrom, to: incidentTo });
  const edFrom = edText(previous, siteName);
  const edTo = edText(status, siteName);
  if (edFrom !== edTo) changes.push({ kind: 'ed', label: 'A&E', from: edFrom, to: edTo });
  const before = previous?.metrics ?? {};
  const after = status.metrics;
  for (const name of Object.keys(METRIC_LABELS) as MetricName[]) {
    if (before[name] !== after[name] && after[name] !== undefined) {
      changes.push({ kind: 'metrics', label: METRIC_LABELS[name].label, from: metricText(name, before[name]), to: metricText(name, after[name]) });
    }
  }
  if ((previous?.note ?? null) !== status.note) {
    changes.push({ kind: 'note', label: 'Note', from: previous?.note ? 'previous note' : 'none', to: status.note ?? 'removed' });
  }
  if (Boolean(previous?.stale) !== status.stale) {
    changes.push({ kind: 'pressure', label: 'Freshness', from: previous?.stale ? 'stale' : 'up to date', to: status.stale ? 'stale (no recent update)' : 'up to date' });
  }
  return changes;
}

function kindsOf(changes: FeedChange[]): FeedKind[] {
  return [...new Set(changes.map((change) => change.kind))];
}

/** A feed entry for a `status` event; a re-post with nothing new says "status reconfirmed". */
export function feedItemFromStatus(event: StatusEvent, siteName: (code: string) => string = (code) => code): FeedItem {
  const changes = describeChanges(event.previous, event.status, siteName);
  if (changes.length === 0) changes.push({ kind: 'pressure', label: 'Status', from: '', to: 'reconfirmed, no change' });
  return {
    seq: event.seq,
    site: event.site,
    siteName: event.status.name,
    region: event.status.region,
    at: event.status.receivedAt ?? event.status.observedAt ?? new Date().toISOString(),
    actor: event.status.actor,
    changes,
    kinds: kindsOf(changes),
    severity: event.status.severity,
  };
}

/** A feed entry for an `alert` event: raised, acknowledged or ended. */
export function feedItemFromAlert(event: AlertEvent, known: Alert | undefined, site: SiteStatus | undefined): FeedItem {
  const label = ALERT_LABELS[event.kind];
  let change: FeedChange;
  let at = event.raisedAt;
  let actor: string | null = null;
  if (event.endedAt) {
    change = { kind: 'alert', label: 'Alert ended', from: label, to: 'ended' };
    at = event.endedAt;
  } else if (event.acknowledgedAt && !known?.acknowledgedAt) {
    change = { kind: 'alert', label: 'Alert acknowledged', from: label, to: `acknowledged by ${event.acknowledgedBy ?? 'unknown'}` };
    at = event.acknowledgedAt;
    actor = event.acknowledgedBy ?? null;
  } else {
    change = { kind: 'alert', label: 'Alert raised', from: '', to: label };
  }
  return {
    seq: event.seq,
    site: event.site,
    siteName: site?.name ?? event.site,
    region: event.region,
    at,
    actor,
    changes: [change],
    kinds: ['alert'],
    severity: site?.severity ?? 0,
  };
}

/** Adds an item to the front of the feed, newest first, keeping at most `limit`. */
export function prependCapped(feed: readonly FeedItem[], item: FeedItem, limit = FEED_LIMIT): FeedItem[] {
  const next = [item, ...feed];
  if (next.length > limit) next.length = limit;
  return next;
}

export interface FeedFilter {
  region: string | null;
  kinds: ReadonlySet<FeedKind>;
}

export function filterFeed(feed: readonly FeedItem[], filter: FeedFilter): FeedItem[] {
  return feed.filter((item) => (!filter.region || item.region === filter.region) && item.kinds.some((kind) => filter.kinds.has(kind)));
}
