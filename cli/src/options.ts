import { InvalidArgumentError } from '@commander-js/extra-typings';
import { isRegionCode, REGION_CODES } from '@pb/shared';

/** Commander parser for `A,B` (repeatable: `--x A --x B,C` collects all), upper-cased as the board does. */
export function commaList(value: string, previous: string[] = []): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim().toUpperCase())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('give at least one code');
  return [...previous, ...items];
}

/** Commander parser for region codes (`--region Y56 --region Y61` or `--region Y56,Y61`). */
export function regionList(value: string, previous: string[] = []): string[] {
  const codes = commaList(value, []);
  const unknown = codes.filter((code) => !isRegionCode(code));
  if (unknown.length) throw new InvalidArgumentError(`unknown region ${unknown.join(', ')}; the regions are ${REGION_CODES.join(', ')}`);
  return [...previous, ...codes];
}
