import { CommanderError } from '@commander-js/extra-typings';

/** What the command line exits with (README, "Command line"). */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

/** The command was given wrong arguments: exit 2, nothing was sent to the board. */
export class UsageError extends Error {}

/** The board answered with an error body (SPEC §4): its message and details are shown. */
export class BoardRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly { path: string; message: string }[] = [],
    /** What was being done, e.g. the sitrep day being replayed; printed before the status. */
    readonly context?: string,
    /** From `Retry-After` on a 429 or 503: how long the board asks us to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** The same refusal, said of `context` (e.g. "2022-12-19"). */
  during(context: string): BoardRefusedError {
    return new BoardRefusedError(this.status, this.code, this.message, this.details, context, this.retryAfterMs);
  }
}

/** The board could not be reached, or it answered with something that is not the API. */
export class BoardUnreachableError extends Error {}

/**
 * Prints an error the way every command does and says what to exit with: the API's
 * message and each detail on its own line; usage errors with a pointer to `--help`.
 * Commander has printed its own errors already and only needs the exit code.
 */
export function reportError(error: unknown, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UsageError) {
    write(`error: ${error.message}`);
    write('(pressure-board --help lists the commands and options)');
    return EXIT.usage;
  }
  if (error instanceof BoardRefusedError) {
    write(`${error.context ? `${error.context}: ` : 'error: '}HTTP ${error.status} ${error.code}: ${error.message}`);
    for (const detail of error.details) write(`  ${detail.path ? `${detail.path}: ` : ''}${detail.message}`);
    return EXIT.refused;
  }
  if (error instanceof LiveRefusedError) {
    write(`error: the board refused the live connection (${error.code}): ${error.message}`);
    return EXIT.refused;
  }
  if (error instanceof NotAllAcceptedError) {
    write(error.message);
    return EXIT.refused;
  }
  if (error instanceof BoardUnreachableError) {
    write(`error: ${error.message}`);
    return EXIT.refused;
  }
  write(`error: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.refused;
}

/** The board took the request but refused some of what it held (listed already): exit 1. */
export class NotAllAcceptedError extends Error {}

/** The board refused the live connection or a subscribe (a revoked key, a region it may not read): exit 1. */
export class LiveRefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
