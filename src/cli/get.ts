// `portico get <kind> [name] -m MESH -o table|yaml|json [--reveal]`. A list is fetched page by
// page until `next` is null, so the output is complete however many resources there are. Secret
// data is shown only for one named resource with --reveal (the API's disclosure rules). Tables of
// dataplanes, meshgateways and meshgatewayroutes end with a status column (status-columns.ts).
import { Command, Option } from 'commander';
// Kinds are named from kinds/names.ts, never from the descriptors: those bring every schema and
// validator with them, and `get` needs neither (docs/operations.md, "CLI").
import type { KindNames } from '../api/kinds/descriptor.js';
import { findKindNames, KIND_NAMES, STORED_KIND_NAMES, type StoredKindNames } from '../api/kinds/names.js';
import { zoneOnline, type ZoneInsightSpec } from '../api/zone-insight.js';
import { ApiClient, formatFailure, segment } from './api-client.js';
import { apiClientFor } from './api-connection.js';
import { statusColumns } from './status-columns.js';
import {
  formatJson,
  formatTable,
  formatYaml,
  OUTPUT_FORMATS,
  failWith,
  printError,
  type CliIo,
  type Column,
  type OutputFormat,
  type UniversalItem,
} from './output.js';

/** Mesh used when `-m` is not given (Kuma's default mesh). */
export const DEFAULT_MESH = 'default';

/** Largest page the API serves; fewer round trips for big lists. */
const PAGE_SIZE = 1000;

/** Options of `get`. */
interface GetOptions {
  readonly mesh: string;
  readonly output: OutputFormat;
  readonly reveal?: boolean;
}

/** The `get` command; `done` receives the exit code. */
export function getCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('get')
    .description('show resources of one kind, or one resource by name')
    .argument('<kind>', `resource kind (${STORED_KIND_NAMES.map((t) => t.plural).join(', ')}, or singular/alias)`)
    .argument('[name]', 'name of one resource')
    .option('-m, --mesh <mesh>', 'mesh of the resources (not used for meshes)', DEFAULT_MESH)
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option('--reveal', 'show the data of a secret (only with a name)')
    .action(async (kind: string, name: string | undefined, options: GetOptions, command: Command) => {
      const connection = apiClientFor(command, io);
      if (!connection.ok) return done(failWith(io, connection.message));
      done(await runGet(io, connection.client, kind, name, options));
    });
}

/** Run `get` and return the exit code. */
export async function runGet(
  io: CliIo,
  client: ApiClient,
  kind: string,
  name: string | undefined,
  options: GetOptions,
): Promise<number> {
  const type = resolveType(io, kind);
  if (!type) return 1;
  if (options.reveal && name === undefined) {
    printError(io, `--reveal needs the name of one ${type.singular}; lists never show secret data`);
    return 1;
  }
  return name === undefined ? getList(io, client, type, options) : getOne(io, client, type, name, options);
}

/** The type for a user-typed kind, or undefined after printing what is accepted. */
export function resolveType(io: CliIo, kind: string): StoredKindNames | undefined {
  const type = findKindNames(kind);
  if (!type) printError(io, `unknown resource type "${kind}"; use one of ${STORED_KIND_NAMES.map((t) => t.plural).join(', ')}`);
  return type;
}

/** API path of a kind's collection (`/meshes`, `/meshes/default/dataplanes`). */
export function collectionPath(type: KindNames, mesh: string): string {
  return type.scope === 'global' ? `/${type.plural}` : `/meshes/${segment(mesh)}/${type.plural}`;
}

/** How errors name a resource: `dataplane "dp-1" in mesh "default"`, or `mesh "default"`. */
export function describeResource(type: KindNames, name: string, mesh: string): string {
  return type.scope === 'global' ? `${type.singular} "${name}"` : `${type.singular} "${name}" in mesh "${mesh}"`;
}

/** Print one resource. */
async function getOne(io: CliIo, client: ApiClient, type: StoredKindNames, name: string, options: GetOptions) {
  const query = options.reveal ? '?reveal=true' : '';
  const result = await client.get(`${collectionPath(type, options.mesh)}/${segment(name)}${query}`);
  if (!result.ok) {
    printError(io, result.status === 404 ? `${describeResource(type, name, options.mesh)} not found` : formatFailure(result));
    return 1;
  }
  const item = result.body as UniversalItem;
  if (options.output !== 'table') {
    io.stdout(format(options.output, item));
    return 0;
  }
  const joined = await joinedColumns(io, client, type);
  if (!joined) return 1;
  io.stdout(formatTable(type.kind, [item], io.now(), joined, await statusColumns(client, type, options.mesh)));
  return 0;
}

/** Print every resource of the kind (in the mesh, for mesh-scoped kinds). */
async function getList(io: CliIo, client: ApiClient, type: StoredKindNames, options: GetOptions) {
  const items = await fetchAll(io, client, collectionPath(type, options.mesh));
  if (!items) return 1;
  if (options.output !== 'table') {
    io.stdout(format(options.output, { total: items.length, items, next: null }));
    return 0;
  }
  const joined = await joinedColumns(io, client, type);
  if (!joined) return 1;
  io.stdout(formatTable(type.kind, items, io.now(), joined, await statusColumns(client, type, options.mesh)));
  return 0;
}

/** Every item of a collection, page by page; undefined after printing a failure. */
async function fetchAll(io: CliIo, client: ApiClient, path: string): Promise<UniversalItem[] | undefined> {
  const items: UniversalItem[] = [];
  let next: string | null = client.url(`${path}?size=${PAGE_SIZE}`);
  while (next !== null) {
    const result = await client.getUrl(next);
    if (!result.ok) {
      printError(io, formatFailure(result));
      return undefined;
    }
    const page = result.body as { items?: unknown; next?: unknown };
    items.push(...(Array.isArray(page.items) ? (page.items as UniversalItem[]) : []));
    next = typeof page.next === 'string' ? page.next : null;
  }
  return items;
}

/**
 * Table columns read from other resources: a Zone's STATUS is its ZoneInsight's online state
 * (Kuma's `kumactl get zones`); a Zone without an insight has never connected, so Offline.
 */
async function joinedColumns(io: CliIo, client: ApiClient, type: StoredKindNames): Promise<Column[] | undefined> {
  if (type.kind !== 'Zone') return [];
  const insights = await fetchAll(io, client, collectionPath(KIND_NAMES.ZoneInsight, DEFAULT_MESH));
  if (!insights) return undefined;
  const online = new Set(insights.filter((i) => zoneOnline(i as ZoneInsightSpec)).map((i) => i['name']));
  return [{ header: 'STATUS', cell: (i) => (online.has(i['name']) ? 'Online' : 'Offline') }];
}

/** YAML or JSON of a value. */
function format(output: Exclude<OutputFormat, 'table'>, value: unknown): string {
  return output === 'yaml' ? formatYaml(value) : formatJson(value);
}
