import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '@pb/shared/node';

export interface RunningMetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A worker process's `GET /metrics` (Prometheus) on its own port (`PB_METRICS_PORT`).
 * Workers have no HTTP API, so this tiny server is all they listen on; anything else is a 404.
 */
export async function startMetricsServer(registry: Registry, port: number, logger: Logger, host = '0.0.0.0'): Promise<RunningMetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain', 'X-Content-Type-Options': 'nosniff' }).end('Not found: this port serves GET /metrics only.\n');
      return;
    }
    registry
      .metrics()
      .then((text) => res.writeHead(200, { 'Content-Type': registry.contentType, 'X-Content-Type-Options': 'nosniff' }).end(text))
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'could not collect metrics');
        res.writeHead(503, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  logger.info({ port: bound }, 'worker metrics listening');
  return {
    port: bound,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
