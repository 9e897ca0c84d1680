// `portico generate dataplane-token` (kumactl's command and flags): asks the control plane to
// issue a dataplane token (POST /tokens/dataplane, admin only), or signs one offline with a
// signing-key file and its key number (`--signing-key-path FILE --kid N`), with no control plane
// involved. The token goes to stdout and nowhere else (docs/dataplane-auth.md).
import { Command } from 'commander';
import { issueOfflineDataplaneToken, requestFromFlags, type DataplaneTokenRequest } from '../tokens/dataplane-token.js';
import type { ApiClient } from './api-client.js';
import { apiClientFor } from './api-connection.js';
import type { CliIo } from './output.js';
import { runTokenCommand } from './token-command.js';

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
export function runGenerateDataplaneToken(
  io: CliIo,
  flags: DataplaneTokenFlags,
  client: () => { ok: true; client: ApiClient } | { ok: false; message: string },
  now = Date.now,
): Promise<number> {
  const spec = {
    kind: 'dataplane',
    parsed: requestFromFlags({ mesh: flags.mesh, name: flags.name, tags: flags.tag, validFor: flags.validFor, proxyType: flags.proxyType }),
    flagOf,
    route: '/tokens/dataplane',
    body: (request: DataplaneTokenRequest) => ({ name: request.name, mesh: request.mesh, tags: request.tags, type: request.type, validFor: `${request.validForSeconds}s` }),
    signOffline: issueOfflineDataplaneToken,
  };
  return runTokenCommand(io, spec, flags, client, now);
}

/** The flag a request field comes from, so the message names what the user typed. */
function flagOf(field: string): string {
  if (field.startsWith('tags') || field === 'tag') return '--tag';
  return { validFor: '--valid-for', type: '--proxy-type', name: '--name', mesh: '--mesh' }[field] ?? field;
}
