import { isRegionCode, subscribeRequestSchema, type Ack, type LiveEvent, type SubscribeResult } from '@pb/shared';
import { readableRegions } from '../auth/authenticate.js';
import type { RegionFilter } from '../board/read-board.js';
import { ALL_REGIONS_ROOM, regionRoom, type BoardSocket } from './board-socket.js';
import { catchUp, isCurrent, type CatchUpDeps } from './catch-up.js';
import type { EventStreamTail } from './event-stream-tail.js';
import type { BuiltSnapshot, SharedSnapshots } from './shared-snapshots.js';
import type { SnapshotDelivery } from './snapshot-delivery.js';

/**
 * A snapshot a little behind the board is as good as a new one: the events after
 * its seq follow it from the tail's memory. Within these bounds subscribers share
 * the last snapshot built instead of each reading the board again.
 */
const SNAPSHOT_SHARED_FOR_MS = 500;
const SNAPSHOT_SHARED_BEHIND = 1_000;
/**
 * A snapshot still at the board's seq is the board (nothing has changed since), but
 * its `asOf` and the stale flags, which follow the clock, age; the staleness job
 * publishes changes every minute, so a snapshot is not reused for longer than that.
 */
const SNAPSHOT_SAME_SEQ_FOR_MS = 60_000;
/** Snapshots tried before a subscribe gives up (each is only needed when the stream lost events meanwhile). */
const SNAPSHOT_ATTEMPTS = 3;

/** What a catch-up needs, and the shared snapshots for a socket that needs one. */
export interface SubscribeDeps extends CatchUpDeps {
  snapshots: SharedSnapshots;
  delivery: SnapshotDelivery;
}

/** The answer when the socket closed (or subscribed again) while being caught up; rarely seen by anyone. */
const SUPERSEDED: Ack<SubscribeResult> = { ok: false, error: { code: 'superseded', message: 'The connection closed, or a newer subscribe replaced this one.' } };

/**
 * Answers one `subscribe` (SPEC §5, §10 "Live", §11 "Sockets"): checks the socket's
 * subscribe limit before anything else, catches the socket up by replay (when
 * `since` is still in the stream) or by a shared snapshot, and leaves it in the
 * rooms of the regions it may see.
 */
export async function subscribeBoard(deps: SubscribeDeps, socket: BoardSocket, request: unknown): Promise<Ack<SubscribeResult>> {
  const now = Date.now();
  const limit = socket.data.subscribeLimit;
  if (!limit.tryTake(now)) return { ok: false, error: { code: 'rate_limited', message: limit.describe(now) } };

  const parsed = subscribeRequestSchema.safeParse(request ?? {});
  if (!parsed.success) return { ok: false, error: { code: 'invalid_request', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ') } };
  const { since } = parsed.data;
  const unknown = (parsed.data.regions ?? []).filter((code) => !isRegionCode(code));
  if (unknown.length) return { ok: false, error: { code: 'invalid_request', message: `unknown region ${unknown.join(', ')}` } };

  const allowed = readableRegions(socket.data.me);
  const asked = parsed.data.regions?.length ? new Set(parsed.data.regions) : null;
  if (allowed && asked && [...asked].some((code) => !allowed.has(code))) {
    return { ok: false, error: { code: 'forbidden', message: `This key may read only ${[...allowed].sort().join(', ')}.` } };
  }
  const regions: RegionFilter = asked ?? allowed;

  // One subscribe at a time per socket, answered in order: a second one waits for the
  // first to finish rather than interleave its catch-up with it.
  const previous = socket.data.subscribing;
  const running = previous.then(() => startSubscription(deps, socket, since, regions));
  socket.data.subscribing = running.then(
    () => undefined,
    () => undefined,
  );
  return running;
}

async function startSubscription(deps: SubscribeDeps, socket: BoardSocket, since: number | undefined, regions: RegionFilter): Promise<Ack<SubscribeResult>> {
  // Queued subscribes would otherwise run back to back in one turn of the event loop,
  // each sending up to a chunk of events: let other work in between them.
  await new Promise((resolve) => setImmediate(resolve));
  if (!socket.connected) return SUPERSEDED;
  const visible = (event: LiveEvent) => regions === null || regions.has(event.region);
  const rooms = regions === null ? [ALL_REGIONS_ROOM] : [...regions].map(regionRoom);
  // From here on this is the socket's subscription: leave the old rooms first, so no
  // live event reaches it until the catch-up below is sent.
  const generation = ++socket.data.subscription;
  for (const room of socket.data.rooms) void socket.leave(room);
  socket.data.rooms = [];

  let mode: SubscribeResult['mode'] = 'replay';
  /** The seq the socket has; null while it needs a snapshot. */
  let after: number | null = since ?? null;
  if (since !== undefined && since > deps.tail.lastSeq) {
    // Ahead of this process's tail; ahead of the board too gets a snapshot.
    const boardSeq = Number((await deps.redis.get(deps.keys.seq)) ?? 0);
    if (since > boardSeq) after = null;
  }
  /** A snapshot must reach at least this seq (past events the stream no longer holds). */
  let atLeast = 0;
  const member = { socket, generation };
  for (let snapshots = 0; ; ) {
    if (after === null) {
      if (snapshots++ >= SNAPSHOT_ATTEMPTS) throw new Error('the event stream kept losing events while catching up');
      mode = 'snapshot';
      const built = await deps.snapshots.get(regions, (candidate) => shareable(candidate, atLeast, deps.tail));
      await deps.tail.waitFor(built.snapshot.seq);
      if (!isCurrent(member)) return SUPERSEDED;
      const delivered = await deps.delivery.deliver(socket, generation, built, visible, rooms);
      if (delivered.kind === 'superseded') return SUPERSEDED;
      if (delivered.kind === 'joined') return caughtUp(mode, delivered.upTo, deps.tail);
      atLeast = delivered.after + 1;
      continue;
    }
    const outcome = await catchUp(deps, { members: [member], after, visible, rooms });
    if (outcome.members.length === 0) return SUPERSEDED;
    if (outcome.kind === 'joined') return caughtUp(mode, outcome.upTo, deps.tail);
    // The stream no longer holds what follows `after`: the socket needs a snapshot past it.
    atLeast = outcome.after + 1;
    after = null;
  }
}

function caughtUp(mode: SubscribeResult['mode'], upTo: number, tail: EventStreamTail): Ack<SubscribeResult> {
  return { ok: true, data: { mode, seq: Math.max(upTo, tail.lastSeq) } };
}

/** Whether a snapshot built earlier may serve a new subscriber (see the bounds above). */
function shareable({ snapshot, builtAt }: BuiltSnapshot, atLeast: number, tail: EventStreamTail): boolean {
  if (snapshot.seq < atLeast) return false;
  const age = Date.now() - builtAt;
  if (snapshot.seq >= tail.lastSeq) return age <= SNAPSHOT_SAME_SEQ_FOR_MS;
  return age <= SNAPSHOT_SHARED_FOR_MS && tail.lastSeq - snapshot.seq <= SNAPSHOT_SHARED_BEHIND && tail.eventsAfter(snapshot.seq) !== null;
}
