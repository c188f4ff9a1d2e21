/**
 * Type sizes for a wallboard read from across a room.
 *
 * Guidance used: ISO 9241-303 (ex ISO 9241-3) and NUREG-0700 §1.3.1-4 / §11 (large
 * group-view displays): character height at least 16 minutes of arc at the furthest
 * viewing distance, 20–22′ preferred; the FAA's rule of thumb (1/200 of the distance,
 * about 17′) agrees. WCAG 2.2 sets no viewing distance; it sets the contrast (1.4.3 AA,
 * 4.5:1, 3:1 for large text; 1.4.11, 3:1 for graphics), which the wallboard's dark theme
 * meets. NHS guidance has no figure for wall displays; the NHS typeface stack (Arial)
 * is kept.
 *
 * Character height is the height of a capital letter; Arial's is 0.716 of its font
 * size. The physical size of a CSS pixel comes from the screen's diagonal (default 65″,
 * see below) and the window's shape, so the same text is the same
 * size in millimetres at 1280×720 and at 3840×2160.
 */

/** Minimum character height: 16 minutes of arc (ISO 9241-303, NUREG-0700). */
export const MIN_ARC_MINUTES = 16;
/** Preferred character height for headings and the figures that matter most. */
export const PREFERRED_ARC_MINUTES = 20;
/** Arial's capital height as a fraction of its font size. */
export const CAP_HEIGHT_EM = 0.716;

export const DEFAULT_DISTANCE_M = 5;
/**
 * A 65″ screen by default: at 5 m that is about six times the picture height, the
 * furthest AVIXA's DISCAS puts a viewer who must read what is on it. Set `?screen=` to
 * the real diagonal (a 55″ screen gets larger text; a bigger one fits more rows).
 */
export const DEFAULT_DIAGONAL_IN = 65;

/** The height in millimetres that subtends `arcMinutes` at `distanceM` metres. */
export function heightForArc(arcMinutes: number, distanceM: number): number {
  const radians = (arcMinutes / 60) * (Math.PI / 180);
  return 2 * distanceM * 1000 * Math.tan(radians / 2);
}

/** CSS pixels per millimetre on a screen of `diagonalIn` inches showing a `width`×`height` window full screen. */
export function pixelsPerMm(width: number, height: number, diagonalIn: number): number {
  const diagonalMm = diagonalIn * 25.4;
  return Math.hypot(width, height) / diagonalMm;
}

/** The font size (CSS px) whose capitals subtend `arcMinutes` at `distanceM` on that screen. */
export function fontPxForArc(arcMinutes: number, distanceM: number, width: number, height: number, diagonalIn: number): number {
  return (heightForArc(arcMinutes, distanceM) / CAP_HEIGHT_EM) * pixelsPerMm(width, height, diagonalIn);
}

/** Reads `?distance=` (metres, 1–30) and `?screen=` (diagonal inches, 20–200) with the defaults. */
export function readingSetup(params: URLSearchParams): { distanceM: number; diagonalIn: number } {
  const number = (name: string, min: number, max: number, fallback: number) => {
    const value = Number(params.get(name));
    return Number.isFinite(value) && value >= min && value <= max ? value : fallback;
  };
  return { distanceM: number('distance', 1, 30, DEFAULT_DISTANCE_M), diagonalIn: number('screen', 20, 200, DEFAULT_DIAGONAL_IN) };
}
