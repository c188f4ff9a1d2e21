import type { LiveEvent, ServerToClientEvents } from '@pb/shared';

/** Anything that sends the `/board` events: one socket, or a room broadcast (encoded once for all its sockets). */
export interface LiveEventTarget {
  emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): boolean;
}

/**
 * Sends a stream event as the socket event of its kind, typed by the event map end to end.
 *
 * @example
 * emitLiveEvent(nsp.to(['all', 'region:Y56']), event); // one encode, every socket in those rooms
 */
export function emitLiveEvent(target: LiveEventTarget, event: LiveEvent): void {
  switch (event.kind) {
    case 'status':
      target.emit('status', event.payload);
      break;
    case 'alert':
      target.emit('alert', event.payload);
      break;
    case 'derogation':
      target.emit('derogation', event.payload);
      break;
  }
}
