import type { Site } from '@pb/shared';

/**
 * Words that do not tell one hospital from another: "the Royal London" and "Royal
 * London Hospital" are the same place. Kept short on purpose — every word dropped here
 * makes two names more likely to collide, and a collision is rejected, never guessed.
 */
const FILLER_WORDS = new Set(['the', 'hospital', 'hospitals']);

/**
 * Reduces a hospital name to comparable words: lower case, "&" as "and", apostrophes
 * dropped ("St Thomas' " = "St Thomas"), other punctuation as spaces, "Saint" as "St",
 * and without "the"/"hospital".
 */
export function siteNameWords(name: string): string[] {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’‘`]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0 && !FILLER_WORDS.has(word))
    .map((word) => (word === 'saint' ? 'st' : word));
}

interface IndexedSite {
  site: Site;
  words: string[];
  key: string;
}

/** Reference site names, indexed once for the two kinds of lookup below. */
export class SiteNameIndex {
  readonly #sites: IndexedSite[];
  readonly #byKey = new Map<string, Site[]>();
  readonly #byCode: Map<string, Site>;

  constructor(sites: readonly Site[]) {
    this.#sites = sites.map((site) => {
      const words = siteNameWords(site.name);
      return { site, words, key: words.join(' ') };
    });
    for (const entry of this.#sites) {
      const list = this.#byKey.get(entry.key) ?? [];
      list.push(entry.site);
      this.#byKey.set(entry.key, list);
    }
    this.#byCode = new Map(sites.map((site) => [site.code, site]));
  }

  /** Sites whose whole name equals `name` once both are reduced (EDXL-HAVE matching). */
  exact(name: string): Site[] {
    return this.#byKey.get(siteNameWords(name).join(' ')) ?? [];
  }

  siteByCode(code: string): Site | undefined {
    return this.#byCode.get(code.toUpperCase());
  }

  /**
   * Sites that `words` could mean: a whole-name match first; otherwise every site whose
   * name contains `words` as a run ("Lewisham" → "University Hospital Lewisham").
   */
  candidates(words: readonly string[]): Site[] {
    if (words.length === 0) return [];
    const key = words.join(' ');
    const exact = this.#byKey.get(key);
    if (exact) return exact;
    if (words.length === 1 && /^[a-z0-9]{5}$/.test(key)) {
      const byCode = this.#byCode.get(key.toUpperCase());
      if (byCode) return [byCode];
    }
    return this.#sites.filter((entry) => containsRun(entry.words, words)).map((entry) => entry.site);
  }
}

function containsRun(haystack: readonly string[], needle: readonly string[]): boolean {
  outer: for (let start = 0; start + needle.length <= haystack.length; start += 1) {
    for (let offset = 0; offset < needle.length; offset += 1) {
      if (haystack[start + offset] !== needle[offset]) continue outer;
    }
    return true;
  }
  return false;
}

/** Words that join destinations in "diverted to Worthing and St Richard's". */
const LIST_SEPARATORS = new Set(['and', 'or']);

export type DestinationResult =
  | { ok: true; sites: Site[] }
  | { ok: false; message: string };

/**
 * Reads the hospitals named at the start of `text` ("Queen Alexandra Hospital due to
 * flooding" → Queen Alexandra). At each position the longest run of words that names any
 * site is taken; it must name exactly one. Further destinations may follow after "and",
 * "or" or a comma; anything else ends the list. Unknown or ambiguous → a reason.
 */
export function resolveDestinations(text: string, index: SiteNameIndex): DestinationResult {
  // Commas separate destinations; keep them as their own word so they can be told apart.
  const words = siteNameWords(text.replace(/,/g, ' comma ')).slice(0, 40);
  const sites: Site[] = [];
  let position = 0;
  while (position < words.length) {
    const found = longestMatch(words, position, index);
    if (!found) {
      if (sites.length === 0) return { ok: false, message: `no reference site is called "${text.trim()}"` };
      break;
    }
    if (found.sites.length > 1) {
      const names = found.sites.map((site) => `${site.name} (${site.code})`).join(', ');
      return { ok: false, message: `"${found.words.join(' ')}" could mean more than one site: ${names}` };
    }
    sites.push(found.sites[0]!);
    position = found.end;
    let separated = false;
    while (position < words.length && (words[position] === 'comma' || LIST_SEPARATORS.has(words[position]!))) {
      position += 1;
      separated = true;
    }
    if (!separated) break;
  }
  return { ok: true, sites: [...new Map(sites.map((site) => [site.code, site])).values()] };
}

function longestMatch(words: readonly string[], start: number, index: SiteNameIndex): { sites: Site[]; end: number; words: string[] } | undefined {
  for (let end = Math.min(words.length, start + 8); end > start; end -= 1) {
    const run = words.slice(start, end);
    if (run.includes('comma')) continue;
    // A lone joining word ("and", "of") is never a hospital's name.
    if (run.length === 1 && ['and', 'of', 'or', 'to', 'in', 'at', 'st', 'for'].includes(run[0]!)) continue;
    const sites = index.candidates(run);
    if (sites.length > 0) return { sites, end, words: run };
  }
  return undefined;
}
