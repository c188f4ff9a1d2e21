/**
 * Everything on screen is UK local time (Europe/London, across BST changes), while the
 * API speaks UTC ISO strings. These helpers are the only place that converts.
 */
import { londonWallClock, parseLondonLocal } from '@pb/shared';

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

const pad = (n: number) => String(n).padStart(2, '0');

/** The value for an `<input type="datetime-local">` showing this instant in UK time. */
export function toUkLocalInput(value: string | number | Date): string {
  const p = londonWallClock(toDate(value).getTime());
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/**
 * Reads a `datetime-local` value as UK wall-clock time and returns the UTC ISO string,
 * or null when it is not a real date-time. The shared conversion decides the clock
 * changes: the repeated autumn hour is its earlier (BST) instant, a time in the skipped
 * spring hour moves forward.
 */
export function fromUkLocalInput(value: string): string | null {
  const instant = parseLondonLocal(value);
  return instant === null ? null : new Date(instant).toISOString();
}
