import { createLogger, loadConfig, loadReferenceData, ConfigError } from '@pb/shared/node';
import { startWorkers } from './start-workers.js';
import { stopOnSignals } from '@pb/shared/node';

/** `npm run start:workers`: the normalise-and-apply workers on their own. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireRedisUrl: true });
  const logger = createLogger('workers', config.logLevel);
  const reference = loadReferenceData(config.sitesFile);
  const workers = await startWorkers(config, reference, logger);
  stopOnSignals(logger, () => workers.close());
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
