// `portico generate user-token --name N --group G... --valid-for D` (and `generate dataplane-token`,
// generate-dataplane-token.ts): asks the control plane for a
// user token (Kuma's POST /tokens/user, admin only) and prints it, and nothing else, on stdout so
// it can be captured (`TOKEN=$(portico generate user-token ...)`). `portico admin-token` prints
// the admin user token the control plane created on first start (docs/api-auth.md).
import { Command } from 'commander';
import { kindDescriptor } from '../api/resource-kinds.js';
import { ADMIN_USER_TOKEN } from '../tokens/admin-user-token.js';
import { type ApiClient, formatFailure, segment } from './api-client.js';
import { apiClientFor } from './api-connection.js';
import { collectionPath } from './get.js';
import { dataplaneTokenCommand } from './generate-dataplane-token.js';
import { zoneTokenCommand } from './generate-zone-token.js';
import { failWith, type CliIo } from './output.js';

/** Options of `generate user-token`. */
interface UserTokenOptions {
  readonly name: string;
  readonly group: string[];
  readonly validFor: string;
}

/** The `generate` command group; `done` receives the exit code. */
export function generateCommand(io: CliIo, done: (code: number) => void): Command {
  const generate = new Command('generate').description('generate tokens');
  generate
    .command('user-token')
    .description('generate a user token for the REST API (needs an admin token, or a loopback call on the control-plane machine)')
    .requiredOption('--name <name>', 'name of the user')
    .option('--group <group>', 'group of the user (repeat for several; mesh-system:admin makes an admin)', (g: string, all: string[]) => [...all, g], [])
    .requiredOption('--valid-for <duration>', 'validity as a Go duration: 24h, 8760h, 30m')
    .action(async (options: UserTokenOptions, command: Command) => {
      const connection = apiClientFor(command, io);
      if (!connection.ok) return done(failWith(io, connection.message));
      done(await runGenerateUserToken(io, connection.client, options));
    });
  generate.addCommand(dataplaneTokenCommand(io, done));
  generate.addCommand(zoneTokenCommand(io, done));
  return generate;
}

/** Run `generate user-token` and return the exit code. */
export async function runGenerateUserToken(io: CliIo, client: ApiClient, options: UserTokenOptions): Promise<number> {
  const result = await client.post('/tokens/user', { name: options.name, groups: options.group, validFor: options.validFor });
  if (!result.ok) return failWith(io, formatFailure(result));
  io.stdout(`${String(result.body)}\n`);
  return 0;
}

/** The `admin-token` command: prints the admin user token, decoded from its GlobalSecret. */
export function adminTokenCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('admin-token')
    .description(`print the admin user token (GlobalSecret ${ADMIN_USER_TOKEN.name}); works over loopback on the control-plane machine`)
    .action(async (_options: unknown, command: Command) => {
      const connection = apiClientFor(command, io);
      if (!connection.ok) return done(failWith(io, connection.message));
      const collection = collectionPath(kindDescriptor(ADMIN_USER_TOKEN.kind), ADMIN_USER_TOKEN.mesh);
      const result = await connection.client.get(`${collection}/${segment(ADMIN_USER_TOKEN.name)}?reveal=true`);
      if (!result.ok) {
        const missing = `there is no admin user token: the control plane creates it on first start unless --bootstrap-admin-token=false`;
        return done(failWith(io, result.status === 404 ? missing : formatFailure(result)));
      }
      const data = (result.body as { data?: unknown }).data;
      if (typeof data !== 'string') return done(failWith(io, `GlobalSecret ${ADMIN_USER_TOKEN.name} has no data`));
      io.stdout(`${Buffer.from(data, 'base64').toString('utf8')}\n`);
      done(0);
    });
}
