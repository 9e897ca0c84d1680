// `portico generate dataplane-token` (kumactl's command and flags): asks the control plane to
// issue a dataplane token (POST /tokens/dataplane, admin only), or signs one offline with a
// signing-key file and its key number (`--signing-key-path FILE --kid N`), with no control plane
// involved. The token goes to stdout and nowhere else (docs/dataplane-auth.md).
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { issueOfflineDataplaneToken, requestFromFlags, type DataplaneTokenRequest } from '../tokens/dataplane-token.js';
import { formatFailure, type ApiClient } from './api-client.js';
import { apiClientFor } from './api-connection.js';
import { printError, type CliIo } from './output.js';

/** Flags of `generate dataplane-token`. */
interface DataplaneTokenFlags {
  readonly mesh: string;
  readonly name?: string;
  readonly tag: string[];
  readonly validFor?: string;
  readonly proxyType: string;
  readonly signingKeyPath?: string;
  readonly kid?: string;
}

/** The `generate dataplane-token` command; `done` receives the exit code. */
export function dataplaneTokenCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('dataplane-token')
    .description('generate a dataplane token: the credential `dp run` presents on the dataplane port')
    .requiredOption('-m, --mesh <mesh>', 'mesh of the dataplane')
    .option('--name <name>', 'name of the one Dataplane the token is for (default: any in the mesh)')
    .option('--tag <name=value>', 'a tag the Dataplane must have with this value; repeat for more values or tags', (v: string, all: string[]) => [...all, v], [])
    .option('--valid-for <duration>', 'how long the token is valid, e.g. 24h, 30m, 8760h (default 87600h)')
    .option('--proxy-type <type>', 'proxy type', 'dataplane')
    .option('--signing-key-path <file>', 'sign offline with this private key (PEM) instead of asking the control plane')
    .option('--kid <n>', 'number of the signing key (with --signing-key-path)')
    .action(async (flags: DataplaneTokenFlags, command: Command) => {
      done(await runGenerateDataplaneToken(io, flags, () => apiClientFor(command, io)));
    });
}

/** Runs the command; returns the exit code. */
export async function runGenerateDataplaneToken(
  io: CliIo,
  flags: DataplaneTokenFlags,
  client: () => { ok: true; client: ApiClient } | { ok: false; message: string },
  now = Date.now,
): Promise<number> {
  const parsed = requestFromFlags({ mesh: flags.mesh, name: flags.name, tags: flags.tag, validFor: flags.validFor, proxyType: flags.proxyType });
  if (!parsed.ok) {
    printError(io, ['invalid dataplane token request', ...parsed.violations.map((v) => `  ${flagOf(v.field)}: ${v.message}`)].join('\n'));
    return 1;
  }
  if ((flags.signingKeyPath === undefined) !== (flags.kid === undefined)) {
    printError(io, '--signing-key-path and --kid go together');
    return 1;
  }
  let token: string | undefined;
  if (flags.signingKeyPath) token = await offline(io, parsed.value, flags.signingKeyPath, flags.kid ?? '', now());
  else {
    // The API connection (URL and user token) is resolved only when the control plane is asked.
    const connection = client();
    if (!connection.ok) {
      printError(io, connection.message);
      return 1;
    }
    token = await online(io, parsed.value, connection.client);
  }
  if (token === undefined) return 1;
  io.stdout(`${token}\n`);
  return 0;
}

async function online(io: CliIo, request: DataplaneTokenRequest, client: ApiClient): Promise<string | undefined> {
  const body = { name: request.name, mesh: request.mesh, tags: request.tags, type: request.type, validFor: `${request.validForSeconds}s` };
  const result = await client.post('/tokens/dataplane', body);
  if (result.ok) return String(result.body).trim();
  printError(io, formatFailure(result));
  return undefined;
}

async function offline(io: CliIo, request: DataplaneTokenRequest, keyPath: string, kid: string, now: number): Promise<string | undefined> {
  let pem: string;
  try {
    pem = readFileSync(keyPath, 'utf8');
  } catch (err) {
    printError(io, `cannot read the signing key ${keyPath}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    return undefined;
  }
  try {
    return await issueOfflineDataplaneToken(request, pem, kid, now);
  } catch (err) {
    printError(io, (err as Error).message);
    return undefined;
  }
}

/** The flag a request field comes from, so the message names what the user typed. */
function flagOf(field: string): string {
  if (field.startsWith('tags') || field === 'tag') return '--tag';
  return { validFor: '--valid-for', type: '--proxy-type', name: '--name', mesh: '--mesh' }[field] ?? field;
}
