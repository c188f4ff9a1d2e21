/**
 * UK local time (Europe/London) ↔ UTC, with the real offset of each date (GMT in winter,
 * BST in summer) taken from the platform's time-zone data rather than a hand-written rule.
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

/** The wall-clock date and time in London at `instant` (whole seconds). */
export function londonWallClock(instant: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
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

/** London's offset from UTC at `instant`, in minutes (0 or 60). */
export function londonOffsetMinutes(instant: number): number {
  const wall = londonWallClock(instant);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/**
 * `date` (YYYY-MM-DD) at `hour`:`minute` London time as an ISO UTC string, or undefined
 * for a date that does not exist. Hours clear of 01:00–02:00 are never ambiguous.
 */
export function londonLocalToUtc(date: string, hour: number, minute: number): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const wallClock = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(wallClock);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  // First guess with the offset at the wall-clock instant, then correct once with the offset at the result.
  let instant = wallClock - londonOffsetMinutes(wallClock) * 60_000;
  instant = wallClock - londonOffsetMinutes(instant) * 60_000;
  return new Date(instant).toISOString().replace('.000Z', 'Z');
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
