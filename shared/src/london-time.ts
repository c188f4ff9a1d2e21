/**
 * UK local time (Europe/London) ↔ UTC: the one conversion the server, the workers and the
 * board all use. The offset of each date (GMT in winter, BST in summer) comes from the
 * platform's time-zone data rather than a hand-written rule.
 *
 * A wall-clock time that does not name exactly one instant is resolved one way everywhere,
 * the way `Temporal`'s default (`disambiguation: 'compatible'`) and RFC 5545 resolve it:
 * - **repeated autumn hour** (last Sunday of October, 01:00–01:59 happens twice): the
 *   **earlier** instant, still BST (`2026-10-25T01:30` → `00:30Z`, not `01:30Z`);
 * - **skipped spring hour** (last Sunday of March, 01:00–01:59 never happens): moved
 *   **forward** by the length of the gap (`2026-03-29T01:30` → `02:30` BST = `01:30Z`).
 */
const LONDON = 'Europe/London';

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A date and time on a London wall clock; `month` 1–12. */
export interface LondonWallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock date and time in London at `instant` (whole seconds). */
export function londonWallClock(instant: number): LondonWallClock {
  const parts = Object.fromEntries(partsFormat.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** London's offset from UTC at `instant`, in minutes (0 in GMT, 60 in BST). */
export function londonOffsetMinutes(instant: number): number {
  const wall = londonWallClock(instant);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** Whether the parts name a real calendar date and a time of day (00:00:00–23:59:59). */
function isRealWallClock(wall: LondonWallClock): boolean {
  const { year, month, day, hour, minute, second } = wall;
  if (![year, month, day, hour, minute, second].every(Number.isInteger)) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The instant (ms since the epoch) a London wall-clock time names, or null when the parts
 * are not a real date and time. The repeated autumn hour gives the earlier (BST) instant;
 * a time in the skipped spring hour is moved forward by the gap (see the module comment).
 *
 * @example londonWallClockToInstant({ year: 2026, month: 7, day: 3, hour: 10, minute: 15, second: 0 }) // Date.parse('2026-07-03T09:15:00Z')
 */
export function londonWallClockToInstant(wall: LondonWallClock): number | null {
  if (!isRealWallClock(wall)) return null;
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  // London's offset is the same on both sides of a wall time except across a change,
  // and the changes are weeks apart: the offsets a day either side are the only candidates.
  const before = londonOffsetMinutes(asUtc - 86_400_000);
  const after = londonOffsetMinutes(asUtc + 86_400_000);
  // Larger offset first: the larger offset gives the earlier instant.
  const candidates = before >= after ? [before, after] : [after, before];
  for (const offset of candidates) {
    const instant = asUtc - offset * 60_000;
    if (londonOffsetMinutes(instant) === offset) return instant;
  }
  // No offset maps back: the time was skipped. Read it with the offset in force before
  // the gap, which lands the same distance past the change (01:30 → 02:30 BST).
  return asUtc - before * 60_000;
}

/**
 * `date` (YYYY-MM-DD) at `hour`:`minute` London time as an ISO UTC string without
 * milliseconds (`2023-06-01T07:00:00Z`), or undefined for a date that does not exist.
 */
export function londonLocalToUtc(date: string, hour: number, minute: number): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!match) return undefined;
  const instant = londonWallClockToInstant({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]), hour, minute, second: 0 });
  return instant === null ? undefined : new Date(instant).toISOString().replace('.000Z', 'Z');
}

/**
 * Reads `YYYY-MM-DDTHH:MM` or `YYYY-MM-DDTHH:MM:SS` (an `<input type="datetime-local">`
 * value) as London wall-clock time; the instant in ms, or null when it is not a real
 * date and time.
 */
export function parseLondonLocal(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  return londonWallClockToInstant({ year, month, day, hour, minute, second });
}

/**
 * An ISO instant as London local time with its offset, e.g. 2026-07-03T10:15:00+01:00:
 * local to read, and still unambiguous in the repeated hour of late October.
 * Returns '' for a missing or unreadable time.
 */
export function toLondonIso(iso: string | null | undefined): string {
  if (!iso) return '';
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return '';
  const offset = londonOffsetMinutes(instant);
  const local = new Date(Math.floor(instant / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset >= 0 ? '+' : '-';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${local}${sign}${hours}:${minutes}`;
}
