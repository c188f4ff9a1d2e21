import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, freePort } from '@pb/shared/node';
import { startServer, type RunningServer } from '../../server/src/start-server.js';
import { api, createKey, reference, startTestBoard, waitForUpdate, type TestBoard } from '../support/test-board.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${ROOT}cli/bin/pressure-board.js`;
const ESC = '\x1b[';
const RED = '\x1b[31m';

/** The environment of a terminal with none of the command's own settings or colour hints. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
  for (const name of ['PB_URL', 'PB_KEY', 'NO_COLOR', 'FORCE_COLOR', 'CI']) delete env[name];
  return { ...env, ...extra };
}

/** The lines a child writes to one stream, and a way to await the one that matches. */
class Lines {
  readonly all: string[] = [];
  #partial = '';
  #waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];

  constructor(stream: NodeJS.ReadableStream) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (this.#partial + chunk).split('\n');
      this.#partial = parts.pop() ?? '';
      for (const line of parts) {
        this.all.push(line);
        this.#waiters = this.#waiters.filter((waiter) => !(waiter.match(line) && (waiter.resolve(line), true)));
      }
    });
  }

  get text(): string {
    return [...this.all, this.#partial].join('\n');
  }

  /** The first line (already written or still to come) that matches, after `from` lines. */
  next(pattern: RegExp | ((line: string) => boolean), what: string, timeoutMs = 20_000, from = 0): Promise<string> {
    const match = typeof pattern === 'function' ? pattern : (line: string) => pattern.test(line);
    const seen = this.all.slice(from).find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got:\n${this.text}`)), timeoutMs);
      this.#waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  }
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: Lines;
  stderr: Lines;
  exit: Promise<number | null>;
}

/** Starts `pressure-board <args>` the way npm's bin link does: node running cli/bin/pressure-board.js. */
function start(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv(env) });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: new Lines(child.stdout), stderr: new Lines(child.stderr), exit };
}

/** Runs `pressure-board <args>` to the end, with `input` on stdin. */
async function run(args: string[], env: Record<string, string>, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const running = start(args, env);
  running.child.stdin.end(input ?? '');
  const code = await running.exit;
  return { code, stdout: running.stdout.text, stderr: running.stderr.text };
}

describe('the pressure-board command line', () => {
  let board: TestBoard;
  let trustKey: string;
  let directory: string;
  const children: Running[] = [];
  const servers: RunningServer[] = [];
  const logger = createLogger('test', 'silent');
  const as = (key: string) => ({ PB_URL: board.url, PB_KEY: key });

  beforeAll(async () => {
    board = await startTestBoard();
    trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: ['RHU'] });
    directory = await mkdtemp(join(tmpdir(), 'pb-cli-'));
  });
  afterAll(async () => {
    for (const running of children) if (running.child.exitCode === null) running.child.kill('SIGKILL');
    for (const server of servers) await server.close();
    await board?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('posts canonical JSON from a file and, with --wait, prints it applied', async () => {
    const file = join(directory, 'update.json');
    await writeFile(file, JSON.stringify({ site: 'RHU03', opel: 3, note: 'from the command line' }));
    const posted = await run(['post', file, '--wait'], as(trustKey));
    expect(posted.code, posted.stderr).toBe(0);
    const id = /^(\S+) queued$/m.exec(posted.stdout)?.[1];
    expect(id).toBeDefined();
    expect(posted.stdout).toMatch(new RegExp(`^${id} applied \\(RHU03, seq \\d+\\)$`, 'm'));
    expect((await api(board.url, trustKey, 'GET', '/sites/RHU03')).body).toMatchObject({ opel: 3, note: 'from the command line' });
  });

  it('posts from stdin with --type, and an Idempotency-Key repeat returns the same update', async () => {
    const body = JSON.stringify([{ site: 'RHU03', metrics: { handoverMeanMin: 42 } }]);
    const args = ['post', '-', '--type', 'json', '--idempotency-key', 'cli-test-1', '--wait'];
    const first = await run(args, as(trustKey), body);
    expect(first.code, first.stderr).toBe(0);
    const id = /^(\S+) queued$/m.exec(first.stdout)?.[1];
    expect(first.stdout).toMatch(new RegExp(`^${id} applied`, 'm'));
    const again = await run(args, as(trustKey), body);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`${id} queued`);
    expect((await api(board.url, trustKey, 'GET', '/sites/RHU03')).body.metrics).toMatchObject({ handoverMeanMin: 42 });
  });

  it('posts CSV: a bad row is shown with its reasons and the command exits 1, the good rows apply', async () => {
    const file = join(directory, 'rows.csv');
    await writeFile(file, 'site,opel,note\nRHU03,2,fine\nRHU03,3,one,too many\nRHU03,9,out of range\n');
    const posted = await run(['post', file, '--wait'], as(trustKey));
    expect(posted.code).toBe(1);
    expect(posted.stdout).toMatch(/^row 1: \S+ queued$/m);
    expect(posted.stdout).toMatch(/^row 2: rejected$/m);
    expect(posted.stdout).toMatch(/row 2 has 4 cells; the header has 3/);
    expect(posted.stdout).toMatch(/^row 1: \S+ applied \(seq \d+\)$/m);
    expect(posted.stdout).toMatch(/^row 3: \S+ rejected/m);
    expect(posted.stdout).toMatch(/^ {4}opel: /m);
    expect(posted.stderr).toMatch(/2 of 3 updates were refused \(listed above\)/);
  });

  it('creates, lists and revokes a key; the revoked key is then refused with 401', async () => {
    const created = await run(['keys', 'create', '--role', 'trust', '--trusts', 'rhu', '--label', 'Night EPRR'], as(board.adminKey));
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).not.toContain('\n');
    expect(created.stderr).toMatch(/Created trust key (\S+) "Night EPRR" \(trusts RHU\)/);
    expect(created.stderr).toMatch(/Store this key now: it is shown only this once/);
    const id = /Created trust key (\S+)/.exec(created.stderr)![1]!;
    expect((await api(board.url, secret, 'GET', '/me')).body).toMatchObject({ id, role: 'trust', trusts: ['RHU'] });

    const listed = await run(['keys', 'list'], as(board.adminKey));
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID\s+ROLE\s+SCOPE\s+CREATED\s+STATE\s+LABEL$/);
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+trust\\s+trusts RHU\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+active\\s+Night EPRR$`, 'm'));
    expect(listed.stdout).not.toContain(secret);

    const revoked = await run(['keys', 'revoke', id], as(board.adminKey));
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Revoked trust key ${id} "Night EPRR".`);
    expect((await run(['keys', 'list'], as(board.adminKey))).stdout).toMatch(new RegExp(`^${id}\\s.*\\srevoked \\d{4}-`, 'm'));

    const file = join(directory, 'after-revoke.json');
    await writeFile(file, JSON.stringify({ site: 'RHU03', opel: 1 }));
    const refused = await run(['post', file], as(secret));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: HTTP 401 \w+: .+/m);
    expect(refused.stderr).not.toContain(secret);

    const notFound = await run(['keys', 'revoke', 'no-such-key'], as(board.adminKey));
    expect(notFound.code).toBe(1);
    expect(notFound.stderr).toMatch(/HTTP 404 not_found: No key with id no-such-key/);
  });

  it('exports the board as CSV to stdout and to a file, for one region', async () => {
    const exported = await run(['export', '--format', 'csv'], as(board.adminKey));
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toBe((await api(board.url, board.adminKey, 'GET', '/export.csv')).body);
    const lines = exported.stdout.replace(/\r\n$/, '').split('\r\n');
    expect(lines[0]!.split(',').slice(0, 2)).toEqual(['site', 'name']);
    expect(lines).toHaveLength(reference.sites.length + 1);

    const file = join(directory, 'london.csv');
    const london = await run(['export', '--region', 'Y56', '-o', file], as(board.adminKey));
    expect(london.code, london.stderr).toBe(0);
    expect(london.stderr).toMatch(/Wrote \d+ bytes to .*london\.csv/);
    const rows = (await readFile(file, 'utf8')).replace(/\r\n$/, '').split('\r\n').slice(1);
    expect(rows.map((row) => row.split(',')[0]).sort()).toEqual(reference.sites.filter((site) => site.region === 'Y56').map((site) => site.code).sort());

    const forbidden = await run(['export'], as(trustKey));
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/HTTP 403 forbidden/);
  });

  it('tails the live board: coloured lines per event, and after a server restart resumes with since, missing and repeating nothing', async () => {
    const before = await api(board.url, board.adminKey, 'POST', '/updates', { site: 'RHU03', opel: 3, incident: { level: 'none' } });
    await waitForUpdate(board, before.body.updates[0].id);
    const tail = start(['tail'], { ...as(board.adminKey), FORCE_COLOR: '1' });
    children.push(tail);
    await tail.stderr.next(/live: every region this key may read, from a snapshot/, 'the tail to subscribe');
    const snapshot = await tail.stdout.next(/snapshot: 178 sites/, 'the snapshot summary');
    const snapshotSeq = Number(/#(\d+)/.exec(snapshot)![1]);

    const critical = await api(board.url, board.adminKey, 'POST', '/updates', { site: 'RHU03', opel: 4, incident: { level: 'critical', reason: 'industrial action' } });
    const criticalSeq = (await waitForUpdate(board, critical.body.updates[0].id)).seq as number;
    const statusLine = await tail.stdout.next((line) => line.includes(`#${criticalSeq}${ESC}`), `the line for #${criticalSeq}`);
    expect(statusLine).toContain('RHU03 Queen Alexandra Hospital');
    expect(statusLine).toContain(`${RED}[4] OPEL 4, critical incident`);
    expect(statusLine).toMatch(/ — OPEL 3→4, incident none→critical\b/);
    expect(await tail.stdout.next(/alert raised: critical incident/, 'the alert line')).toContain(RED);

    // The server goes away. While it is down, an update is applied through another server
    // of the same board; when it is back, the tail must resume after the last seq it printed.
    const port = board.server.port;
    const stderrBefore = tail.stderr.all.length;
    await board.server.close();
    await tail.stderr.next(/reconnecting, then resuming after #\d+/, 'the tail to notice the drop', 20_000, stderrBefore);
    const other = await startServer(board.config, reference, logger);
    servers.push(other);
    const otherUrl = `http://127.0.0.1:${other.port}`;
    const missed = await api(otherUrl, board.adminKey, 'POST', '/updates', { site: 'RHU03', opel: 2, incident: { level: 'none' } });
    const missedSeq = (await waitForUpdate({ url: otherUrl, adminKey: board.adminKey }, missed.body.updates[0].id)).seq as number;
    const lastPrinted = Math.max(...tail.stdout.all.map((line) => Number(/#(\d+)/.exec(line)?.[1] ?? 0)));
    expect(missedSeq).toBeGreaterThan(lastPrinted);

    board.server = await startServer({ ...board.config, port }, reference, logger);
    await tail.stderr.next(new RegExp(`resumed after #${lastPrinted}`), 'the tail to resume with since', 30_000, stderrBefore);
    const resumed = await tail.stdout.next((line) => line.includes(`#${missedSeq}${ESC}`), `the missed #${missedSeq}`);
    expect(resumed).toMatch(/OPEL 4→2, incident critical→none/);
    expect(resumed).not.toContain(RED);

    const next = await api(board.url, board.adminKey, 'POST', '/updates', { site: 'RHU03', opel: 3 });
    const nextSeq = (await waitForUpdate(board, next.body.updates[0].id)).seq as number;
    await tail.stdout.next((line) => line.includes(`#${nextSeq}${ESC}`), `the next #${nextSeq}`);

    // Every seq once, in order, none missing: the subscription is unfiltered, so the stream is gap-free.
    const printed = tail.stdout.all.map((line) => Number(/#(\d+)/.exec(line)?.[1]));
    expect(printed).toEqual(Array.from({ length: nextSeq - snapshotSeq + 1 }, (_, i) => snapshotSeq + i));

    tail.child.kill('SIGINT');
    expect(await tail.exit).toBe(0);
  }, 120_000);

  it('tails one region as JSON lines, without colour', async () => {
    const tail = start(['tail', '--region', 'y56', '--json'], as(board.adminKey));
    children.push(tail);
    await tail.stderr.next(/live: Y56, from a snapshot/, 'the tail to subscribe');
    const snapshot = JSON.parse(await tail.stdout.next(/"event":"snapshot"/, 'the snapshot'));
    expect(snapshot.sites.every((site: { region: string }) => site.region === 'Y56')).toBe(true);
    const londonSite = reference.sites.find((site) => site.region === 'Y56')!.code;
    await api(board.url, board.adminKey, 'POST', '/updates', [{ site: 'RHU03', opel: 1 }, { site: londonSite, opel: 2 }]);
    const event = JSON.parse(await tail.stdout.next(/"event":"status"/, 'the London status event'));
    expect(event).toMatchObject({ event: 'status', site: londonSite, status: { opel: 2, region: 'Y56' } });
    expect(tail.stdout.text).not.toContain('"site":"RHU03"');
    expect(tail.stdout.text + tail.stderr.text).not.toContain(ESC);
    tail.child.kill('SIGINT');
    expect(await tail.exit).toBe(0);
  });

  it('stops tailing with exit 1 when its key is revoked', async () => {
    const displayKey = await createKey(board, { role: 'display', label: 'Control room wall' });
    const tail = start(['tail'], as(displayKey));
    children.push(tail);
    await tail.stderr.next(/live: /, 'the tail to subscribe');
    const id = (await api(board.url, displayKey, 'GET', '/me')).body.id as string;
    expect((await api(board.url, board.adminKey, 'DELETE', `/keys/${id}`)).status).toBe(200);
    expect(await tail.exit).toBe(1);
    expect(tail.stderr.text).toMatch(/error: the board refused the live connection \(unauthorized\): .*revoked/);
    expect(tail.stderr.text).not.toContain(displayKey);
  });

  it('says what is wrong and exits 2 on bad usage, 1 when the board cannot be reached', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['post', 'x.json', '--type', 'yaml'], /argument 'yaml' is invalid\. Allowed choices are json, csv, text, xml/],
      [['post', join(directory, 'notes.md')], /cannot tell the format of .*notes\.md from its extension/],
      [['post', '-'], /say what stdin holds with --type json\|csv\|text\|xml/],
      [['tail', '--region', 'Y99'], /unknown region Y99; the regions are Y56/],
      [['keys', 'create', '--role', 'trust', '--label', 'No trusts'], /--trusts: a trust key needs at least one trust code/],
      [['keys', 'create', '--label', 'No role'], /required option '--role <role>' not specified/],
      [['replay'], /missing required argument 'sitrep\.csv'/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args, as(board.adminKey));
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    const keyless = await run(['keys', 'list'], { PB_URL: board.url });
    expect(keyless.code).toBe(2);
    expect(keyless.stderr).toMatch(/a key is needed: pass --key or set PB_KEY/);

    const closed = await freePort();
    const unreachable = await run(['keys', 'list', '--url', `http://127.0.0.1:${closed}`], { PB_KEY: board.adminKey });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(new RegExp(`^error: cannot reach http://127\\.0\\.0\\.1:${closed}: ECONNREFUSED`, 'm'));
    expect(unreachable.stderr).not.toContain(board.adminKey);
  });
});
