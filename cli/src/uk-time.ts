import { londonWallClock } from '@pb/shared';

const two = (value: number) => String(value).padStart(2, '0');

/**
 * A time as a London wall clock reads it (GMT or BST, as the board shows times):
 * `09:15:02` today, `2026-01-03 09:15:02` on another day; '—' when missing.
 */
export function londonClock(iso: string | null | undefined, now = Date.now()): string {
  const instant = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(instant)) return '—';
  const wall = londonWallClock(instant);
  const today = londonWallClock(now);
  const time = `${two(wall.hour)}:${two(wall.minute)}:${two(wall.second)}`;
  if (wall.year === today.year && wall.month === today.month && wall.day === today.day) return time;
  return `${wall.year}-${two(wall.month)}-${two(wall.day)} ${time}`;
}

/** A date and time to the minute in London, e.g. `2026-01-03 09:15`; '—' when missing. */
export function londonMinute(iso: string | null | undefined): string {
  const instant = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(instant)) return '—';
  const wall = londonWallClock(instant);
  return `${wall.year}-${two(wall.month)}-${two(wall.day)} ${two(wall.hour)}:${two(wall.minute)}`;
}
