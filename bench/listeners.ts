/**
 * A child process holding many board clients for the latency benchmark. They are
 * real websocket connections speaking the socket.io protocol to `/board`, subscribed
 * like any board, but they only count `status` frames: parsing every event in 95
 * clients would take the CPU the board itself needs on a 2-core machine.
 */
import WebSocket from 'ws';

const [urlList, key, countText] = process.argv.slice(2);
// Spread over every server given (comma-separated), as a load balancer would.
const wsUrls = urlList!.split(',').map((url) => `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
let received = 0;
let statusBytes = 0;
let ready = 0;
const count = Number(countText);
const sockets: WebSocket[] = [];

for (let i = 0; i < count; i++) {
  const socket = new WebSocket(wsUrls[i % wsUrls.length]!);
  socket.on('message', (data: Buffer) => {
    const text = data.toString('latin1', 0, 24);
    if (text.startsWith('42/board,["status"')) {
      received++;
      statusBytes += data.length;
    }
    else if (text === '2') socket.send('3'); // engine.io ping → pong
    else if (text.startsWith('0{')) socket.send(`40/board,${JSON.stringify({ token: key })}`);
    else if (text.startsWith('40/board,')) socket.send('42/board,0["subscribe",{}]');
    else if (text.startsWith('43/board,0')) {
      ready++;
      if (ready === count) process.send?.('ready');
    }
  });
  sockets.push(socket);
}
process.on('message', () => process.send?.({ received, statusBytes }));
