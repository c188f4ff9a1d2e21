import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ED_STATUSES, INCIDENT_LEVELS, METRIC_NAMES, type EdStatus, type IncidentLevel, type MetricName } from '@pb/shared';

/*
 * The free-text phrase table is data (SPEC §6): `workers/data/phrases/<language>.json`,
 * one file per language, every file loaded. A file looks like
 *
 *   {
 *     "language": "en",
 *     "numbers": {"one": 1, "two": 2},               // words {NUM} also accepts
 *     "genericDestinations": ["other", "nearby"],    // "diverted to other hospitals": no site named
 *     "reasons": [{"phrases": ["industrial action", "strike"], "reason": "industrial action"}],
 *     "entries": [
 *       {"id": "en.busy", "phrases": ["busy"], "sets": {"opel": 2}, "weak": true},
 *       {"id": "en.opel-n", "pattern": "opel{_?}(?:level{_})?{NUM}", "sets": {"opel": {"group": 1}}},
 *       {"id": "en.ed-closed-diverted", "phrases": ["(a&e|ed) closed, patients diverted to {DEST}"],
 *        "sets": {"ed": "closed", "divertTo": {"group": 1}}},
 *       {"id": "en.waits", "phrases": ["waits of up to {NUM} hours"],
 *        "sets": {"metric": {"name": "longestWaitHours", "group": 1}}}
 *     ]
 *   }
 *
 * `phrases` are forgiving: case never matters, any run of spaces or punctuation (but not a
 * sentence end) joins two words, an apostrophe or hyphen inside a word is optional, "&"
 * also reads "and", "%" also reads "per cent". `(a|b)` is a choice, `[a|b]` an optional
 * choice. `pattern` is a JavaScript regular expression (flags `iu`) for what phrases cannot
 * say. Both may use {NUM} (a capture group: digits or a number word), {DEST} (a capture
 * group: the rest of the clause, read as site names; it ends a phrase), and patterns also
 * {_} (one or more joining characters) and {_?} (zero or more). Groups are numbered as in
 * the final regex.
 *
 * Phrases compile to regexes that run in linear time: no two neighbouring pieces can both
 * match the same joining character, so a long run of spaces or marks is read one way only
 * (a backtracking engine would otherwise try every way to split it between them).
 *
 * `sets` names the axes a phrase decides: `opel` (1–4 or a group), `incident`, `ed`,
 * `divertTo` (a {DEST} group), `metric` ({name, group}). An entry with empty `sets` means
 * "recognised, says nothing" and only hides the shorter phrases it covers (e.g. "has not
 * declared a critical incident"). `weak: true` marks vague words ("busy") that give way
 * to a definite phrase on the same axis instead of contradicting it.
 */

const group = z.strictObject({ group: z.number().int().min(1) });

const setsSchema = z.strictObject({
  opel: z.union([z.number().int().min(1).max(4), group]).optional(),
  incident: z.enum(INCIDENT_LEVELS).optional(),
  ed: z.enum(ED_STATUSES).optional(),
  divertTo: group.optional(),
  metric: z.strictObject({ name: z.enum(METRIC_NAMES as [MetricName, ...MetricName[]]), group: z.number().int().min(1) }).optional(),
});

const entrySchema = z
  .strictObject({
    id: z.string().min(1),
    phrases: z.array(z.string().trim().min(1)).min(1).optional(),
    pattern: z.string().min(1).optional(),
    sets: setsSchema,
    weak: z.boolean().optional(),
    comment: z.string().optional(),
  })
  .refine((entry) => (entry.phrases === undefined) !== (entry.pattern === undefined), {
    message: 'give exactly one of "phrases" or "pattern"',
  })
  .refine((entry) => entry.sets.divertTo === undefined || entry.sets.ed === 'divert' || entry.sets.ed === 'closed', {
    message: '"divertTo" only goes with "ed": "divert" or "closed"',
  });

export const phraseTableFileSchema = z.strictObject({
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, 'must be a language tag such as "en" or "cy"'),
  description: z.string().optional(),
  numbers: z.record(z.string().regex(/^[\p{L}\s-]+$/u, 'must be a word'), z.number().int().nonnegative()).default({}),
  genericDestinations: z.array(z.string().min(1)).default([]),
  reasons: z.array(z.strictObject({ phrases: z.array(z.string().trim().min(1)).min(1), reason: z.string().trim().min(1).max(200) })).default([]),
  entries: z.array(entrySchema).min(1),
});
export type PhraseTableFile = z.infer<typeof phraseTableFileSchema>;

export type PhraseSets = z.infer<typeof setsSchema>;

/** One compiled entry: its regex and what it decides. */
export interface CompiledPhrase {
  id: string;
  file: string;
  /** One regex per phrase, so each phrase numbers its groups from 1. */
  regexes: RegExp[];
  sets: PhraseSets;
  weak: boolean;
  numbers: ReadonlyMap<string, number>;
}

export interface CompiledReason {
  regex: RegExp;
  reason: string;
}

export interface PhraseTable {
  phrases: CompiledPhrase[];
  reasons: CompiledReason[];
  genericDestinations: ReadonlySet<string>;
  languages: string[];
}

/** Characters that may join two words of a phrase: anything but letters, digits and a sentence end. */
const JOIN = String.raw`[^\p{L}\p{N}.!?;\n]`;
const SEP = `${JOIN}+`;
const SEP_OPTIONAL = `${JOIN}*`;
/** Joining characters other than "&", around an "&": the run before the "&" then ends at it, one way only. */
const JOIN_BUT_AMPERSAND = String.raw`[^\p{L}\p{N}.!?;\n&]`;
/** "&" (or "and") between two words, taking the joining characters on both sides itself. */
const AMPERSAND_BETWEEN = `(?:${JOIN_BUT_AMPERSAND}*&${JOIN_BUT_AMPERSAND}*|${JOIN_BUT_AMPERSAND}+and${JOIN_BUT_AMPERSAND}+)`;
/** "&" (or "and") at the edge of a phrase or choice, where its neighbours add the joins. */
const AMPERSAND_ALONE = '(?:&|and)';
/** "%" after a number or word (optionally spaced), or alone. */
const PERCENT_AFTER = String.raw`\s*(?:%|per\s*cent|percent)`;
const PERCENT_ALONE = String.raw`(?:%|per\s*cent|percent)`;
/** A clause after "diverted to": up to a sentence end. */
const DEST = String.raw`([^.!?;\n]+)`;
const BEFORE = String.raw`(?<![\p{L}\p{N}])`;
const AFTER = String.raw`(?![\p{L}\p{N}])`;

/** Reads every `*.json` in `dir` (sorted, so the order is stable) and compiles them. Throws naming the file. */
export function loadPhraseTables(dir: string): PhraseTable {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new Error(`Cannot read the phrase tables in ${dir}: ${(error as Error).message}`);
  }
  if (names.length === 0) throw new Error(`No phrase tables (*.json) in ${dir}`);
  return compilePhraseTables(
    names.map((name) => {
      const path = join(dir, name);
      let content: unknown;
      try {
        content = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        throw new Error(`Invalid phrase table ${path}: ${(error as Error).message}`);
      }
      return { file: path, content };
    }),
  );
}

/** Validates and compiles phrase tables already read; throws naming the file and the entry. */
export function compilePhraseTables(files: { file: string; content: unknown }[]): PhraseTable {
  const table: PhraseTable = { phrases: [], reasons: [], genericDestinations: new Set(), languages: [] };
  const ids = new Map<string, string>();
  const generic = new Set<string>();
  for (const { file, content } of files) {
    const parsed = phraseTableFileSchema.safeParse(content);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ');
      throw new Error(`Invalid phrase table ${file}: ${problems}`);
    }
    const data = parsed.data;
    table.languages.push(data.language);
    const numbers = new Map(Object.entries(data.numbers).map(([word, value]) => [word.toLowerCase(), value]));
    const num = numberGroup([...numbers.keys()]);
    for (const entry of data.entries) {
      const where = `Invalid phrase table ${file}: entry "${entry.id}"`;
      const earlier = ids.get(entry.id);
      if (earlier) throw new Error(`${where} has the same id as an entry in ${earlier}`);
      ids.set(entry.id, file);
      const sources = entry.phrases ? entry.phrases.map((phrase) => compilePhrase(phrase, num, where)) : [expandPattern(entry.pattern!, num)];
      const regexes = sources.map((source, index) => {
        const regex = buildRegex([source], entry.phrases ? `${where}, phrase ${index + 1}` : where);
        checkGroups(regex, entry.sets, entry.phrases ? `${where}, phrase "${entry.phrases[index]}"` : where);
        return regex;
      });
      table.phrases.push({ id: entry.id, file, regexes, sets: entry.sets, weak: entry.weak ?? false, numbers });
    }
    for (const [index, reason] of data.reasons.entries()) {
      const where = `Invalid phrase table ${file}: reasons[${index}]`;
      table.reasons.push({ regex: buildRegex(reason.phrases.map((phrase) => compilePhrase(phrase, num, where)), where), reason: reason.reason });
    }
    for (const word of data.genericDestinations) generic.add(word.toLowerCase());
  }
  table.genericDestinations = generic;
  return table;
}

function numberGroup(words: string[]): string {
  const alternatives = [String.raw`\d+(?:\.\d+)?`, ...words.sort((a, b) => b.length - a.length).map((word) => compileWord(word))];
  return `(${alternatives.join('|')})`;
}

function expandPattern(pattern: string, num: string): string {
  return pattern.replaceAll('{NUM}', num).replaceAll('{DEST}', DEST).replaceAll('{_?}', SEP_OPTIONAL).replaceAll('{_}', SEP);
}

function buildRegex(sources: string[], where: string): RegExp {
  const source = `${BEFORE}(?:${sources.map((part) => `(?:${part})`).join('|')})${AFTER}`;
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'giud');
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
  if (new RegExp(source, 'iu').test('')) throw new Error(`${where}: matches empty text`);
  return regex;
}

function checkGroups(regex: RegExp, sets: PhraseSets, where: string): void {
  const groups = new RegExp(`${regex.source}|`, 'u').exec('')!.length - 1;
  const used = [
    typeof sets.opel === 'object' ? sets.opel.group : undefined,
    sets.divertTo?.group,
    sets.metric?.group,
  ].filter((value): value is number => value !== undefined);
  for (const index of used) {
    if (index > groups) throw new Error(`${where}: refers to group ${index} but has only ${groups}`);
  }
  if (Object.keys(sets).length === 0 && used.length > 0) throw new Error(`${where}: groups without axes`);
}

/**
 * Phrase mini-language → regex source. Words are joined by SEP; `(a|b)` is a choice and
 * `[a|b]` an optional choice; {NUM} and {DEST} are capture groups; "&" and "%" are pieces of
 * their own that bring their own joins.
 */
function compilePhrase(phrase: string, num: string, where: string): string {
  const tokens = tokenizePhrase(phrase);
  const destination = tokens.indexOf('{DEST}');
  // {DEST} takes the rest of the clause; anything after it would compete for the same characters.
  if (destination !== -1 && destination !== tokens.length - 1) throw new Error(`${where}: {DEST} must end the phrase "${phrase}"`);
  let position = 0;
  const parseSequence = (): Part[] => {
    const parts: Part[] = [];
    while (position < tokens.length) {
      const token = tokens[position]!;
      if (token === ')' || token === ']' || token === '|') break;
      position += 1;
      if (token === '(' || token === '[') {
        const close = token === '(' ? ')' : ']';
        const alternatives = [joinParts(parseSequence())];
        while (tokens[position] === '|') {
          position += 1;
          alternatives.push(joinParts(parseSequence()));
        }
        if (tokens[position] !== close) throw new Error(`${where}: unbalanced "${token}" in phrase "${phrase}"`);
        position += 1;
        // A choice that may be only punctuation ("[-]") is the join that SEP already reads.
        const spoken = alternatives.filter((alternative) => alternative !== '');
        if (spoken.length > 0) parts.push({ kind: 'word', source: `(?:${spoken.join('|')})`, optional: token === '[' || spoken.length < alternatives.length });
      } else if (token === '{NUM}') {
        parts.push({ kind: 'word', source: num, optional: false });
      } else if (token === '{DEST}') {
        parts.push({ kind: 'word', source: DEST, optional: false });
      } else if (token.startsWith('{')) {
        throw new Error(`${where}: unknown placeholder ${token} in phrase "${phrase}"`);
      } else if (token === '&') {
        parts.push({ kind: 'ampersand', source: AMPERSAND_ALONE, optional: false });
      } else if (token === '%') {
        parts.push({ kind: 'percent', source: PERCENT_ALONE, optional: false });
      } else {
        const source = compileWord(token);
        // A word of punctuation only ("-") is a join, which SEP already reads.
        // "king 's": a word starting with a mark hangs on the word before it.
        if (source !== '') parts.push({ kind: 'word', source, optional: false, attached: !/^[\p{L}\p{N}]/u.test(token) });
      }
    }
    return parts;
  };
  const source = joinParts(parseSequence());
  if (position !== tokens.length) throw new Error(`${where}: unexpected "${tokens[position]}" in phrase "${phrase}"`);
  return source;
}

interface Part {
  kind: 'word' | 'ampersand' | 'percent';
  source: string;
  optional: boolean;
  attached?: boolean;
}

/**
 * Joins a sequence's parts with SEP where two words meet. An optional part carries its own
 * trailing SEP; "&" between two required parts and "%" after one take the joining
 * characters themselves, so no join is ever readable by two neighbouring pieces.
 */
function joinParts(parts: Part[]): string {
  let out = '';
  let needSeparator = false;
  parts.forEach((part, index) => {
    const last = index === parts.length - 1;
    const previous = parts[index - 1];
    const next = parts[index + 1];
    const afterRequired = previous !== undefined && !previous.optional;
    if (part.kind === 'ampersand' && afterRequired && next !== undefined && next.kind === 'word' && !next.optional && !next.attached) {
      out += AMPERSAND_BETWEEN;
      needSeparator = false;
      return;
    }
    if (part.kind === 'percent' && afterRequired) {
      out += PERCENT_AFTER;
      needSeparator = true;
      return;
    }
    const lead = needSeparator && !part.attached ? SEP : '';
    if (part.optional && !last) {
      out += `${lead}(?:${part.source}${SEP})?`;
      needSeparator = false;
    } else if (part.optional) {
      out += `(?:${lead}${part.source})?`;
    } else {
      out += lead + part.source;
      needSeparator = true;
    }
  });
  return out;
}

function tokenizePhrase(phrase: string): string[] {
  const tokens: string[] = [];
  const pattern = /\{[A-Z_?]+\}|[()[\]|]|[&%]|[^\s()[\]|{&%]+/gu;
  for (const match of phrase.toLowerCase().replaceAll('{num}', '{NUM}').replaceAll('{dest}', '{DEST}').matchAll(pattern)) {
    tokens.push(match[0]);
  }
  return tokens;
}

/**
 * One word: letters and digits literal; a mark between them ("king's", "re-opened") is
 * optional; marks at either end are left to the joins around the word.
 */
function compileWord(word: string): string {
  const runs = word.match(/[\p{L}\p{N}]+|[^\p{L}\p{N}]+/gu) ?? [];
  return runs
    .map((run, index) => {
      if (/^[\p{L}\p{N}]/u.test(run)) return run;
      return index === 0 || index === runs.length - 1 ? '' : String.raw`[^\p{L}\p{N}\s]?`;
    })
    .join('');
}
