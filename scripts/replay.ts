/**
 * `tsx scripts/replay.ts <sitrep.csv> [--speed N] [--url …] [--key …]` is
 * `pressure-board replay` (cli/src/replay.ts), which `npm run replay` runs too; kept so
 * the older spelling still works.
 */
import { runCli } from '../cli/src/program.js';

process.exitCode = await runCli(['replay', ...process.argv.slice(2)]);
