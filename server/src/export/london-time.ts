/** UK local time for exports (SPEC §7: shown in Europe/London across BST changes). */
const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/**
 * An instant as London wall-clock time with its offset, e.g. `2026-07-03T10:15:00+01:00`:
 * local to read, and still unambiguous in the repeated hour of late October.
 * Returns '' for a missing or unreadable time.
 */
export function toLondonIso(iso: string | null | undefined): string {
  if (!iso) return '';
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) return '';
  const whole = Math.floor(instant / 1000) * 1000;
  const parts = Object.fromEntries(partsFormat.formatToParts(new Date(whole)).map((part) => [part.type, part.value]));
  const local = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  const offsetMinutes = Math.round((Date.parse(`${local}Z`) - whole) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offsetMinutes) % 60).padStart(2, '0');
  return `${local}${sign}${hours}:${minutes}`;
}
