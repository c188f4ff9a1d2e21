import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** One JSON logger per process role; `name` says which role wrote the line. */
export function createLogger(name: string, level: string): Logger {
  return pino({ name, level });
}
