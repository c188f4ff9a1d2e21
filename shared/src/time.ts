import { z } from 'zod';

const zodDateTime = z.iso.datetime({ offset: true });
const DATE_TIME_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * An ISO 8601 date-time with a zone ("Z" or an offset). A well-formed but impossible
 * date (2026-02-30) says so, rather than only that the format is wrong.
 */
export const isoDateTime = z.string().superRefine((value, ctx) => {
  if (DATE_TIME_SHAPE.test(value) && !isRealCalendarDate(value)) {
    ctx.addIssue({ code: 'custom', message: 'is not a real calendar date' });
  } else if (!zodDateTime.safeParse(value).success) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-01-03T09:15:00Z' });
  }
});

function isRealCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Posters' clocks drift; more than this ahead of the server is refused. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
