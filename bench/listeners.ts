/** A child process holding many board clients for the latency benchmark; counts what they receive. */
import { io } from 'socket.io-client';

const [url, key, countText] = process.argv.slice(2);
let received = 0;
const sockets = [];
for (let i = 0; i < Number(countText); i++) {
  const socket = io(`${url}/board`, { auth: { token: key }, transports: ['websocket'] });
  socket.on('status', () => received++);
  await socket.emitWithAck('subscribe', {});
  sockets.push(socket);
}
process.send?.('ready');
process.on('message', () => process.send?.({ received }));
