import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '@pb/shared/node';
import { eventually } from './test-board.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;

/** A server or workers process of the product, started as an operator would. */
export interface BoardProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed, for the failure message. */
  output: string[];
  exited: Promise<number | null>;
}

/**
 * Starts `entry` (e.g. `server/src/main.ts`) under tsx with `env` on top of this
 * process's environment; a variable set to '' is removed.
 */
export function startProcess(name: string, entry: string, env: Record<string, string>, options: { ownProcessGroup?: boolean } = {}): BoardProcess {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === '') delete merged[key];
  // A process group of its own lets a test send Ctrl-C to the whole group, as a terminal does.
  const child = spawn(TSX, [entry], { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup === true });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, output, exited };
}

/** Starts a server process on a free port and waits until its `/readyz` answers. */
export async function startServerProcess(name: string, env: Record<string, string>): Promise<BoardProcess & { url: string }> {
  const port = await freePort();
  const proc = startProcess(name, 'server/src/main.ts', { ...env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(proc, url);
  return { ...proc, url };
}

/** Waits for `url/readyz`, failing at once with its output if the process dies. */
export async function waitUntilReady(proc: BoardProcess, url: string): Promise<void> {
  await eventually(async () => {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited: ${proc.output.join('')}`);
    try {
      return (await fetch(`${url}/readyz`)).ok;
    } catch {
      return false;
    }
  }, 90_000, `${url}/readyz`);
}

/** A process and all its descendants, from /proc (tsx runs the script in a node child of its own). */
export function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) children = children.concat(text.split(' ').map(Number));
    }
  } catch {
    return [];
  }
  return [pid, ...children.flatMap(processTree)];
}

/** SIGKILLs a process and everything below it: the end of a test that failed half-way. */
export function killTree(proc: BoardProcess): void {
  for (const pid of processTree(proc.child.pid!).reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Stops the process with `signal` and waits for it to exit. */
export async function stopProcess(proc: BoardProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (proc.child.exitCode !== null) return proc.child.exitCode;
  proc.child.kill(signal);
  return proc.exited;
}
