// `portico generate zone-token` (kumactl's command and flags): asks the global control plane to
// issue a zone token (POST /tokens/zone, admin only), or signs one offline with the global's
// `zone-token-signing-key-<N>` in a file (`--signing-key-path FILE --kid N`). The token goes to
// stdout and nowhere else (docs/tokens.md).
import { Command } from 'commander';
import { issueOfflineZoneToken, ZONE_TOKEN_SCOPES, zoneRequestFromFlags, type ZoneTokenRequest } from '../tokens/zone-token.js';
import type { ApiClient } from './api-client.js';
import { apiClientFor } from './api-connection.js';
import type { CliIo } from './output.js';
import { runTokenCommand } from './token-command.js';

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
export function runGenerateZoneToken(
  io: CliIo,
  flags: ZoneTokenFlags,
  client: () => { ok: true; client: ApiClient } | { ok: false; message: string },
  now = Date.now,
): Promise<number> {
  const spec = {
    kind: 'zone',
    parsed: zoneRequestFromFlags({ zone: flags.zone, scope: flags.scope, validFor: flags.validFor }),
    flagOf,
    route: '/tokens/zone',
    body: (request: ZoneTokenRequest) => ({ zone: request.zone, scope: request.scope, validFor: `${request.validForSeconds}s` }),
    signOffline: issueOfflineZoneToken,
  };
  return runTokenCommand(io, spec, flags, client, now);
}

/** The flag a request field comes from, so the message names what the user typed. */
function flagOf(field: string): string {
  if (field.startsWith('scope')) return '--scope';
  return { validFor: '--valid-for', zone: '--zone' }[field] ?? field;
}
