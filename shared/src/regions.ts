/** NHS England regions, keyed by the region code that `?region=` and key scopes use. */
export const REGIONS = {
  Y56: 'London',
  Y59: 'South East',
  Y58: 'South West',
  Y60: 'Midlands',
  Y61: 'East of England',
  Y62: 'North West',
  Y63: 'North East and Yorkshire',
} as const;

export type RegionCode = keyof typeof REGIONS;
export const REGION_CODES = Object.keys(REGIONS) as RegionCode[];

export function isRegionCode(value: string): value is RegionCode {
  return Object.hasOwn(REGIONS, value);
}
