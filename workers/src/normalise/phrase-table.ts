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
 * group: the rest of the clause, read as site names), and patterns also {_} (one or more
 * joining characters) and {_?} (zero or more). Groups are numbered as in the final regex.
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
 * `[a|b]` an optional choice; {NUM} and {DEST} are capture groups.
 */
function compilePhrase(phrase: string, num: string, where: string): string {
  const tokens = tokenizePhrase(phrase);
  let position = 0;
  const parseSequence = (): string => {
    const parts: Part[] = [];
    while (position < tokens.length) {
      const token = tokens[position]!;
      if (token === ')' || token === ']' || token === '|') break;
      position += 1;
      if (token === '(' || token === '[') {
        const close = token === '(' ? ')' : ']';
        const alternatives = [parseSequence()];
        while (tokens[position] === '|') {
          position += 1;
          alternatives.push(parseSequence());
        }
        if (tokens[position] !== close) throw new Error(`${where}: unbalanced "${token}" in phrase "${phrase}"`);
        position += 1;
        parts.push({ source: `(?:${alternatives.join('|')})`, optional: token === '[' });
      } else if (token === '{NUM}') {
        parts.push({ source: num, optional: false });
      } else if (token === '{DEST}') {
        parts.push({ source: DEST, optional: false });
      } else if (token.startsWith('{')) {
        throw new Error(`${where}: unknown placeholder ${token} in phrase "${phrase}"`);
      } else {
        // "{NUM}%" or "king 's": a word starting with a mark hangs on the word before it.
        parts.push({ source: compileWord(token), optional: false, attached: !/^[\p{L}\p{N}]/u.test(token) });
      }
    }
    return joinParts(parts);
  };
  const source = parseSequence();
  if (position !== tokens.length) throw new Error(`${where}: unexpected "${tokens[position]}" in phrase "${phrase}"`);
  return source;
}

interface Part {
  source: string;
  optional: boolean;
  attached?: boolean;
}

function joinParts(parts: Part[]): string {
  let out = '';
  let needSeparator = false;
  parts.forEach((part, index) => {
    const last = index === parts.length - 1;
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
  const pattern = /\{[A-Z_?]+\}|[()[\]|]|[^\s()[\]|{]+/gu;
  for (const match of phrase.toLowerCase().replaceAll('{num}', '{NUM}').replaceAll('{dest}', '{DEST}').matchAll(pattern)) {
    tokens.push(match[0]);
  }
  return tokens;
}

/** One word: letters and digits literal; "&" also "and"; "%" also "per cent"; other marks optional. */
function compileWord(word: string): string {
  let out = '';
  for (const [index, run] of (word.match(/[\p{L}\p{N}]+|[^\p{L}\p{N}]+/gu) ?? []).entries()) {
    if (/^[\p{L}\p{N}]+$/u.test(run)) {
      out += run;
      continue;
    }
    for (const mark of run) {
      if (mark === '&') out += String.raw`\s*(?:&|and)\s*`;
      else if (mark === '%') out += String.raw`\s*(?:%|per\s*cent|percent)`;
      else out += index === 0 ? '' : String.raw`[^\p{L}\p{N}\s]?`;
    }
  }
  return out;
}
