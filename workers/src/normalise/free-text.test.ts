import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalUpdateSchema } from '@pb/shared';
import { loadReferenceData } from '@pb/shared/node';
import { compilePhraseTables, defaultPhraseTable, loadPhraseTables, normaliseFreeText } from './free-text.js';

const reference = loadReferenceData();
const SITE = 'RHU03';
const RECEIVED = '2026-01-03T09:15:00Z';

interface Expected {
  opel?: number;
  incident?: string;
  ed?: string;
  divertTo?: string[];
  metrics?: Record<string, number>;
  reason?: string;
}

/** Real phrasings (trust statements, ICB posts, local press) and the axes they must set. */
const ACCEPTED: [string, Expected][] = [
  ['The hospital is operating normally.', { opel: 1 }],
  ['Services are operating as normal today', { opel: 1 }],
  ['We are in a steady state this morning', { opel: 1 }],
  ['Steady-state', { opel: 1 }],
  ['Business as usual across the trust', { opel: 1 }],
  ['OPEL 1', { opel: 1 }],
  ['OPEL level one', { opel: 1 }],
  ['Our emergency department is busy', { opel: 2 }],
  ['A&E is very busy tonight, please use 111 first', { opel: 2 }],
  ['Really busy in ED', { opel: 2 }],
  ['The trust is under moderate pressure', { opel: 2 }],
  ['Moderate pressures in the emergency department', { opel: 2 }],
  ['OPEL 2', { opel: 2 }],
  ['opel two', { opel: 2 }],
  ['Hospital at OPEL-2', { opel: 2 }],
  ['Our hospitals are exceptionally busy', { opel: 3 }],
  ['The trust is under significant pressure', { opel: 3 }],
  ['Severe pressure across all sites', { opel: 3 }],
  ['We are experiencing extreme heightened pressure', { opel: 3 }],
  ['OPEL 3', { opel: 3 }],
  ['OPEL3 declared at 07:00', { opel: 3 }],
  ['Escalated to OPEL Level 3', { opel: 3 }],
  ['OPEL three', { opel: 3 }],
  ['De-escalated from OPEL 4 to OPEL 3 this afternoon', { opel: 3 }],
  ['Moved from OPEL 3 down to 2', { opel: 2 }],
  ['Extreme pressure in the emergency department', { opel: 4 }],
  ['Our hospitals are under extreme pressure', { opel: 4 }],
  ['OPEL 4', { opel: 4 }],
  ['OPEL level four', { opel: 4 }],
  ['OPEL-4', { opel: 4 }],
  ['opel4', { opel: 4 }],
  ['OPEL: 4', { opel: 4 }],
  ['REAP level 4 declared by the ambulance service', { opel: 4 }],
  ['The hospital is on black alert', { opel: 4 }],
  ['Black alert declared', { opel: 4 }],
  ['We are unable to deliver comprehensive care', { opel: 4 }],
  ['Unable to provide comprehensive care due to demand', { opel: 4 }],
  ['Very busy, now at OPEL 4', { opel: 4 }],
  ['Extreme heightened pressure (OPEL 4)', { opel: 4 }],
  ['The trust has declared a critical incident', { incident: 'critical' }],
  ['Critical incident declared at Queen Alexandra Hospital', { incident: 'critical' }],
  ['Trust declares critical incident due to industrial action', { incident: 'critical', reason: 'industrial action' }],
  ['Declared an internal critical incident following an IT outage', { incident: 'critical', reason: 'IT outage' }],
  ['We remain in a critical incident', { incident: 'critical' }],
  ['Critical incident declared due to flooding in the basement', { incident: 'critical', reason: 'flooding' }],
  ['The critical incident has been stood down', { incident: 'none' }],
  ['Critical incident stood down', { incident: 'none' }],
  ['We are no longer in a critical incident', { incident: 'none' }],
  ['The trust has stood down its critical incident', { incident: 'none' }],
  ['The critical incident declared on Monday was stood down this morning', { incident: 'none' }],
  ['Critical incident has now ended', { incident: 'none' }],
  ['The incident has been stood down', { incident: 'none' }],
  ['A business continuity incident has been declared', { incident: 'business_continuity' }],
  ['Business continuity incident due to a power outage', { incident: 'business_continuity', reason: 'power outage' }],
  ['Business continuity plans have been activated', { incident: 'business_continuity' }],
  ['The business continuity incident has been stood down', { incident: 'none' }],
  ['Major incident declared after the crash on the M27', { incident: 'major' }],
  ['The trust declared a major incident', { incident: 'major' }],
  ['Major incident stood down', { incident: 'none' }],
  ['A&E closed, patients diverted to Southampton General Hospital', { ed: 'closed', divertTo: ['RHM01'] }],
  ['A&E closed, patients diverted to Southampton General', { ed: 'closed', divertTo: ['RHM01'] }],
  ['The emergency department is closed and patients are being diverted to St Richard\'s Hospital', { ed: 'closed', divertTo: ['RYR16'] }],
  ['A&E closed; patients diverted to the Royal Sussex County Hospital.', { ed: 'closed', divertTo: ['RXH01'] }],
  ['ED closed, ambulances diverted to Worthing and St Richard\'s', { ed: 'closed', divertTo: ['RYR18', 'RYR16'] }],
  ['A&E is closed', { ed: 'closed' }],
  ['The emergency department has been temporarily closed', { ed: 'closed' }],
  ['A&E closed. Ambulances diverted to Southampton General.', { ed: 'closed', divertTo: ['RHM01'] }],
  ['Ambulances diverted', { ed: 'divert' }],
  ['Ambulances are being diverted to other hospitals', { ed: 'divert' }],
  ['Ambulances are being diverted to neighbouring hospitals', { ed: 'divert' }],
  ['Ambulances diverted to Lewisham', { ed: 'divert', divertTo: ['RJ224'] }],
  ['Ambulances are being diverted to Luton and Dunstable due to a fire', { ed: 'divert', divertTo: ['RC971'] }],
  ['Diverting ambulances to St. Mary\'s Hospital Paddington', { ed: 'divert', divertTo: ['RYJ01'] }],
  ['Ambulance divert in place', { ed: 'divert' }],
  ['The hospital is on divert', { ed: 'divert' }],
  ['A&E has reopened', { ed: 'open' }],
  ['The divert has been lifted', { ed: 'open' }],
  ['We are no longer diverting', { ed: 'open' }],
  ['Patients face waits of up to 11 hours', { metrics: { longestWaitHours: 11 } }],
  ['Waits of up to eleven hours in A&E', { metrics: { longestWaitHours: 11 } }],
  ['Some patients waiting up to 14 hours', { metrics: { longestWaitHours: 14 } }],
  ['12-hour waits in the department', { metrics: { longestWaitHours: 12 } }],
  ['Ambulance handovers averaging 95 minutes', { metrics: { handoverMeanMin: 95 } }],
  ['Bed occupancy at 97.5%', { metrics: { gaOccupancyPct: 97.5 } }],
  ['Bed occupancy is 101 per cent', { metrics: { gaOccupancyPct: 101 } }],
  ['Four-hour performance of 61.2%', { metrics: { fourHourPct: 61.2 } }],
  ['23 ambulances waited more than an hour', { metrics: { handoverDelaysOver60Min: 23 } }],
  ['Very busy with waits of up to 11 hours', { opel: 2, metrics: { longestWaitHours: 11 } }],
  [
    'Queen Alexandra Hospital has declared a critical incident and is at OPEL 4 with waits of up to 11 hours',
    { opel: 4, incident: 'critical', metrics: { longestWaitHours: 11 } },
  ],
  ['The trust has not declared a critical incident but is under severe pressure', { opel: 3 }],
  ['OPEL 4 — critical incident declared — A&E closed, patients diverted to Southampton General', { opel: 4, incident: 'critical', ed: 'closed', divertTo: ['RHM01'] }],
  ['“We are exceptionally busy” – OPEL 3', { opel: 3 }],
  ['OPEL 3\n\nCritical incident stood down.', { opel: 3, incident: 'none' }],
  // Welsh (cy.json): a second language from data alone.
  ['Rydym yn gweithredu fel arfer', { opel: 1 }],
  ['Mae\'r ysbyty dan bwysau eithafol', { opel: 4 }],
  ['Wedi datgan digwyddiad critigol', { incident: 'critical' }],
  ['Digwyddiad critigol wedi dod i ben', { incident: 'none' }],
  ['OPEL lefel pedwar', { opel: 4 }],
  ['Amseroedd aros o hyd at 9 awr', { metrics: { longestWaitHours: 9 } }],
];

/** Phrasings that must be rejected, with a word the reason must contain. */
const REJECTED: [string, RegExp][] = [
  ['Hello, how are you?', /no recognised status phrase/],
  ['Please attend A&E only if it is an emergency', /no recognised status phrase/],
  ['Visiting hours have changed', /no recognised status phrase/],
  ['OPEL 2 this morning, now OPEL 4', /contradicts itself.*OPEL 2.*OPEL 4/],
  ['Operating normally, black alert declared', /contradicts itself.*operating normally.*black alert/i],
  ['Steady state but under extreme pressure', /contradicts itself/],
  ['Critical incident declared. Critical incident stood down.', /contradicts itself.*critical incident/i],
  ['A&E closed. A&E has reopened.', /contradicts itself/],
  ['Waits of up to 11 hours, waits of up to 14 hours', /contradicts itself/],
  ['A&E closed, patients diverted to Queen Elizabeth Hospital', /more than one site.*Queen Elizabeth/],
  ['A&E closed, patients diverted to St Mary\'s', /more than one site/],
  ['Ambulances diverted to Narnia General Infirmary', /no reference site is called/],
  ['A&E closed, patients diverted to Queen Alexandra Hospital', /cannot divert to itself/],
  ['OPEL 5', /OPEL is 1–4/],
  ['OPEL 3.5', /OPEL is 1–4/],
  ['Waits of up to 12000 hours', /below 10,000/],
  ['Bed occupancy at 1200%', /0–1000/],
  ['Four-hour performance of 140%', /0–100/],
  ['', /empty/],
  ['   \n  ', /empty/],
  ['The trust has not declared a critical incident', /no recognised status phrase/],
];

function expectAxes(text: string, expected: Expected) {
  const result = normaliseFreeText(text, SITE, RECEIVED, reference);
  if (!result.ok) throw new Error(`"${text}" was rejected: ${JSON.stringify(result.errors)}`);
  expect(result.updates).toHaveLength(1);
  const [normalised] = result.updates;
  expect(normalised!.source).toBe('text');
  expect(normalised!.inferred).toBe(true);
  const { update } = normalised!;
  expect(update.site).toBe(SITE);
  expect(update.observedAt).toBe(RECEIVED);
  expect(update.opel).toBe(expected.opel);
  expect(update.incident?.level).toBe(expected.incident);
  expect(update.incident?.reason).toBe(expected.reason);
  expect(update.ed?.status).toBe(expected.ed);
  expect(update.ed?.divertTo).toEqual(expected.divertTo);
  expect(update.metrics).toEqual(expected.metrics);
}

describe('free text: the phrase corpus', () => {
  it('holds at least 80 real phrasings', () => {
    expect(ACCEPTED.length + REJECTED.length).toBeGreaterThanOrEqual(80);
  });

  it.each(ACCEPTED)('reads %j', (text, expected) => expectAxes(text, expected));

  it.each(REJECTED)('rejects %j with a reason', (text, reason) => {
    const result = normaliseFreeText(text, SITE, RECEIVED, reference);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.message).join(' | ')).toMatch(reason);
  });
});

describe('free text: the job around the text', () => {
  it('needs the site from ?site=', () => {
    const result = normaliseFreeText('OPEL 3', undefined, RECEIVED, reference);
    expect(result).toEqual({ ok: false, errors: [{ path: 'site', message: expect.stringMatching(/\?site=/) }] });
  });

  it('upper-cases the site code as the canonical schema does', () => {
    const result = normaliseFreeText('OPEL 3', 'rhu03', RECEIVED, reference);
    expect(result.ok && result.updates[0]!.update.site).toBe('RHU03');
  });

  it('refuses a body that is not a string', () => {
    expect(normaliseFreeText({ text: 'OPEL 3' }, SITE, RECEIVED, reference).ok).toBe(false);
  });

  it('refuses text longer than 5,000 characters', () => {
    const result = normaliseFreeText(`OPEL 3 ${'x'.repeat(5_000)}`, SITE, RECEIVED, reference);
    expect(!result.ok && result.errors[0]!.message).toMatch(/longer than 5,000/);
  });
});

describe('free text: phrase tables are data', () => {
  const minimal = (entries: unknown, extra: object = {}) => ({ file: '/tables/xx.json', content: { language: 'xx', entries, ...extra } });

  it('loads every bundled language', () => {
    expect(defaultPhraseTable.languages.sort()).toEqual(['cy', 'en']);
  });

  it('a new file is a new language', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-phrases-'));
    writeFileSync(join(dir, 'fr.json'), JSON.stringify({ language: 'fr', numbers: { quatre: 4 }, entries: [{ id: 'fr.opel', pattern: 'opel{_?}(?:niveau{_})?{NUM}', sets: { opel: { group: 1 } } }, { id: 'fr.tension', phrases: ['tension extrême'], sets: { opel: 4 } }] }));
    const table = loadPhraseTables(dir);
    const result = normaliseFreeText("L'hôpital est en tension extrême, OPEL niveau quatre", SITE, RECEIVED, reference, table);
    expect(result.ok && result.updates[0]!.update.opel).toBe(4);
  });

  it('fails loudly naming the file when a table is invalid', () => {
    expect(() => compilePhraseTables([minimal([{ id: 'x', phrases: ['busy'], sets: { opel: 7 } }])])).toThrow(/Invalid phrase table \/tables\/xx\.json: entries\.0\.sets\.opel/);
    expect(() => compilePhraseTables([minimal([{ id: 'x', pattern: '(unclosed', sets: { opel: 2 } }])])).toThrow(/\/tables\/xx\.json: entry "x"/);
    expect(() => compilePhraseTables([minimal([{ id: 'x', phrases: ['busy'], pattern: 'busy', sets: { opel: 2 } }])])).toThrow(/exactly one of/);
    expect(() => compilePhraseTables([minimal([{ id: 'x', phrases: ['waits {NUM}'], sets: { metric: { name: 'longestWaitHours', group: 2 } } }])])).toThrow(/group 2 but has only 1/);
    expect(() => compilePhraseTables([minimal([{ id: 'x', pattern: 'a*', sets: { opel: 2 } }])])).toThrow(/matches empty text/);
    expect(() => compilePhraseTables([minimal([{ id: 'x', phrases: ['busy'], sets: { opel: 2 }, colour: 'red' }])])).toThrow(/colour/);
  });

  it('fails loudly naming the file when a table is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-phrases-'));
    writeFileSync(join(dir, 'broken.json'), '{"language": "en",');
    expect(() => loadPhraseTables(dir)).toThrow(/broken\.json/);
  });

  it('refuses two entries with one id, naming both files', () => {
    const entry = { id: 'same', phrases: ['busy'], sets: { opel: 2 } };
    expect(() => compilePhraseTables([minimal([entry]), { file: '/tables/yy.json', content: { language: 'yy', entries: [entry] } }])).toThrow(/yy\.json.*xx\.json/);
  });
});

describe('free text: fuzzing', () => {
  const phraseWords = ['OPEL', '4', 'busy', 'very', 'critical incident', 'stood down', 'A&E', 'closed', 'diverted to', 'waits of up to', 'hours', 'Worthing', 'Queen', 'black alert', '12000', 'declared', 'no longer', ',', '.', ' ', '%', 'occupancy'];
  const textArbitrary = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.array(fc.constantFrom(...phraseWords), { maxLength: 40 }).map((words) => words.join(' ')),
  );

  it('never throws and never accepts an out-of-range update', () => {
    fc.assert(
      fc.property(textArbitrary, (text) => {
        const result = normaliseFreeText(text, SITE, RECEIVED, reference);
        if (result.ok) {
          for (const { update, inferred, source } of result.updates) {
            expect(canonicalUpdateSchema.safeParse(update).success).toBe(true);
            expect(inferred).toBe(true);
            expect(source).toBe('text');
          }
        } else {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) expect(error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads any OPEL number the same way and refuses those outside 1–4', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.constantFrom('OPEL ', 'OPEL-', 'OPEL level ', 'opel'), (level, prefix) => {
        const result = normaliseFreeText(`${prefix}${level}`, SITE, RECEIVED, reference);
        expect(result.ok).toBe(level >= 1 && level <= 4);
        if (result.ok) expect(result.updates[0]!.update.opel).toBe(level);
      }),
    );
  });
});

describe('free text: phrase patterns run in linear time', () => {
  const LENGTH = 5_000;
  /** `lead`, then `fill` repeated up to 5,000 characters, ending in a character no phrase continues with. */
  const adversarial = (lead: string, fill: string) => `${lead}${fill.repeat(LENGTH)}`.slice(0, LENGTH - 1) + 'x';

  /** Best of a few runs (after a warm-up), so a garbage collection or a busy core does not fail the test. */
  function bestMs(text: string): number {
    normaliseFreeText(text, SITE, RECEIVED, reference);
    let best = Infinity;
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      normaliseFreeText(text, SITE, RECEIVED, reference);
      best = Math.min(best, performance.now() - started);
    }
    return best;
  }

  it.each([
    ['"&" then a long run of spaces', adversarial('Accident &', ' ')],
    ['"&" then a long run of joining marks', adversarial('accident &', ' -,')],
    ['a number then a long run of spaces ("{NUM}[-]hour")', adversarial('12', ' ')],
    ['a number then a long run of hyphens', adversarial('12', '-')],
    ['"%" after a long run of spaces', adversarial('97', ' %')],
    ['"&" over and over', adversarial('', '& ')],
    ['"A&" over and over', adversarial('', 'a& ')],
    ['a sentence of only spaces after "diverted to"', adversarial('ambulances diverted to', ' ')],
    ['"critical incident" then spaces', adversarial('critical incident', ' ')],
  ])('normalises 5,000 characters of %s in under 10 ms', (_name, text) => {
    expect(text).toHaveLength(LENGTH);
    expect(bestMs(text)).toBeLessThan(10);
  });

  it('still reads "&" and "and" either way, with or without spaces', () => {
    for (const text of ['A&E closed', 'A & E closed', 'A and E closed', 'Accident & Emergency closed', 'accident and emergency closed', 'accident&emergency closed']) {
      expect(normaliseFreeText(text, SITE, RECEIVED, reference), text).toMatchObject({ ok: true, updates: [{ update: { ed: { status: 'closed' } } }] });
    }
    for (const text of ['12-hour waits', '12 hour waits']) {
      expect(normaliseFreeText(text, SITE, RECEIVED, reference), text).toMatchObject({ ok: true, updates: [{ update: { metrics: { longestWaitHours: 12 } } }] });
    }
  });

  it('refuses a phrase with words after {DEST}, which would compete with it for the clause', () => {
    const entries = [{ id: 'x', phrases: ['diverted to {DEST} hospital'], sets: { ed: 'divert', divertTo: { group: 1 } } }];
    expect(() => compilePhraseTables([{ file: '/tables/xx.json', content: { language: 'xx', entries } }])).toThrow(/\{DEST\} must end the phrase/);
  });
});
