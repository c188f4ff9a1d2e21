import { fontPxForArc, MIN_ARC_MINUTES, PREFERRED_ARC_MINUTES } from './reading-distance';

/**
 * The wallboard's screen: its size, whether it stands portrait, and the type sizes that
 * are readable from the viewing distance on it (see `reading-distance.ts`). Follows the
 * window as it is resized or the screen is turned.
 */
export class WallScreen {
  #width = $state(window.innerWidth);
  #height = $state(window.innerHeight);
  readonly #distanceM: number;
  readonly #diagonalIn: number;

  constructor(distanceM: number, diagonalIn: number) {
    this.#distanceM = distanceM;
    this.#diagonalIn = diagonalIn;
  }

  get width(): number {
    return this.#width;
  }

  get height(): number {
    return this.#height;
  }

  get portrait(): boolean {
    return this.#height > this.#width;
  }

  /** The smallest text on the wall: capitals of 16′ at the viewing distance. */
  get textPx(): number {
    return fontPxForArc(MIN_ARC_MINUTES, this.#distanceM, this.#width, this.#height, this.#diagonalIn);
  }

  /** Headings and key figures: capitals of 20′. */
  get largePx(): number {
    return fontPxForArc(PREFERRED_ARC_MINUTES, this.#distanceM, this.#width, this.#height, this.#diagonalIn);
  }

  /** Follows the window; returns what stops following it. Call from an `$effect`. */
  watch(): () => void {
    const update = () => {
      this.#width = window.innerWidth;
      this.#height = window.innerHeight;
    };
    window.addEventListener('resize', update);
    update();
    return () => window.removeEventListener('resize', update);
  }
}
