/**
 * The load balancer for benchmarks of several servers behind one port (`npm run bench --
 * storm2`), in processes of its own: http-proxy-3 forwarding HTTP requests and
 * websocket upgrades to the servers, as `deploy/Caddyfile` does in production.
 *
 *   tsx bench/proxy.ts <port> <server url,server url,…> <processes>
 *
 * Balancing: the server with the fewest open websockets (per proxy process), among
 * those whose `/readyz` answered 200 at the last check (every `BENCH_PROXY_HEALTH_MS`,
 * default 500) and that did not just refuse a connection. No stickiness: the screens
 * speak websocket only (no HTTP long-polling), so a screen's socket.io session lives on
 * one connection, and after a drop it may land on any server, resubscribing with `since`.
 *
 * Each server takes at most `BENCH_PROXY_MAX_PER_SERVER` websockets (default: this
 * machine's open-file limit less 1,000, since one server process cannot hold more), as
 * Caddy's `max_requests` would; past that an upgrade is answered 503 and the screen
 * retries after its back-off. The proxy itself is several processes sharing the port
 * (node:cluster), so that none holds more sockets than that limit either.
 *
 * Parent ← proxy: `{ type: 'listening' }` once every process listens.
 */
import cluster from 'node:cluster';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { createProxyServer } from 'http-proxy-3';

const [portText, serverList, processesText] = process.argv.slice(2);
const port = Number(portText);
const servers = serverList!.split(',');
const processes = Math.max(1, Number(processesText ?? 1));
const HEALTH_MS = Number(process.env.BENCH_PROXY_HEALTH_MS ?? 500);

/** The soft limit on open files of this process (`ulimit -n`), from /proc. */
function openFileLimit(): number {
  const line = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return line ? Number(line[1]) : 1_024;
}

const MAX_PER_SERVER = Number(process.env.BENCH_PROXY_MAX_PER_SERVER ?? Math.max(1_000, openFileLimit() - 1_000));

if (cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < processes; i++) {
    cluster.fork().once('listening', () => {
      if (++listening === processes) process.send?.({ type: 'listening' });
    });
  }
  // The benchmark gone, the proxy goes too.
  process.on('disconnect', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    process.exit(0);
  });
} else {
  interface Backend {
    url: string;
    healthy: boolean;
    open: number;
  }
  const backends: Backend[] = servers.map((url) => ({ url, healthy: true, open: 0 }));
  const cap = Math.floor(MAX_PER_SERVER / processes);
  const proxy = createProxyServer({ xfwd: true });
  proxy.on('error', () => undefined);

  /** The healthy server with the fewest open websockets and room for one more; any healthy one for plain HTTP. */
  const choose = (forSocket: boolean): Backend | undefined =>
    backends.filter((b) => b.healthy && (!forSocket || b.open < cap)).sort((a, b) => a.open - b.open)[0];

  // A refused or reset connection takes a server out until its /readyz answers again.
  const markDown = (backend: Backend) => {
    backend.healthy = false;
  };

  const check = async (backend: Backend) => {
    try {
      backend.healthy = (await fetch(`${backend.url}/readyz`, { signal: AbortSignal.timeout(HEALTH_MS * 2) })).ok;
    } catch {
      backend.healthy = false;
    }
  };
  setInterval(() => backends.forEach((backend) => void check(backend)), HEALTH_MS).unref();

  const server = http.createServer((req, res) => {
    const backend = choose(false);
    if (!backend) return void res.writeHead(503).end();
    proxy.web(req, res, { target: backend.url }, () => {
      markDown(backend);
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: import('node:net').Socket, head: Buffer) => {
    socket.on('error', () => undefined);
    const backend = choose(true);
    if (!backend) return void socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    backend.open++;
    socket.once('close', () => backend.open--);
    proxy.ws(req, socket, head, { target: backend.url }, () => markDown(backend));
  });
  server.listen(port, '127.0.0.1');
}
