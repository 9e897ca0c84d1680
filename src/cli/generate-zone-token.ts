// `portico generate zone-token` (kumactl's command and flags): asks the global control plane to
// issue a zone token (POST /tokens/zone, admin only), or signs one offline with the global's
// `zone-token-signing-key-<N>` in a file (`--signing-key-path FILE --kid N`). The token goes to
// stdout and nowhere else (docs/tokens.md).
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { issueOfflineZoneToken, ZONE_TOKEN_SCOPES, zoneRequestFromFlags, type ZoneTokenRequest } from '../tokens/zone-token.js';
import { formatFailure, type ApiClient } from './api-client.js';
import { apiClientFor } from './api-connection.js';
import { printError, type CliIo } from './output.js';

/** Flags of `generate zone-token`. */
interface ZoneTokenFlags {
  readonly zone: string;
  readonly scope: string[];
  readonly validFor?: string;
  readonly signingKeyPath?: string;
  readonly kid?: string;
}

/** The `generate zone-token` command; `done` receives the exit code. */
export function zoneTokenCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('zone-token')
    .description('generate a zone token: the credential a zone control plane (scope cp) or its ingress and egress proxies present to the global')
    .requiredOption('--zone <zone>', 'name of the zone the token identifies')
    .option('--scope <scope>', `what the token may identify: ${ZONE_TOKEN_SCOPES.join(', ')}; repeat or comma-separate (default: all)`, (v: string, all: string[]) => [...all, v], [])
    .option('--valid-for <duration>', 'how long the token is valid, e.g. 24h, 30m, 8760h (default 87600h)')
    .option('--signing-key-path <file>', 'sign offline with this private key (PEM) instead of asking the control plane')
    .option('--kid <n>', 'number of the signing key (with --signing-key-path)')
    .action(async (flags: ZoneTokenFlags, command: Command) => {
      done(await runGenerateZoneToken(io, flags, () => apiClientFor(command, io)));
    });
}

/** Runs the command; returns the exit code. */
export async function runGenerateZoneToken(
  io: CliIo,
  flags: ZoneTokenFlags,
  client: () => { ok: true; client: ApiClient } | { ok: false; message: string },
  now = Date.now,
): Promise<number> {
  const parsed = zoneRequestFromFlags({ zone: flags.zone, scope: flags.scope, validFor: flags.validFor });
  if (!parsed.ok) {
    printError(io, ['invalid zone token request', ...parsed.violations.map((v) => `  ${flagOf(v.field)}: ${v.message}`)].join('\n'));
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

async function online(io: CliIo, request: ZoneTokenRequest, client: ApiClient): Promise<string | undefined> {
  const result = await client.post('/tokens/zone', { zone: request.zone, scope: request.scope, validFor: `${request.validForSeconds}s` });
  if (result.ok) return String(result.body).trim();
  printError(io, formatFailure(result));
  return undefined;
}

async function offline(io: CliIo, request: ZoneTokenRequest, keyPath: string, kid: string, now: number): Promise<string | undefined> {
  let pem: string;
  try {
    pem = readFileSync(keyPath, 'utf8');
  } catch (err) {
    printError(io, `cannot read the signing key ${keyPath}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    return undefined;
  }
  try {
    return await issueOfflineZoneToken(request, pem, kid, now);
  } catch (err) {
    printError(io, (err as Error).message);
    return undefined;
  }
}

/** The flag a request field comes from, so the message names what the user typed. */
function flagOf(field: string): string {
  if (field.startsWith('scope')) return '--scope';
  return { validFor: '--valid-for', zone: '--zone' }[field] ?? field;
}
