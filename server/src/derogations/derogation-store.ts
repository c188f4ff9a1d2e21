import { randomBytes } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import {
  DEROGATION_STATES,
  DEROGATION_TRANSITIONS,
  derogationSchema,
  type Derogation,
  type DerogationChange,
  type DerogationCreate,
  type DerogationState,
  type RedisKeys,
  type Site,
} from '@pb/shared';
import { defineLuaCommand, loadLuaScript } from '@pb/shared/node';
import { ApiError } from '../http/api-error.js';

const SCRIPT = loadLuaScript(new URL('./save-derogation.lua', import.meta.url));

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** server/src/derogations/save-derogation.lua: KEYS and ARGV are listed in its header. */
    pbSaveDerogation(derogations: string, seq: string, events: string, seqTimes: string, request: string): Result<number, Context>;
  }
}

/** Per-region counts (a shared rule: the board's tiles count the same way). */
export { summariseDerogations, type DerogationSummary } from '@pb/shared';

/** Strike-time derogation requests and their state changes, each change an event. */
export class DerogationStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async list(): Promise<Derogation[]> {
    const all = await this.redis.hvals(this.keys.derogations);
    return all.map((json) => derogationSchema.parse(JSON.parse(json))).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async get(id: string): Promise<Derogation | null> {
    const json = await this.redis.hget(this.keys.derogations, id);
    return json ? derogationSchema.parse(JSON.parse(json)) : null;
  }

  async create(site: Site, request: DerogationCreate, by: string): Promise<{ derogation: Derogation; seq: number }> {
    const now = new Date().toISOString();
    const derogation: Derogation = {
      id: `d_${randomBytes(8).toString('hex')}`,
      site: site.code,
      trust: site.trust,
      region: site.region,
      service: request.service,
      staffRequested: request.staffRequested,
      ...(request.reason ? { reason: request.reason } : {}),
      state: 'submitted',
      createdAt: now,
      updatedAt: now,
      createdBy: by,
      history: [{ state: 'submitted', at: now, by }],
    };
    const seq = await this.save(derogation.id, '', derogation);
    if (seq < 0) throw new ApiError(409, 'conflict', 'A derogation request with this id already exists; try again.');
    return { derogation, seq };
  }

  /**
   * Records a move the caller may make (checked with `checkDerogationMove` first). The
   * lifecycle is checked again here, so no caller can store a move it does not allow.
   */
  async changeState(current: Derogation, currentJson: string, change: DerogationChange, by: string): Promise<Derogation> {
    const { state, note, decisionRef } = change;
    if (!DEROGATION_TRANSITIONS[current.state].includes(state)) {
      const allowed = DEROGATION_TRANSITIONS[current.state];
      throw new ApiError(409, 'invalid_transition', `A ${current.state} request cannot become ${state}${allowed.length ? `; it can become ${allowed.join(' or ')}` : '; it is final'}.`, [{ path: 'state', message: `cannot go from ${current.state} to ${state}` }]);
    }
    const now = new Date().toISOString();
    const entry = { state, at: now, by, ...(note ? { note } : {}), ...(decisionRef ? { decisionRef } : {}) };
    const next: Derogation = { ...current, state, updatedAt: now, history: [...current.history, entry] };
    const seq = await this.save(current.id, currentJson, next);
    if (seq < 0) throw new ApiError(409, 'conflict', 'The request changed while you were updating it; reload and try again.');
    return next;
  }

  async rawJson(id: string): Promise<string | null> {
    return this.redis.hget(this.keys.derogations, id);
  }

  /** Stores the request if it is still `expected` and publishes it; the seq, or -1 when it changed meanwhile. */
  private async save(id: string, expected: string, derogation: Derogation): Promise<number> {
    const k = this.keys;
    defineLuaCommand(this.redis, 'pbSaveDerogation', { numberOfKeys: 4, lua: SCRIPT });
    const request = JSON.stringify({ id, expected, derogation: JSON.stringify(derogation), now: Date.now() });
    return this.redis.pbSaveDerogation(k.derogations, k.seq, k.events, k.seqTimes, request);
  }
}
