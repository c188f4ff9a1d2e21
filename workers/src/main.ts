import { createLogger, loadConfig, loadReferenceData, ConfigError } from '@pb/shared/node';
import { startWorkers } from './start-workers.js';
import { stopOnSignals } from '@pb/shared/node';

/** `npm run start:workers`: the normalise-and-apply workers on their own. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireRedisUrl: true });
  const logger = createLogger('workers', config.logLevel);
  const reference = loadReferenceData(config.sitesFile);
  const workers = await startWorkers(config, reference, logger, { metricsPort: metricsPortFrom(process.env) });
  stopOnSignals(logger, () => workers.close());
}

/** `PB_METRICS_PORT`: where this worker serves `GET /metrics`; unset, it serves none. */
function metricsPortFrom(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.PB_METRICS_PORT;
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PB_METRICS_PORT must be a port number (0–65535), not "${value}".`);
  return port;
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
