// `portico delete <kind> NAME -m MESH`.
import { Command } from 'commander';
import { ApiClient, formatFailure, segment } from './api-client.js';
import { collectionPath, DEFAULT_MESH, describeResource, resolveType } from './get.js';
import { apiClientFor } from './api-connection.js';
import { failWith, printError, type CliIo } from './output.js';

/** The `delete` command; `done` receives the exit code. */
export function deleteCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('delete')
    .description('delete one resource')
    .argument('<kind>', 'resource kind (plural, singular or alias)')
    .argument('<name>', 'name of the resource')
    .option('-m, --mesh <mesh>', 'mesh of the resource (not used for meshes)', DEFAULT_MESH)
    .action(async (kind: string, name: string, options: { mesh: string }, command: Command) => {
      const connection = apiClientFor(command, io);
      if (!connection.ok) return done(failWith(io, connection.message));
      done(await runDelete(io, connection.client, kind, name, options.mesh));
    });
}

/** Run `delete` and return the exit code. */
export async function runDelete(io: CliIo, client: ApiClient, kind: string, name: string, mesh: string): Promise<number> {
  const type = resolveType(io, kind);
  if (!type) return 1;
  const result = await client.delete(`${collectionPath(type, mesh)}/${segment(name)}`);
  if (!result.ok) {
    printError(io, result.status === 404 ? `${describeResource(type, name, mesh)} not found` : formatFailure(result));
    return 1;
  }
  io.stdout(`${type.singular} "${name}" deleted\n`);
  return 0;
}
