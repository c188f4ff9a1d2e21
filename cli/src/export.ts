import { writeFile } from 'node:fs/promises';
import { Option } from '@commander-js/extra-typings';
import { BoardApi } from './board-api.js';
import { UsageError } from './cli-errors.js';
import { regionList } from './options.js';
import type { Program } from './program.js';

/** The board's exports and feeds (director and admin keys), by the name `--format` takes. */
export const EXPORT_FORMATS = ['csv', 'edxl-have', 'cap'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const EXPORT_PATHS: Record<ExportFormat, string> = { csv: '/export.csv', 'edxl-have': '/export/edxl-have.xml', cap: '/alerts/cap.xml' };

/** `pressure-board export`: the current board (or its alerts) for other systems, to stdout or a file. */
export function registerExport(program: Program): void {
  program
    .command('export')
    .summary('export the board as CSV or EDXL-HAVE, or its alerts as CAP')
    .description(
      'Writes GET /api/v1/export.csv, /export/edxl-have.xml or /alerts/cap.xml to stdout or a file. Needs a director or admin key.',
    )
    .addOption(new Option('--format <format>', 'what to export').choices(EXPORT_FORMATS).default('csv'))
    .option('--region <codes>', 'only these regions (repeat, or comma-separated)', regionList)
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .addHelpText('after', '\nExamples:\n  pressure-board export > board.csv\n  pressure-board export --format edxl-have --region Y56 -o london.xml\n  pressure-board export --format cap')
    .action(async (options, command) => {
      await exportBoard(new BoardApi(command.optsWithGlobals()), options);
    });
}

export async function exportBoard(board: BoardApi, options: { format: ExportFormat; region?: string[] | undefined; output?: string | undefined }): Promise<void> {
  const response = await board.request('GET', EXPORT_PATHS[options.format], { query: { region: options.region?.join(',') } });
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (options.output === undefined || options.output === '-') {
    await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (error) => (error ? reject(error) : resolve())));
    return;
  }
  try {
    await writeFile(options.output, bytes);
  } catch (error) {
    throw new UsageError(`cannot write ${options.output}: ${error instanceof Error && 'code' in error ? String(error.code) : String(error)}`);
  }
  process.stderr.write(`Wrote ${bytes.length} bytes to ${options.output}.\n`);
}
