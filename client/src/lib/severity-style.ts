import { severityWords, type SiteStatus } from '@pb/shared';

/**
 * Severity is carried three ways at once — colour, shape and text — so it never
 * depends on colour vision. Colours are from the Okabe–Ito palette; unknown and stale
 * are grey (stale is also hatched), never green.
 */
export interface SeverityStyle {
  fill: string;
  text: string;
  shape: 'circle' | 'square' | 'diamond' | 'triangle';
  /** The short text inside a marker. */
  glyph: string;
  label: string;
}

export const SEVERITY_STYLES: Record<0 | 1 | 2 | 3 | 4, SeverityStyle> = {
  0: { fill: '#b3b3b3', text: '#000000', shape: 'circle', glyph: '?', label: 'Unknown' },
  1: { fill: '#009e73', text: '#000000', shape: 'circle', glyph: '1', label: 'OPEL 1 steady' },
  2: { fill: '#f0e442', text: '#000000', shape: 'square', glyph: '2', label: 'OPEL 2 moderate' },
  3: { fill: '#e69f00', text: '#000000', shape: 'diamond', glyph: '3', label: 'OPEL 3 severe' },
  4: { fill: '#d55e00', text: '#000000', shape: 'triangle', glyph: '4', label: 'OPEL 4 extreme' },
};

export const STALE_STYLE = { fill: 'url(#pb-stale-hatch)', text: '#000000' } as const;

export function severityStyle(severity: number): SeverityStyle {
  return SEVERITY_STYLES[Math.min(4, Math.max(0, Math.round(severity))) as 0 | 1 | 2 | 3 | 4];
}

/** The accessible name of a site everywhere it appears (SPEC §10). */
export function siteAccessibleName(status: SiteStatus): string {
  return `${status.name}: ${severityWords(status)}`;
}

/**
 * The SVG path of a marker shape of radius `r`, centred on `cx`,`cy` (0,0 unless given).
 * Drawing at the centre rather than through a `transform` keeps thousands of markers in
 * one paint chunk: each transform is a node the browser must layer and composite.
 */
export function markerPath(shape: SeverityStyle['shape'], r: number, cx = 0, cy = 0): string {
  const x = (dx: number) => +(cx + dx).toFixed(2);
  const y = (dy: number) => +(cy + dy).toFixed(2);
  switch (shape) {
    case 'circle':
      return `M ${x(-r)} ${y(0)} A ${r} ${r} 0 1 0 ${x(r)} ${y(0)} A ${r} ${r} 0 1 0 ${x(-r)} ${y(0)} Z`;
    case 'square': {
      const s = r * 0.9;
      return `M ${x(-s)} ${y(-s)} H ${x(s)} V ${y(s)} H ${x(-s)} Z`;
    }
    case 'diamond': {
      const d = r * 1.25;
      return `M ${x(0)} ${y(-d)} L ${x(d)} ${y(0)} L ${x(0)} ${y(d)} L ${x(-d)} ${y(0)} Z`;
    }
    case 'triangle': {
      const t = r * 1.35;
      return `M ${x(0)} ${y(-t)} L ${x(t)} ${y(t * 0.75)} L ${x(-t)} ${y(t * 0.75)} Z`;
    }
  }
}

/** Short badge texts for a marker's incident and A&E state. */
export function incidentBadge(status: SiteStatus): string | null {
  switch (status.incident?.level) {
    case 'critical':
      return 'CI';
    case 'major':
      return 'MI';
    case 'business_continuity':
      return 'BC';
    default:
      return null;
  }
}

export function edBadge(status: SiteStatus): string | null {
  switch (status.ed?.status) {
    case 'divert':
      return 'D';
    case 'closed':
      return 'X';
    case 'advisory':
      return 'A';
    default:
      return null;
  }
}
