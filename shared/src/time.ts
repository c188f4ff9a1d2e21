import { z } from 'zod';

/**
 * An ISO 8601 date-time with a zone ("Z" or an offset). zod's pattern accepts
 * 2026-02-30, so the calendar date is checked as well: impossible dates are invalid.
 */
export const isoDateTime = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-01-03T09:15:00Z' })
  // `when`: only once the format itself is right, so one bad value gets one message.
  .refine(isRealCalendarDate, { message: 'is not a real calendar date', when: (payload) => payload.issues.length === 0 });

function isRealCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Posters' clocks drift; more than this ahead of the server is refused. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
