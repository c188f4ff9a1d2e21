import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Config } from '@pb/shared/node';
import { ApiError } from '../http/api-error.js';
import type { IngestThreadData } from './ingest-thread.js';
import type { IngestAnswer, IngestRequest, UpdateIngest } from './ingest-updates.js';

/**
 * Bodies up to this size are ingested on the event loop: below it the whole post
 * costs well under a millisecond, less than the hop to a thread and back.
 */
const INLINE_LIMIT_BYTES = 32 * 1024;
/** Large posts waiting for a thread; past this the server is too busy to take more. */
const MAX_WAITING = 16;
/** A post that takes longer than this is refused rather than held. */
const INGEST_TIMEOUT_MS = 20_000;

/**
 * Runs `POST /updates` ingest (SPEC §11: nothing holds the server's event loop for
 * more than 50 ms). Small posts run inline; large ones in a worker thread with its
 * own Redis connections, the body's bytes moved to it rather than copied, and only
 * the finished 202 body coming back.
 */
export class IngestRunner {
  private readonly pool: Piscina<IngestRequest, IngestAnswer>;

  constructor(
    private readonly inline: UpdateIngest,
    config: Config,
    options: { threads?: number } = {},
  ) {
    const { filename, execArgv } = threadEntry();
    const workerData: IngestThreadData = { config };
    this.pool = new Piscina({ filename, execArgv, workerData, minThreads: 1, maxThreads: Math.max(1, options.threads ?? 1), maxQueue: MAX_WAITING, idleTimeout: 60_000 });
  }

  /** The 202 answer, or an ApiError (4xx, 503) saying what is wrong. */
  async ingest(request: IngestRequest): Promise<Extract<IngestAnswer, { ok: true }>> {
    const answer = request.bytes.byteLength <= INLINE_LIMIT_BYTES ? await this.inline.ingest(request) : await this.inThread(request);
    if (!answer.ok) throw new ApiError(answer.status, answer.code, answer.message, answer.details, answer.headers);
    return answer;
  }

  async close(): Promise<void> {
    await this.pool.close({ force: true });
  }

  private async inThread(request: IngestRequest): Promise<IngestAnswer> {
    if (this.pool.queueSize >= MAX_WAITING) {
      throw new ApiError(503, 'busy', 'The server is taking in too many large posts at once; try again shortly.', undefined, { 'Retry-After': '2' });
    }
    const bytes = ownBuffer(request.bytes);
    try {
      return await this.pool.run({ ...request, bytes }, { transferList: [bytes.buffer], signal: AbortSignal.timeout(INGEST_TIMEOUT_MS) });
    } catch (error) {
      if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
        throw new ApiError(503, 'busy', `The post could not be taken in within ${INGEST_TIMEOUT_MS / 1000} s; try again shortly.`, undefined, { 'Retry-After': '5' });
      }
      throw error;
    }
  }
}

/** A Uint8Array that owns its whole ArrayBuffer, so the buffer can be transferred. */
function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return new Uint8Array(bytes.buffer);
  }
  return new Uint8Array(bytes);
}

/**
 * The thread runs the compiled `.js` beside this file in a production build; from
 * source (`tsx`, vitest) it runs the `.ts` and needs the TypeScript loader.
 */
function threadEntry(): { filename: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = fileURLToPath(new URL(`./ingest-thread.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  const hasLoader = process.execArgv.some((arg) => arg.includes('tsx'));
  return { filename, execArgv: fromSource && !hasLoader ? [...process.execArgv, '--import', 'tsx'] : process.execArgv };
}
