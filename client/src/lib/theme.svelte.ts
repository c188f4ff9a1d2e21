/**
 * Light or night view. The board follows the device (`prefers-color-scheme`) until
 * someone picks a theme with the switch; the choice is kept in this browser. The
 * chosen theme is written to `<html data-theme>`, which the colour variables in
 * `app.css` key on, so every page changes at once.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'pb-theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

function readChoice(): ThemeChoice {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    // Storage can be blocked (private windows, policies): follow the device.
    return 'system';
  }
}

class ThemeManager {
  #choice = $state<ThemeChoice>(readChoice());
  #systemDark = $state(false);

  constructor() {
    const query = window.matchMedia(DARK_QUERY);
    this.#systemDark = query.matches;
    query.addEventListener('change', (event) => {
      this.#systemDark = event.matches;
      this.#apply();
    });
    this.#apply();
  }

  /** What the person chose: a theme, or the device's. */
  get choice(): ThemeChoice {
    return this.#choice;
  }

  /** The theme on screen. */
  get theme(): Theme {
    return this.#choice === 'system' ? (this.#systemDark ? 'dark' : 'light') : this.#choice;
  }

  choose(choice: ThemeChoice): void {
    this.#choice = choice;
    try {
      if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
      else localStorage.setItem(STORAGE_KEY, choice);
    } catch {
      // Not kept; the choice still holds for this page.
    }
    this.#apply();
  }

  /** Switches between light and dark (the switch in the board's header). */
  toggle(): void {
    this.choose(this.theme === 'dark' ? 'light' : 'dark');
  }

  #apply(): void {
    document.documentElement.dataset.theme = this.theme;
  }
}

export const theme = new ThemeManager();
