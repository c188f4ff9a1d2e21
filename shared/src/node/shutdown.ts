import type { Logger } from 'pino';

/** In-flight work gets this long after SIGTERM before the process gives up (SPEC §10). */
const GRACE_MS = 10_000;

/**
 * On SIGTERM or Ctrl-C: stop taking work, finish what is in flight, exit 0.
 * A second signal, or the grace period running out, exits at once.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      logger.error('in-flight work did not finish within 10 s; exiting');
      process.exit(1);
    }, GRACE_MS);
    timer.unref();
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
