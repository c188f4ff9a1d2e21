import { ConfigError, createLogger, loadConfig, loadReferenceData, stopOnSignals } from '@pb/shared/node';
import { startServer } from './start-server.js';

/** `npm run start:server`: one API and live-board process. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireRedisUrl: true });
  const logger = createLogger('server', config.logLevel);
  const reference = loadReferenceData(config.sitesFile);
  const server = await startServer(config, reference, logger);
  if (server.createdAdminKey) {
    console.log(`\nAdmin key (shown once; keep it safe): ${server.createdAdminKey}\n`);
  }
  stopOnSignals(logger, () => server.close());
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
