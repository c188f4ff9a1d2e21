import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createKey, reference, startTestBoard, waitForUpdate, type TestBoard } from '../support/test-board.js';
import { validateAgainstHaveSchema } from '../support/xml-validation.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const NHS_HOSPITAL_STATUS = readFileSync(here('../../workers/src/normalise/fixtures/nhs-hospital-status.xml'), 'utf8');

interface PostedRow {
  id?: string;
  row?: number;
  state: 'queued' | 'rejected';
  errors?: { message: string; path?: string }[];
}

/**
 * SPEC §6 and §10, end to end: every input format posted to `POST /api/v1/updates` on a
 * real board (server, workers, Redis) comes out as the right canonical status, or as a
 * rejection with reasons; and the board goes back out as CSV and valid EDXL-HAVE.
 * Each case uses sites no other case touches, so their order does not matter.
 */
describe('input formats through the whole pipeline', () => {
  let board: TestBoard;

  const post = (key: string, body: string, contentType: string, query = '') =>
    api(board.url, key, 'POST', `/updates${query}`, body, { 'content-type': contentType });
  /** A site's SiteStatus as the board shows it. */
  const statusOf = async (code: string) => {
    const response = await api(board.url, board.adminKey, 'GET', '/board');
    expect(response.status).toBe(200);
    const status = response.body.sites.find((entry: { site: string }) => entry.site === code);
    expect(status, code).toBeDefined();
    return status;
  };
  const boardSeq = async () => (await api(board.url, board.adminKey, 'GET', '/board')).body.seq as number;
  const rejectionIds = async () => ((await api(board.url, board.adminKey, 'GET', '/rejections?limit=1000')).body.rejections as { id: string }[]).map((entry) => entry.id);

  beforeAll(async () => {
    board = await startTestBoard();
  });
  afterAll(async () => {
    await board?.close();
  });

  describe('free text', () => {
    it('a critical incident with a closed A&E diverting to a named hospital becomes an inferred text status', async () => {
      const bedfordKey = await createKey(board, { role: 'trust', label: 'Bedfordshire EPRR', trusts: ['RC9'] });
      const posted = await post(bedfordKey, 'Declared a critical incident this morning; A&E closed, patients diverted to Luton and Dunstable University Hospital', 'text/plain', '?site=RC979');
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      const id = posted.body.updates[0].id as string;
      expect(await waitForUpdate(board, id)).toMatchObject({ id, state: 'applied', seq: expect.any(Number) });

      const status = await statusOf('RC979');
      expect(status).toMatchObject({
        site: 'RC979',
        incident: { level: 'critical' },
        ed: { status: 'closed', divertTo: ['RC971'] },
        severity: 4,
        inferred: true,
        source: 'text',
        actor: 'Bedfordshire EPRR',
        updateId: id,
      });
      // The destination is a site of its own, untouched by the text about Bedford.
      expect((await statusOf('RC971')).ed).toBeNull();
    });

    it('text that says nothing recognisable is rejected with a reason and listed, and changes nothing', async () => {
      const before = await statusOf('RGT01');
      const seqBefore = await boardSeq();
      const posted = await post(board.adminKey, 'The new car park opens on Monday; please use the north entrance.', 'text/plain', '?site=RGT01');
      expect(posted.status).toBe(202);
      const id = posted.body.updates[0].id as string;
      const result = await waitForUpdate(board, id);
      expect(result).toMatchObject({ id, state: 'rejected' });
      expect(result.errors.length).toBeGreaterThan(0);
      expect(result.errors[0].message).toMatch(/no recognised status phrase/);
      const listed = (await api(board.url, board.adminKey, 'GET', '/rejections')).body.rejections.find((entry: { id: string }) => entry.id === id);
      expect(listed).toMatchObject({ id, errors: result.errors });
      expect(await statusOf('RGT01')).toEqual(before);
      expect(await boardSeq()).toBe(seqBefore);
    });
  });

  describe('CSV', () => {
    it('a per-site CSV answers per row: good rows apply, bad rows are rejected on their own, other sites are untouched', async () => {
      const untouched = await statusOf('RJ611');
      const csv = [
        'site,observed_at,opel,incident,incident_reason,ed,divert_to,handover_mean_min,ga_occupancy_pct,note',
        'R1HNH,,3,,,divert,R1H12,95,97.1,Corridor care in majors',
        'R1H12,2026-01-03T09:15:00Z,4,critical,industrial action,,,,,',
        'R1HKH,,7,,,,,,,OPEL seven does not exist',
        'RJ122,,2,,,,,',
        'RJ122,,,,,open,,12.5,,"Quoted, with a comma"',
      ].join('\r\n');
      const posted = await post(board.adminKey, csv, 'text/csv');
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      const rows = posted.body.updates as PostedRow[];
      expect(rows.map((row) => row.row)).toEqual([1, 2, 3, 4, 5]);
      // A row that cannot be split into the header's cells is refused at once, with its errors.
      expect(rows[3]).toMatchObject({ row: 4, state: 'rejected', errors: [{ message: expect.stringMatching(/row 4 has 8 cells; the header has 10/) }] });
      expect(rows[3]!.id).toBeUndefined();
      for (const index of [0, 1, 2, 4]) expect(rows[index]).toMatchObject({ id: expect.any(String), state: 'queued', row: index + 1 });

      const [r1, r2, r3, , r5] = await Promise.all(rows.map((row) => (row.id ? waitForUpdate(board, row.id) : undefined)));
      expect(r1).toMatchObject({ state: 'applied' });
      expect(r2).toMatchObject({ state: 'applied' });
      expect(r5).toMatchObject({ state: 'applied' });
      expect(r3).toMatchObject({ state: 'rejected', errors: [expect.objectContaining({ path: 'opel' })] });
      expect(await rejectionIds()).toContain(rows[2]!.id);

      expect(await statusOf('R1HNH')).toMatchObject({
        opel: 3, ed: { status: 'divert', divertTo: ['R1H12'] }, metrics: { handoverMeanMin: 95, gaOccupancyPct: 97.1 },
        note: 'Corridor care in majors', source: 'csv', inferred: false, updateId: rows[0]!.id,
      });
      const r1h12 = await statusOf('R1H12');
      expect(r1h12).toMatchObject({ opel: 4, incident: { level: 'critical', reason: 'industrial action' }, source: 'csv' });
      expect(Date.parse(r1h12.observedAt)).toBe(Date.parse('2026-01-03T09:15:00Z'));
      expect(await statusOf('RJ122')).toMatchObject({ opel: null, ed: { status: 'open' }, metrics: { handoverMeanMin: 12.5 }, note: 'Quoted, with a comma' });
      // The bad row's site and a site not in the file stay as they were.
      expect(await statusOf('R1HKH')).toMatchObject({ opel: null, ed: null, updateId: null });
      expect(await statusOf('RJ611')).toEqual(untouched);
    });

    it('a sitrep row applies to every site of its trust, observed at 08:00 UK time on its date', async () => {
      const rrk = reference.byTrust.get('RRK')!.map((site) => site.code);
      const rvr = reference.byTrust.get('RVR')!.map((site) => site.code);
      expect(rrk.length).toBeGreaterThan(1);
      expect(rvr.length).toBeGreaterThan(1);
      const csv = [
        'date,trust_code,current_trust_code,trust_name,ga_occupancy_rate,adult_cc_occupancy_rate,ambulance_handover_delay_over_60min,ae_closures,ae_diverts',
        '2026-01-05,RRK,RRK,University Hospitals Birmingham NHS Foundation Trust,0.9236,0.8618,34,0,2',
        '2025-07-01,RVR,RVR,Epsom and St Helier University Hospitals NHS Trust,0.95,,3,1,0',
      ].join('\n');
      const posted = await post(board.adminKey, csv, 'text/csv');
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      const rows = posted.body.updates as PostedRow[];
      expect(rows).toHaveLength(2);
      for (const row of rows) expect(await waitForUpdate(board, row.id!)).toMatchObject({ state: 'applied' });

      for (const code of rrk) {
        const status = await statusOf(code);
        expect(status, code).toMatchObject({
          trust: 'RRK', ed: { status: 'divert' }, source: 'csv', updateId: rows[0]!.id,
          metrics: { gaOccupancyPct: 92.36, criticalCareOccupancyPct: 86.18, handoverDelaysOver60Min: 34 },
        });
        expect(Date.parse(status.observedAt), code).toBe(Date.parse('2026-01-05T08:00:00Z'));
      }
      for (const code of rvr) {
        const status = await statusOf(code);
        // A closure beats a divert; a blank rate leaves that metric alone; 08:00 BST is 07:00 UTC.
        expect(status, code).toMatchObject({ trust: 'RVR', ed: { status: 'closed' }, metrics: { gaOccupancyPct: 95, handoverDelaysOver60Min: 3 } });
        expect(status.metrics.criticalCareOccupancyPct, code).toBeUndefined();
        expect(Date.parse(status.observedAt), code).toBe(Date.parse('2025-07-01T07:00:00Z'));
      }
    });

    it('a per-site CSV in the sitrep’s own vocabulary (date = 08:00 UK time) applies its good rows; a bad row is rejected alone, a blank row changes nothing', async () => {
      const csv = [
        'site,date,ae_closures,ae_diverts,ga_occupancy_rate,adult_cc_occupancy_rate,ambulance_handover_delay_over_60min,ga_beds_open,note',
        'RTRAT,2026-01-05,0,2,0.9236,0.8618,34,1021,',
        'RK950,2026-07-01,1,0,,,,,Flooding in majors',
        'RM102,2026-01-05,0,1,1.2.3,,,,',
        'RL403,2026-01-05,,,,,,,',
      ].join('\r\n');
      const posted = await post(board.adminKey, csv, 'text/csv');
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      const rows = posted.body.updates as PostedRow[];
      const [james, derriford, norwich, wolverhampton] = await Promise.all(rows.map((row) => waitForUpdate(board, row.id!)));
      expect(james).toMatchObject({ state: 'applied', seq: expect.any(Number) });
      expect(derriford).toMatchObject({ state: 'applied', seq: expect.any(Number) });
      expect(norwich).toMatchObject({ state: 'rejected', errors: [{ path: 'ga_occupancy_rate', message: expect.stringMatching(/plain number/) }] });
      // A row whose every value is blank is not a rejection: applied, changing nothing, so no seq.
      expect(wolverhampton).toEqual({ id: rows[3]!.id, state: 'applied' });
      expect(await rejectionIds()).toContain(rows[2]!.id);
      expect(await rejectionIds()).not.toContain(rows[3]!.id);

      const jamesCook = await statusOf('RTRAT');
      expect(jamesCook).toMatchObject({ ed: { status: 'divert' }, metrics: { gaOccupancyPct: 92.36, criticalCareOccupancyPct: 86.18, handoverDelaysOver60Min: 34 }, source: 'csv' });
      expect(Date.parse(jamesCook.observedAt)).toBe(Date.parse('2026-01-05T08:00:00Z'));
      const derrifordStatus = await statusOf('RK950');
      expect(derrifordStatus).toMatchObject({ ed: { status: 'closed' }, note: 'Flooding in majors', severity: 3 });
      // 08:00 BST is 07:00 UTC.
      expect(Date.parse(derrifordStatus.observedAt)).toBe(Date.parse('2026-07-01T07:00:00Z'));
      expect(await statusOf('RM102')).toMatchObject({ ed: null, updateId: null });
      expect(await statusOf('RL403')).toMatchObject({ ed: null, observedAt: null, updateId: null });
    });

    it('a historic sitrep under the trust codes of its day: a merged trust’s row applies to its own sites only, and an all-blank row is not rejected', async () => {
      // Winter 2021–22: Southport and Ormskirk (RVY) reported beside St Helens and Knowsley (RBN),
      // which took it over on 1 July 2023 and now runs all three hospitals.
      const csv = [
        'date,trust_code,trust_name,ga_occupancy_rate,ambulance_handover_delay_over_60min,ae_closures,ae_diverts',
        '2021-12-20,RBN,St Helens and Knowsley Teaching Hospitals NHS Trust,0.97,21,0,1',
        '2021-12-20,RVY,Southport and Ormskirk Hospital NHS Trust,0.93,4,0,0',
        '2023-04-03,RA4,Yeovil District Hospital NHS Foundation Trust,,,,',
      ].join('\n');
      const posted = await post(board.adminKey, csv, 'text/csv');
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      const rows = posted.body.updates as PostedRow[];
      const [rbn, rvy, yeovil] = await Promise.all(rows.map((row) => waitForUpdate(board, row.id!)));
      expect(rbn).toMatchObject({ state: 'applied' });
      expect(rvy).toMatchObject({ state: 'applied' });
      expect(yeovil).toEqual({ id: rows[2]!.id, state: 'applied' });
      expect(await rejectionIds()).not.toContain(rows[2]!.id);

      // Whiston's divert stands; Southport and Ormskirk are open with their own figures.
      expect(await statusOf('RBN01')).toMatchObject({ ed: { status: 'divert' }, metrics: { gaOccupancyPct: 97, handoverDelaysOver60Min: 21 }, updateId: rows[0]!.id });
      for (const code of ['RVY01', 'RVY02']) {
        expect(await statusOf(code), code).toMatchObject({ ed: { status: 'open' }, metrics: { gaOccupancyPct: 93, handoverDelaysOver60Min: 4 }, updateId: rows[1]!.id });
      }
      expect(await statusOf('RA430')).toMatchObject({ ed: null, updateId: null });
    });

    it('a trust key posting a row for another trust’s site has that row rejected, and its own row applied', async () => {
      const chelseaKey = await createKey(board, { role: 'trust', label: 'Chelsea and Westminster EPRR', trusts: ['RQM'] });
      const posted = await post(chelseaKey, 'site,opel,note\nRQM01,3,our own site\nRJ611,4,not ours\n', 'text/csv');
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      const [own, other] = posted.body.updates as PostedRow[];
      expect(await waitForUpdate(board, own!.id!)).toMatchObject({ state: 'applied' });
      const rejected = await waitForUpdate(board, other!.id!);
      expect(rejected).toMatchObject({ state: 'rejected', errors: [{ path: 'site', message: expect.stringMatching(/may not post for RJ611/) }] });
      expect(await rejectionIds()).toContain(other!.id);
      expect(await statusOf('RQM01')).toMatchObject({ opel: 3, note: 'our own site', actor: 'Chelsea and Westminster EPRR' });
      expect(await statusOf('RJ611')).toMatchObject({ opel: null, note: null, updateId: null });
    });
  });

  describe('EDXL-HAVE', () => {
    it('a HospitalStatus message applies to each hospital it names', async () => {
      const posted = await post(board.adminKey, NHS_HOSPITAL_STATUS, 'application/xml');
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      const id = posted.body.updates[0].id as string;
      expect(await waitForUpdate(board, id)).toMatchObject({ id, state: 'applied' });

      expect(await statusOf('RHU03')).toMatchObject({
        opel: 4, incident: { level: 'business_continuity' }, ed: { status: 'divert', reason: 'No cubicles & corridor care' },
        metrics: { handoverMeanMin: 95, criticalCareOccupancyPct: 87.5, gaOccupancyPct: 99.7 },
        source: 'edxl-have', inferred: false, updateId: id,
      });
      expect(await statusOf('RHM01')).toMatchObject({ opel: 1, ed: { status: 'open' }, source: 'edxl-have', updateId: id });
      expect(await statusOf('RXH01')).toMatchObject({ incident: { level: 'major' }, ed: { status: 'closed' }, source: 'edxl-have', updateId: id });
    });

    const hospital = (body: string) =>
      `<HospitalStatus xmlns="urn:oasis:names:tc:emergency:EDXL:HAVE:1.0"><Hospital><Organization><OrganizationInformation>` +
      `<OrganisationName xmlns="urn:oasis:names:tc:ciq:xnl:3"><NameElement>James Paget University Hospital</NameElement></OrganisationName>` +
      `</OrganizationInformation></Organization><EmergencyDepartmentStatus><EMSTraffic><EMSTrafficStatus>Closed</EMSTrafficStatus>` +
      `<EMSTrafficReason>${body}</EMSTrafficReason></EMSTraffic></EmergencyDepartmentStatus>` +
      `<LastUpdateTime>2026-01-03T09:15:00Z</LastUpdateTime></Hospital></HospitalStatus>`;
    const attacks: [string, string][] = [
      ['an external entity (XXE)', `<?xml version="1.0"?><!DOCTYPE HospitalStatus [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${hospital('&xxe;')}`],
      [
        'nested entities (billion laughs)',
        `<?xml version="1.0"?><!DOCTYPE HospitalStatus [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
          `<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>${hospital('&lol3;')}`,
      ],
    ];
    for (const [what, xml] of attacks) {
      it(`XML with ${what} is rejected with a reason and applies nothing`, async () => {
        const seqBefore = await boardSeq();
        const posted = await post(board.adminKey, xml, 'application/xml');
        expect(posted.status, JSON.stringify(posted.body)).toBe(202);
        const id = posted.body.updates[0].id as string;
        const result = await waitForUpdate(board, id);
        expect(result).toMatchObject({ id, state: 'rejected' });
        expect(result.errors.map((error: { message: string }) => error.message).join(' ')).toMatch(/DOCTYPE|ENTITY|entit/i);
        expect(await rejectionIds()).toContain(id);
        expect(await statusOf('RGP75')).toMatchObject({ ed: null, updateId: null });
        expect(await boardSeq()).toBe(seqBefore);
      });
    }

    it('a message with an unknown hospital applies the others; the unknown one is rejected with its reason, in the update and the rejections', async () => {
      const hospitalOf = (name: string, status: string) =>
        `<h:Hospital><h:Organization><h:OrganizationInformation><n:OrganisationName><n:NameElement>${name}</n:NameElement></n:OrganisationName>` +
        `</h:OrganizationInformation></h:Organization><h:EmergencyDepartmentStatus><h:EMSTraffic><h:EMSTrafficStatus>${status}</h:EMSTrafficStatus>` +
        `</h:EMSTraffic></h:EmergencyDepartmentStatus><h:LastUpdateTime>2026-01-03T09:15:00Z</h:LastUpdateTime></h:Hospital>`;
      const xml =
        `<?xml version="1.0" encoding="UTF-8"?><h:HospitalStatus xmlns:h="urn:oasis:names:tc:emergency:EDXL:HAVE:1.0" xmlns:n="urn:oasis:names:tc:ciq:xnl:3">` +
        `${hospitalOf('John Radcliffe Hospital', 'Advisory')}${hospitalOf('St Elsewhere', 'Closed')}${hospitalOf('Frimley Park Hospital', 'Closed')}</h:HospitalStatus>`;
      expect(await validateAgainstHaveSchema(xml)).toEqual({ valid: true, errors: [] });
      const posted = await post(board.adminKey, xml, 'application/xml');
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      const id = posted.body.updates[0].id as string;
      const result = await waitForUpdate(board, id);
      expect(result).toEqual({
        id,
        state: 'applied',
        seq: expect.any(Number),
        errors: [{ path: 'Hospital[1]', message: 'no ODS site code among its identifiers and no site is called "St Elsewhere"' }],
      });
      expect(await statusOf('RTH08')).toMatchObject({ ed: { status: 'advisory' }, source: 'edxl-have', updateId: id });
      expect(await statusOf('RDU01')).toMatchObject({ ed: { status: 'divert' }, source: 'edxl-have', updateId: id });
      const listed = (await api(board.url, board.adminKey, 'GET', '/rejections')).body.rejections.find((entry: { id: string }) => entry.id === id);
      expect(listed).toMatchObject({ id, partial: true, errors: result.errors });
    });

    it('an EDXL-HAVE 2.0 message is refused with its reason, not read as 1.0', async () => {
      const xml = readFileSync(here('../../workers/src/normalise/fixtures/have-2.0-namespace.xml'), 'utf8').replace('RHU03', 'RWEAA').replace('Queen Alexandra Hospital', 'Leicester Royal Infirmary');
      const posted = await post(board.adminKey, xml, 'application/xml');
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      const id = posted.body.updates[0].id as string;
      expect(await waitForUpdate(board, id)).toMatchObject({ id, state: 'rejected', errors: [{ message: expect.stringMatching(/^EDXL-HAVE 2\.0 \(namespace urn:oasis:names:tc:emergency:edxl:have:2\.0\) is not read/) }] });
      expect(await statusOf('RWEAA')).toMatchObject({ ed: null, updateId: null });
    });

    it('the same hospital without a DOCTYPE applies, so the two rejections above are about the entities', async () => {
      const posted = await post(board.adminKey, hospital('no cubicles'), 'application/xml');
      expect(posted.status).toBe(202);
      expect(await waitForUpdate(board, posted.body.updates[0].id)).toMatchObject({ state: 'applied' });
      expect(await statusOf('RGP75')).toMatchObject({ ed: { status: 'divert', reason: 'no cubicles' }, source: 'edxl-have' });
    });
  });

  describe('exports', () => {
    let trustKey: string;
    let displayKey: string;
    let directorKey: string;

    beforeAll(async () => {
      trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: ['RHU'] });
      displayKey = await createKey(board, { role: 'display', label: 'Control room wall' });
      directorKey = await createKey(board, { role: 'director', label: 'National director' });
      const posted = await api(board.url, board.adminKey, 'POST', '/updates', [
        { site: 'RAX01', opel: 2, incident: { level: 'critical', reason: 'IT outage' }, ed: { status: 'closed', divertTo: ['RJ701'], reason: 'flooding' }, note: '=cmd|calc, "quoted" & <tagged>' },
        { site: 'RJ701', opel: 3, ed: { status: 'advisory' }, metrics: { handoverMeanMin: 42, fourHourPct: 61.2 } },
        { site: 'RAS01', reap: 1, ed: { status: 'not_applicable' } },
      ]);
      expect(posted.status, JSON.stringify(posted.body)).toBe(202);
      for (const update of posted.body.updates) expect(await waitForUpdate(board, update.id)).toMatchObject({ state: 'applied' });
    });

    it('GET /export.csv has a header and one row per reference site', async () => {
      const response = await api(board.url, directorKey, 'GET', '/export.csv');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = (response.body as string).replace(/\r\n$/, '').split('\r\n');
      expect(reference.sites).toHaveLength(178);
      expect(lines).toHaveLength(178 + 1);
      const header = lines[0]!.split(',');
      expect(header.slice(0, 2)).toEqual(['site', 'name']);
      expect(lines.slice(1).map((line) => line.split(',')[0]).sort()).toEqual(reference.sites.map((site) => site.code).sort());
      const rax = lines.find((line) => line.startsWith('RAX01,'))!;
      expect(rax).toContain(',critical,');
      expect(rax).toContain(',closed,RJ701,');
      // A note that a spreadsheet would run as a formula is defused and quoted.
      expect(rax).toContain(`"'=cmd|calc, ""quoted"" & <tagged>"`);
    });

    it('GET /export/edxl-have.xml is valid EDXL-HAVE 1.0 (validated against the schema) and carries the live statuses', async () => {
      const response = await api(board.url, directorKey, 'GET', '/export/edxl-have.xml');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
      const xml = response.body as string;
      expect(xml.match(/<(?:\w+:)?Hospital>/g)).toHaveLength(178);
      expect(xml).toContain('RAX01');
      expect(xml).toMatch(/Closed<\/(?:\w+:)?EMSTrafficStatus>/);
      expect(xml).toMatch(/Advisory<\/(?:\w+:)?EMSTrafficStatus>/);
      expect(xml).toContain('&amp; &lt;tagged&gt;');

      expect(await validateAgainstHaveSchema(xml)).toEqual({ valid: true, errors: [] });
      // The same check fails on a document the schema forbids, so a pass above means something.
      expect((await validateAgainstHaveSchema(xml.replace(/Advisory(<\/(?:\w+:)?EMSTrafficStatus>)/, 'Diverting$1'))).valid).toBe(false);
    });

    it('exports are for directors and admins: 403 for trust and display keys', async () => {
      for (const path of ['/export.csv', '/export/edxl-have.xml']) {
        expect((await api(board.url, trustKey, 'GET', path)).status, `trust ${path}`).toBe(403);
        expect((await api(board.url, displayKey, 'GET', path)).status, `display ${path}`).toBe(403);
        expect((await api(board.url, board.adminKey, 'GET', path)).status, `admin ${path}`).toBe(200);
      }
    });
  });
});
