import { readFileSync } from 'node:fs';
import { Command, Option } from '@commander-js/extra-typings';
import { z } from 'zod';
import { reportError } from './cli-errors.js';
import { registerExport } from './export.js';
import { registerKeys } from './keys.js';
import { registerPost } from './post.js';
import { registerReplay } from './replay.js';
import { registerTail } from './tail.js';

const { version } = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')));

/**
 * The `pressure-board` command and its options shared by every subcommand: where the
 * board is (`--url`, `PB_URL`) and the key to use (`--key`, `PB_KEY`). Errors from
 * commander (unknown command, missing argument, bad option value) exit 2 instead of
 * commander's default 1, which here means "the board refused".
 */
export function createProgram() {
  return new Command('pressure-board')
    .description('Pressure Board from a terminal: post updates, manage keys, replay a sitrep, export, follow the live board.')
    .version(version)
    .addOption(new Option('--url <url>', 'the board').env('PB_URL').default('http://localhost:3000'))
    .addOption(new Option('--key <key>', 'the API key to use (prefer PB_KEY: a key on the command line shows in ps and shell history)').env('PB_KEY'))
    .exitOverride()
    .showHelpAfterError('(pressure-board --help lists the commands and options)')
    .addHelpText(
      'after',
      '\nExit status: 0 done; 1 the board refused (or refused some of what was posted) or could not be reached; 2 bad usage.\n' +
        'Run pressure-board <command> --help for each command’s options and examples.',
    );
}

export type Program = ReturnType<typeof createProgram>;

/** Runs the command line with `args` (without node and the script) and returns the exit status. */
export async function runCli(args: readonly string[]): Promise<number> {
  const program = createProgram();
  registerPost(program);
  registerKeys(program);
  registerReplay(program);
  registerExport(program);
  registerTail(program);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    return reportError(error);
  }
}
