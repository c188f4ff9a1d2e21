import { fileURLToPath } from 'node:url';
import { canonicalUpdateSchema, issuesToDetails, type CanonicalUpdateInput, type EdStatus, type IncidentLevel, type Metrics, type Site, type UpdateError } from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { loadPhraseTables, type CompiledPhrase, type PhraseTable } from './phrase-table.js';
import { rejected, type NormaliseResult } from './result.js';
import { resolveDestinations, SiteNameIndex } from './site-names.js';

export { loadPhraseTables, compilePhraseTables, type PhraseTable } from './phrase-table.js';

/** Where the bundled phrase tables live: one JSON file per language. */
export const PHRASE_TABLE_DIR = fileURLToPath(new URL('../../data/phrases/', import.meta.url));

/**
 * Loaded when the workers start, so a broken table stops them with the file's name
 * (STYLE: fail fast) instead of rejecting every text update later.
 */
export const defaultPhraseTable: PhraseTable = loadPhraseTables(PHRASE_TABLE_DIR);

/** Longer free text is not a status message; reading it would only cost time. */
export const MAX_FREE_TEXT_LENGTH = 5_000;

const siteIndexes = new WeakMap<ReferenceData, SiteNameIndex>();

/** The site-name index for `reference`, built once per reference data. */
export function siteNameIndexFor(reference: ReferenceData): SiteNameIndex {
  let index = siteIndexes.get(reference);
  if (!index) {
    index = new SiteNameIndex(reference.sites);
    siteIndexes.set(reference, index);
  }
  return index;
}

/** A phrase found in the text, with what it decides. */
interface Found {
  phrase: CompiledPhrase;
  start: number;
  /** End of the part that competes with other phrases (a trailing {DEST} clause does not). */
  claimEnd: number;
  text: string;
  match: RegExpExecArray;
}

type AxisValue<T> = { value: T; text: string; weak: boolean };

/**
 * Free text (SPEC §6) → one inferred update for `site`. Every phrase of the table is
 * looked for; where two overlap the longer wins ("very busy" over "busy", "critical
 * incident stood down" over "critical incident"); two different meanings on one axis
 * reject the text naming both phrases; text that says nothing recognised is rejected.
 */
export function normaliseFreeText(
  body: unknown,
  site: string | undefined,
  receivedAt: string,
  reference: ReferenceData,
  table: PhraseTable = defaultPhraseTable,
): NormaliseResult {
  if (typeof body !== 'string') return rejected({ message: 'free text must be a string' });
  if (!site) return rejected({ path: 'site', message: 'free text needs the site it is about (?site=)' });
  const text = prepareText(body);
  if (text.trim() === '') return rejected({ message: 'the text is empty' });
  if (text.length > MAX_FREE_TEXT_LENGTH) {
    return rejected({ message: `the text is longer than ${MAX_FREE_TEXT_LENGTH.toLocaleString('en-GB')} characters` });
  }

  const found = chooseLongest(findPhrases(text, table));
  if (!found.some((item) => Object.keys(item.phrase.sets).length > 0)) {
    return rejected({ message: 'no recognised status phrase in the text' });
  }

  const errors: UpdateError[] = [];
  const opel: AxisValue<number>[] = [];
  const incident: AxisValue<IncidentLevel>[] = [];
  const ed: AxisValue<EdStatus>[] = [];
  const metrics = new Map<keyof Metrics, AxisValue<number>[]>();
  const divertTo: Site[] = [];
  const index = siteNameIndexFor(reference);

  for (const item of found) {
    const { sets, weak } = item.phrase;
    const quoted = item.text;
    if (sets.opel !== undefined) {
      const value = typeof sets.opel === 'number' ? sets.opel : readNumber(item, sets.opel.group);
      if (value === undefined) errors.push({ path: 'opel', message: `cannot read a level in "${quoted}"` });
      else if (!Number.isInteger(value) || value < 1 || value > 4) errors.push({ path: 'opel', message: `"${quoted}" is not a level: OPEL is 1–4` });
      else opel.push({ value, text: quoted, weak });
    }
    if (sets.incident) incident.push({ value: sets.incident, text: quoted, weak });
    if (sets.ed) ed.push({ value: sets.ed, text: quoted, weak });
    if (sets.metric) {
      const value = readNumber(item, sets.metric.group);
      if (value === undefined) errors.push({ path: `metrics.${sets.metric.name}`, message: `cannot read a number in "${quoted}"` });
      else metrics.set(sets.metric.name, [...(metrics.get(sets.metric.name) ?? []), { value, text: quoted, weak }]);
    }
    if (sets.divertTo) {
      const destination = item.match[sets.divertTo.group];
      if (destination !== undefined && !isGenericDestination(destination, table)) {
        const resolved = resolveDestinations(destination, index);
        if (resolved.ok) divertTo.push(...resolved.sites);
        else errors.push({ path: 'ed.divertTo', message: `in "${quoted.trim()}": ${resolved.message}` });
      }
    }
  }

  const update: CanonicalUpdateInput = { site, observedAt: receivedAt };
  const chosenOpel = decideAxis('opel', opel, errors);
  if (chosenOpel !== undefined) update.opel = chosenOpel;
  const chosenIncident = decideAxis('incident', incident, errors);
  if (chosenIncident !== undefined) {
    update.incident = { level: chosenIncident };
    const reason = chosenIncident === 'none' ? undefined : findReasons(text, table);
    if (reason) update.incident.reason = reason;
  }
  // A closed A&E diverts its ambulances too: "A&E closed. Ambulances diverted to X" is one state.
  const edValues = ed.some((item) => item.value === 'closed') ? ed.map((item) => (item.value === 'divert' ? { ...item, value: 'closed' as const } : item)) : ed;
  const chosenEd = decideAxis('ed', edValues, errors);
  if (chosenEd !== undefined) {
    update.ed = { status: chosenEd };
    const codes = [...new Set(divertTo.map((destination) => destination.code))];
    if (codes.length > 0 && (chosenEd === 'divert' || chosenEd === 'closed')) update.ed.divertTo = codes;
  }
  const chosenMetrics: Metrics = {};
  for (const [name, values] of metrics) {
    const value = decideAxis(`metrics.${name}`, values, errors);
    if (value !== undefined) chosenMetrics[name] = value;
  }
  if (Object.keys(chosenMetrics).length > 0) update.metrics = chosenMetrics;
  if (errors.length > 0) return rejected(...errors);

  const parsed = canonicalUpdateSchema.safeParse(update);
  if (!parsed.success) {
    return rejected(...issuesToDetails(parsed.error.issues).map((detail) => ({ ...detail, message: `${detail.message} (read from the text)` })));
  }
  return { ok: true, updates: [{ update: { ...parsed.data, observedAt: receivedAt }, source: 'text', inferred: true }] };
}

/** Unicode-normalised, curly quotes straightened, "St. Mary's" read as "St Mary's" so the full stop does not end the clause. */
function prepareText(body: string): string {
  return body
    .normalize('NFKC')
    .replace(/[‘’ʼ]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[‐‑‒–—]/g, '-')
    .replace(/\b(St|Dr|Mt)\.(?=\s)/gi, '$1');
}

function findPhrases(text: string, table: PhraseTable): Found[] {
  const found: Found[] = [];
  for (const phrase of table.phrases) {
    for (const match of phrase.regexes.flatMap((regex) => [...text.matchAll(regex)])) {
      const start = match.index;
      const destinationGroup = phrase.sets.divertTo?.group;
      const destinationStart = destinationGroup !== undefined ? match.indices?.[destinationGroup]?.[0] : undefined;
      const claimEnd = destinationStart ?? start + match[0].length;
      found.push({ phrase, start, claimEnd, text: match[0].trim(), match });
    }
  }
  return found;
}

/** Of overlapping phrases, keeps the longest (then the earliest); returns them in text order. */
function chooseLongest(found: Found[]): Found[] {
  const byLength = [...found].sort((a, b) => b.claimEnd - b.start - (a.claimEnd - a.start) || a.start - b.start);
  const kept: Found[] = [];
  for (const candidate of byLength) {
    if (kept.every((other) => candidate.claimEnd <= other.start || candidate.start >= other.claimEnd)) kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * One value per axis: definite phrases decide; vague ("weak") ones only when nothing
 * definite is said. Two different values at the same strength are a contradiction.
 */
function decideAxis<T extends string | number>(axis: string, values: AxisValue<T>[], errors: UpdateError[]): T | undefined {
  const strong = values.filter((item) => !item.weak);
  const deciding = strong.length > 0 ? strong : values;
  const first = deciding[0];
  if (!first) return undefined;
  const other = deciding.find((item) => item.value !== first.value);
  if (other) {
    errors.push({
      path: axis,
      message: `the text contradicts itself: "${first.text}" means ${describe(axis, first.value)} but "${other.text}" means ${describe(axis, other.value)}`,
    });
    return undefined;
  }
  return first.value;
}

function describe(axis: string, value: string | number): string {
  if (axis === 'opel') return `OPEL ${value}`;
  if (axis === 'incident') return value === 'none' ? 'no incident' : `a ${String(value).replace('_', ' ')} incident`;
  if (axis === 'ed') return `A&E ${String(value).replace('_', ' ')}`;
  return `${axis.replace('metrics.', '')} ${value}`;
}

function readNumber(item: Found, group: number): number | undefined {
  const raw = item.match[group];
  if (raw === undefined) return undefined;
  const word = raw.toLowerCase().replace(/[^\p{L}\p{N}.]+/gu, '-');
  if (/^\d+(\.\d+)?$/.test(word)) return Number(word);
  return item.phrase.numbers.get(word) ?? item.phrase.numbers.get(raw.toLowerCase());
}

function isGenericDestination(destination: string, table: PhraseTable): boolean {
  const words = destination.toLowerCase().trim().split(/[^\p{L}\p{N}]+/u);
  const first = words[0] === 'the' || words[0] === 'a' ? words[1] : words[0];
  return first !== undefined && table.genericDestinations.has(first);
}

function findReasons(text: string, table: PhraseTable): string | undefined {
  const reasons = new Set<string>();
  for (const { regex, reason } of table.reasons) {
    regex.lastIndex = 0;
    if (regex.test(text)) reasons.add(reason);
    regex.lastIndex = 0;
  }
  return reasons.size > 0 ? [...reasons].join(', ').slice(0, 200) : undefined;
}

/**
 * Runs a few texts through every phrase of the table, twice: V8 compiles each regex
 * on its first run and again to machine code on its second, and for a table of this
 * size that takes hundreds of milliseconds. Paid once when a worker starts, not by the
 * first trust to post free text (nor by the live path behind it).
 */
let warmedUp = false;

export function warmUpFreeText(reference: ReferenceData): void {
  const site = reference.sites[0];
  if (warmedUp || !site) return;
  warmedUp = true;
  const texts = [
    `Declared a critical incident; A&E closed, patients diverted to ${site.name}. Waits of up to 11 hours.`,
    'Very busy, OPEL 3; ambulances diverted; business continuity incident stood down.',
  ];
  for (let round = 0; round < 2; round++) for (const text of texts) normaliseFreeText(text, site.code, new Date().toISOString(), reference);
}
