import { createRequire } from 'node:module';
import type { Socket as NetSocket } from 'node:net';

/**
 * Under load most of a server's time went on one `writev` system call per websocket
 * frame: 100 boards × 500 events a second is 50,000 calls. engine.io sends the frames
 * queued for a socket in one loop; holding that socket corked until the end of the
 * tick lets the kernel take them in one call instead of one per frame. Nothing else
 * changes: the same frames, in the same order, to the same sockets.
 */
export function coalesceWebsocketFrames(): void {
  const require = createRequire(import.meta.url);
  const { transports } = require('engine.io') as {
    transports: { websocket: { prototype: { send(packets: unknown[]): void; socket?: { _socket?: NetSocket }; __pbCoalesced?: boolean } } };
  };
  const proto = transports.websocket.prototype;
  if (proto.__pbCoalesced) return;
  const send = proto.send;
  proto.send = function sendCoalesced(this: typeof proto, packets: unknown[]) {
    const raw = this.socket?._socket;
    if (!raw || packets.length === 0) return send.call(this, packets);
    raw.cork();
    try {
      send.call(this, packets);
    } finally {
      process.nextTick(() => raw.uncork());
    }
  };
  proto.__pbCoalesced = true;
}
