import type { LiveEvent } from '@pb/shared';
import type { BoardSocket } from './board-socket.js';
import { catchUp, isCurrent, type CatchUpDeps, type CatchUpMember } from './catch-up.js';
import type { BuiltSnapshot } from './shared-snapshots.js';

/** How a socket's snapshot went out. */
export type SnapshotDeliveryOutcome =
  /** The snapshot and every later event up to `upTo` were sent and the socket joined its rooms. */
  | { kind: 'joined'; upTo: number }
  /** The snapshot was sent, but the stream no longer holds every event after `after`: another snapshot is due. */
  | { kind: 'gap'; after: number }
  /** The socket closed or subscribed again meanwhile. */
  | { kind: 'superseded' };

interface Waiting extends CatchUpMember {
  resolve: (outcome: SnapshotDeliveryOutcome) => void;
  reject: (error: unknown) => void;
}

interface Group {
  built: BuiltSnapshot;
  visible: (event: LiveEvent) => boolean;
  rooms: string[];
  members: Waiting[];
}

/**
 * Sends a shared snapshot, and the events that followed it, to every socket waiting
 * for it as one broadcast: the snapshot is the largest thing the server sends, and
 * socket.io encodes a broadcast once for all its sockets instead of once per socket.
 * Sockets waiting in the same tick for the same snapshot (hence the same regions)
 * form one group, sent on the next turn of the event loop; the group is then caught
 * up and joins its rooms together (see `catchUp`), so none misses or repeats a live event.
 */
export class SnapshotDelivery {
  private readonly groups = new Map<BuiltSnapshot, Group>();
  private flushScheduled = false;

  constructor(private readonly deps: CatchUpDeps) {}

  /** Queues the socket for the snapshot's next group send. */
  deliver(socket: BoardSocket, generation: number, built: BuiltSnapshot, visible: (event: LiveEvent) => boolean, rooms: string[]): Promise<SnapshotDeliveryOutcome> {
    let group = this.groups.get(built);
    if (!group) {
      group = { built, visible, rooms, members: [] };
      this.groups.set(built, group);
    }
    const members = group.members;
    const delivered = new Promise<SnapshotDeliveryOutcome>((resolve, reject) => members.push({ socket, generation, resolve, reject }));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return delivered;
  }

  private flush(): void {
    this.flushScheduled = false;
    const groups = [...this.groups.values()];
    this.groups.clear();
    for (const group of groups) void this.send(group);
  }

  private async send(group: Group): Promise<void> {
    const members: Waiting[] = [];
    for (const member of group.members) {
      if (isCurrent(member)) members.push(member);
      else member.resolve({ kind: 'superseded' });
    }
    if (members.length === 0) return;
    const { snapshot } = group.built;
    this.deps.nsp.to(members.map(({ socket }) => socket.id)).emit('snapshot', snapshot);
    try {
      const outcome = await catchUp(this.deps, { members, after: snapshot.seq, visible: group.visible, rooms: group.rooms });
      const done = new Set(outcome.members);
      for (const member of members) {
        if (!done.has(member)) member.resolve({ kind: 'superseded' });
        else if (outcome.kind === 'joined') member.resolve({ kind: 'joined', upTo: outcome.upTo });
        else member.resolve({ kind: 'gap', after: outcome.after });
      }
    } catch (error) {
      for (const member of members) member.reject(error);
    }
  }
}
