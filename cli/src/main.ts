/** The `pressure-board` command (cli/bin/pressure-board.js loads this). */
import { runCli } from './program.js';

// `pressure-board tail | head` closes stdout early: that is the reader being done, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2));
