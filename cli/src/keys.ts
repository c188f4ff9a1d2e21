import { Option } from '@commander-js/extra-typings';
import { apiKeyInfoSchema, apiKeyListSchema, createdApiKeySchema, issuesToDetails, keyCreateSchema, ROLES, type ApiKeyInfo, type Role } from '@pb/shared';
import { BoardApi } from './board-api.js';
import { UsageError } from './cli-errors.js';
import { commaList } from './options.js';
import type { Program } from './program.js';
import { textTable } from './text-table.js';
import { londonMinute } from './uk-time.js';

/** `pressure-board keys create|list|revoke` (admin keys only; SPEC §4 `/keys`). */
export function registerKeys(program: Program): void {
  const keys = program.command('keys').summary('issue, list and revoke API keys (admin)').description('Issues, lists and revokes API keys. Needs an admin key.');

  keys
    .command('create')
    .description('Issues a key and prints its secret once, on stdout (everything else goes to stderr, so KEY=$(pressure-board keys create …) works).')
    .addOption(new Option('--role <role>', 'what the key may do').choices(ROLES).makeOptionMandatory())
    .requiredOption('--label <label>', 'who or what holds it, e.g. "Portsmouth EPRR"')
    .option('--trusts <codes>', 'trust keys: the trusts it posts for, comma-separated ODS codes', commaList)
    .option('--regions <codes>', 'read only these regions, comma-separated (Y56 London …)', commaList)
    .addHelpText('after', '\nExample:\n  pressure-board keys create --role trust --trusts RHU --label "Portsmouth EPRR"')
    .action(async (options, command) => {
      await createKey(new BoardApi(command.optsWithGlobals()), options);
    });

  keys
    .command('list')
    .description('Lists every key (never a secret), revoked ones included.')
    .option('--json', 'print the keys as JSON')
    .action(async (options, command) => {
      await listKeys(new BoardApi(command.optsWithGlobals()), options.json === true);
    });

  keys
    .command('revoke')
    .description('Revokes a key at once: its requests are refused and its live connections close within 5 s.')
    .argument('<id>', 'the key id (from keys list), not the secret')
    .action(async (id, _options, command) => {
      await revokeKey(new BoardApi(command.optsWithGlobals()), id);
    });
}

export async function createKey(board: BoardApi, options: { role: Role; label: string; trusts?: string[] | undefined; regions?: string[] | undefined }): Promise<void> {
  const request = { role: options.role, label: options.label, ...(options.trusts ? { trusts: options.trusts } : {}), ...(options.regions ? { regions: options.regions } : {}) };
  // The shared schema the board checks with: a wrong request is a usage error, said before anything is sent.
  const parsed = keyCreateSchema.safeParse(request);
  if (!parsed.success) {
    const details = issuesToDetails(parsed.error.issues).map((detail) => `--${detail.path.replace(/\[\d+\]$/, '')}: ${detail.message}`);
    throw new UsageError(`the key request is not valid:\n  ${details.join('\n  ')}`);
  }
  const created = await board.json('POST', '/keys', createdApiKeySchema, { body: JSON.stringify(parsed.data), contentType: 'application/json' });
  process.stderr.write(`Created ${created.role} key ${created.id} "${created.label}"${scopeOf(created) === 'all' ? '' : ` (${scopeOf(created)})`}.\n`);
  process.stderr.write('Store this key now: it is shown only this once and cannot be read back. Its secret:\n');
  process.stdout.write(`${created.key}\n`);
}

export async function listKeys(board: BoardApi, json: boolean): Promise<void> {
  const { keys } = await board.json('GET', '/keys', apiKeyListSchema);
  if (json) {
    console.log(JSON.stringify(keys, null, 2));
    return;
  }
  const rows = [...keys]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((key) => [key.id, key.role, scopeOf(key), londonMinute(key.createdAt), key.revokedAt ? `revoked ${londonMinute(key.revokedAt)}` : 'active', key.label]);
  console.log(textTable(['ID', 'ROLE', 'SCOPE', 'CREATED', 'STATE', 'LABEL'], rows));
}

export async function revokeKey(board: BoardApi, id: string): Promise<void> {
  const revoked = await board.json('DELETE', `/keys/${encodeURIComponent(id)}`, apiKeyInfoSchema);
  console.log(`Revoked ${revoked.role} key ${revoked.id} "${revoked.label}".`);
}

/** What a key reaches: its trusts and regions, or "all". */
function scopeOf(key: ApiKeyInfo): string {
  const parts = [key.trusts?.length ? `trusts ${key.trusts.join(',')}` : '', key.regions?.length ? `regions ${key.regions.join(',')}` : ''].filter(Boolean);
  return parts.length ? parts.join('; ') : 'all';
}
