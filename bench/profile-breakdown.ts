/**
 * Where a process's CPU went during a window of a benchmark, from the V8 CPU profile
 * it wrote at exit (`--cpu-prof`): each sample is charged to the nearest frame on its
 * stack that belongs to a known part of the live path (a library's own native calls,
 * such as JSON.stringify inside BullMQ, are charged to that library).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A part of the live path: its name and how to recognise its frames by script URL. */
export interface Category {
  name: string;
  test: (url: string, functionName: string) => boolean;
  /**
   * Node's own plumbing (sockets, streams, HTTP parsing) that every part calls: a
   * sample is charged here only when no specific part is on its stack.
   */
  fallback?: boolean;
}

const has = (...parts: string[]) => (url: string) => parts.some((part) => url.includes(part));

export const SERVER_CATEGORIES: Category[] = [
  { name: 'auth (key or session lookup)', test: has('/server/src/auth/') },
  { name: 'rate limits', test: has('/server/src/http/rate-limit', '/server/src/http/update-rate-limit', 'express-rate-limit', 'rate-limit-redis', 'rate-limiter-flexible') },
  { name: 'validation (read body, zod)', test: has('/server/src/ingest/read-update-body', '/zod/', '/shared/src/canonical-update') },
  { name: 'idempotency + enqueue (BullMQ add)', test: has('/server/src/ingest/enqueue-updates', '/bullmq/', '/shared/src/node/queue-depth') },
  { name: 'ingest (drafts, reference checks)', test: has('/server/src/ingest/', '/server/src/routes/updates') },
  { name: 'live fan-out (socket.io, ws)', test: has('/server/src/live/', '/socket.io', '/engine.io', '/ws/lib/', 'socket.io-parser', 'socket.io-adapter') },
  { name: 'redis client (ioredis)', test: has('/ioredis/', '/redis-parser/', '@ioredis') },
  { name: 'HTTP + express', test: has('/express/', '/router/', '/body-parser/', '/raw-body/', '/helmet/', '/server/src/http/', '/server/src/app', '/send/', '/serve-static/', '/finalhandler/', '/on-finished/') },
  { name: 'request logs (pino, pino-http)', test: has('/pino/', '/pino-http/', '/pino-std-serializers/', '/sonic-boom/') },
  { name: 'metrics (prom-client)', test: has('/prom-client/') },
  { name: 'HTTP + express', test: has('node:_http', 'node:net', 'node:stream', 'node:internal/http', 'node:internal/streams'), fallback: true },
];

export const WORKER_CATEGORIES: Category[] = [
  { name: 'normalise', test: has('/workers/src/normalise/') },
  { name: 'rules (merge, severity, alerts)', test: has('/shared/src/rules/') },
  { name: 'apply (compute + commit)', test: has('/workers/src/apply/', 'msgpackr') },
  { name: 'job validation (zod)', test: has('/zod/', '/shared/src/') },
  { name: 'BullMQ (job bookkeeping)', test: has('/bullmq/', '/workers/src/update-worker') },
  { name: 'redis client (ioredis)', test: has('/ioredis/', '/redis-parser/', '@ioredis') },
  { name: 'notifications', test: has('/workers/src/notify/') },
];

/** CPU milliseconds per category (plus GC and other) within [fromMicros, toMicros] of the monotonic clock. */
export function cpuByCategory(profile: CpuProfile, categories: Category[], fromMicros: number, toMicros: number): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const specific = categories.filter((category) => !category.fallback);
  const fallbacks = categories.filter((category) => category.fallback);
  // The nearest frame on the stack (the sample's own first) that a list recognises.
  const nearest = (list: Category[]) => {
    const memo = new Map<number, string | null>();
    const find = (id: number): string | null => {
      if (memo.has(id)) return memo.get(id)!;
      const frame = byId.get(id)!.callFrame;
      const match = frame.url ? list.find((category) => category.test(frame.url, frame.functionName)) : undefined;
      const up = parent.get(id);
      const name = match ? match.name : up !== undefined ? find(up) : null;
      memo.set(id, name);
      return name;
    };
    return find;
  };
  const specificOf = nearest(specific);
  const fallbackOf = nearest(fallbacks);
  const classify = (id: number): string => {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(garbage collector)') return 'GC';
    if (frame.functionName === '(idle)') return 'idle';
    return specificOf(id) ?? fallbackOf(id) ?? 'other (runtime, timers, JSON)';
  };
  const totals = new Map<string, number>();
  let at = profile.startTime;
  profile.samples.forEach((sample, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (at < fromMicros || at > toMicros) return;
    const name = classify(sample);
    if (name === 'idle') return;
    totals.set(name, (totals.get(name) ?? 0) + delta / 1000);
  });
  return totals;
}

/** The newest CPU profile in `dir` whose process was started by one of `pids` (tsx's child). */
export function readProfiles(dir: string): CpuProfile[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
  } catch {
    return [];
  }
  return files.map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
}

/** The monotonic clock in microseconds, the same clock V8 stamps profile samples with. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
