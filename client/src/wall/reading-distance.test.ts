import { describe, expect, it } from 'vitest';
import { fontPxForArc, heightForArc, pixelsPerMm, readingSetup } from './reading-distance';

describe('wallboard type sizes', () => {
  it('gives the character heights of the guidance at 5 m', () => {
    expect(heightForArc(16, 5)).toBeCloseTo(23.3, 1);
    expect(heightForArc(20, 5)).toBeCloseTo(29.1, 1);
  });

  it('keeps text the same physical size at every resolution of the same screen', () => {
    const at1080 = fontPxForArc(16, 5, 1920, 1080, 55) / 1080;
    const at720 = fontPxForArc(16, 5, 1280, 720, 55) / 720;
    const at2160 = fontPxForArc(16, 5, 3840, 2160, 55) / 2160;
    expect(at720).toBeCloseTo(at1080, 6);
    expect(at2160).toBeCloseTo(at1080, 6);
    // About 51 px (4.75 % of the height) on a 55″ 1080p screen; capitals 23 mm tall.
    expect(fontPxForArc(16, 5, 1920, 1080, 55)).toBeCloseTo(51.3, 0);
    expect((fontPxForArc(16, 5, 1920, 1080, 55) * 0.716) / pixelsPerMm(1920, 1080, 55)).toBeCloseTo(23.3, 1);
  });

  it('reads the distance and screen size from the address, within sense', () => {
    expect(readingSetup(new URLSearchParams('distance=8&screen=75'))).toEqual({ distanceM: 8, diagonalIn: 75 });
    expect(readingSetup(new URLSearchParams('distance=-1&screen=abc'))).toEqual({ distanceM: 5, diagonalIn: 65 });
  });
});
