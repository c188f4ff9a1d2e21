/**
 * Everything on screen is UK local time (Europe/London, across BST changes), while the
 * API speaks UTC ISO strings. These helpers are the only place that converts.
 */
import { londonOffsetMinutes, londonWallClock } from '@pb/shared';

const UK_ZONE = 'Europe/London';

const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: UK_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_ZONE,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});
function toDate(value: string | number | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

function isValid(date: Date): boolean {
  return !Number.isNaN(date.getTime());
}

/** "14:05" in UK time. */
export function formatUkTime(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = toDate(value);
  return isValid(date) ? timeFormat.format(date) : '—';
}

/** "Sat 3 Jan 2026, 09:15 GMT" in UK time. */
export function formatUkDateTime(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = toDate(value);
  return isValid(date) ? dateTimeFormat.format(date) : '—';
}

/** "just now", "5 min ago", "3 h ago", "2 days ago" (or "in 5 min" for a future time). */
export function formatRelative(value: string | number | Date | null | undefined, now: number): string {
  if (value === null || value === undefined) return 'never';
  const date = toDate(value);
  if (!isValid(date)) return 'never';
  const diffSeconds = Math.round((now - date.getTime()) / 1000);
  const future = diffSeconds < 0;
  const seconds = Math.abs(diffSeconds);
  let text: string;
  // Clocks differ a little between poster, server and browser: a time slightly ahead is "just now".
  if (seconds < 45 || (future && seconds < 300)) return 'just now';
  if (seconds < 3600) text = `${Math.max(1, Math.round(seconds / 60))} min`;
  else if (seconds < 86_400) text = `${Math.round(seconds / 3600)} h`;
  else {
    const days = Math.round(seconds / 86_400);
    text = `${days} ${days === 1 ? 'day' : 'days'}`;
  }
  return future ? `in ${text}` : `${text} ago`;
}

/** Minutes UK time is ahead of UTC at this instant (0 in GMT, 60 in BST). */
export const ukOffsetMinutes = londonOffsetMinutes;

const pad = (n: number) => String(n).padStart(2, '0');

/** The value for an `<input type="datetime-local">` showing this instant in UK time. */
export function toUkLocalInput(value: string | number | Date): string {
  const p = londonWallClock(toDate(value).getTime());
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/**
 * Reads a `datetime-local` value as UK wall-clock time and returns the UTC ISO string,
 * or null when it is not a real date-time. In the autumn hour that happens twice the
 * earlier (BST) instant is chosen; a time in the skipped spring hour moves forward.
 */
export function fromUkLocalInput(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wallAsUtc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  // Try the offsets either side of the instant; the first that maps back to the same wall time wins.
  const candidates = [ukOffsetMinutes(wallAsUtc - 3_600_000), ukOffsetMinutes(wallAsUtc + 3_600_000)].sort((a, b) => b - a);
  for (const offset of candidates) {
    const instant = wallAsUtc - offset * 60_000;
    if (ukOffsetMinutes(instant) === offset) return new Date(instant).toISOString();
  }
  return new Date(wallAsUtc - (candidates[candidates.length - 1] ?? 0) * 60_000).toISOString();
}
