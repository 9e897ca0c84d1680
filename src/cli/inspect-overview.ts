// `portico inspect dataplanes|meshes|meshgateways|meshgatewayroutes [name]`: the inspect API's
// overviews (docs/inspect.md) as status tables, or its bodies as they are with `-o json|yaml`.
// `inspect dataplane NAME` prints what applies to that proxy instead. Loaded by inspect.ts only
// when one of these kinds is asked for.
import type { StoredKindNames } from '../api/kinds/names.js';
import { formatFailure, segment, type ApiClient } from './api-client.js';
import { describeResource } from './get.js';
import { formatDataplanePolicies, formatDataplanes, formatGateways, formatMeshes, formatRoutes, type Item } from './inspect-tables.js';
import { formatJson, formatYaml, printError, type CliIo, type OutputFormat } from './output.js';
import { fetchAllPages } from './paged-list.js';

/** The kinds with an overview, and where their lists are. */
const OVERVIEWS = {
  Dataplane: { path: (mesh: string) => `/meshes/${segment(mesh)}/dataplanes/_overview` },
  Mesh: { path: () => '/mesh-insights' },
  MeshGateway: { path: (mesh: string) => `/meshes/${segment(mesh)}/meshgateways/_overview` },
  MeshGatewayRoute: { path: (mesh: string) => `/meshes/${segment(mesh)}/meshgatewayroutes/_overview` },
} as const;

/** A kind `inspect` shows an overview of. */
export type OverviewKind = keyof typeof OVERVIEWS;

/** True for a kind with an overview. */
export function hasOverview(kind: string): kind is OverviewKind {
  return Object.hasOwn(OVERVIEWS, kind);
}

/** Options of `inspect`. */
export interface InspectOptions {
  readonly mesh: string;
  readonly output: OutputFormat;
  /** Dataplanes only: Kuma's `gateway` filter (true, false, builtin, delegated). */
  readonly gateway?: string;
  /** Dataplanes only: `key=value` tags the Dataplane must have (Kuma's `tag` filter). */
  readonly tag?: readonly string[];
}

/** The dataplanes overview's query for the filters given. */
function filterQuery(options: InspectOptions): string {
  const query = new URLSearchParams();
  if (options.gateway !== undefined) query.set('gateway', options.gateway);
  for (const tag of options.tag ?? []) {
    const eq = tag.indexOf('=');
    query.append('tag', eq < 0 ? tag : `${tag.slice(0, eq)}:${tag.slice(eq + 1)}`);
  }
  return query.toString();
}

/** Run `inspect` for an overview kind (`type` is its descriptor); returns the exit code. */
export async function runOverviewInspect(io: CliIo, client: ApiClient, type: StoredKindNames, kind: OverviewKind, name: string | undefined, options: InspectOptions): Promise<number> {
  if (kind === 'Dataplane' && name !== undefined) return dataplanePolicies(io, client, type, name, options);
  const items = await fetchAll(io, client, OVERVIEWS[kind].path(options.mesh), kind === 'Dataplane' ? filterQuery(options) : '');
  if (items === undefined) return 1;
  const shown = name === undefined ? items : items.filter((i) => i['name'] === name);
  if (name !== undefined && shown.length === 0) {
    printError(io, `${describeResource(type, name, options.mesh)} not found`);
    return 1;
  }
  if (options.output !== 'table') {
    const body = name === undefined ? { total: shown.length, items: shown, next: null } : shown[0];
    io.stdout(options.output === 'yaml' ? formatYaml(body) : formatJson(body));
    return 0;
  }
  io.stdout(tableOf(kind, shown, io.now()));
  return 0;
}

function tableOf(kind: OverviewKind, items: readonly Item[], now: Date): string {
  switch (kind) {
    case 'Dataplane':
      return formatDataplanes(items, now);
    case 'Mesh':
      return formatMeshes(items);
    case 'MeshGateway':
      return formatGateways(items);
    case 'MeshGatewayRoute':
      return formatRoutes(items);
  }
}

/** `inspect dataplane NAME`: GET .../dataplanes/{name}/policies. */
async function dataplanePolicies(io: CliIo, client: ApiClient, type: StoredKindNames, name: string, options: InspectOptions): Promise<number> {
  const result = await client.get(`/meshes/${segment(options.mesh)}/dataplanes/${segment(name)}/policies`);
  if (!result.ok) {
    printError(io, result.status === 404 ? `${describeResource(type, name, options.mesh)} not found` : formatFailure(result));
    return 1;
  }
  const body = result.body as Item;
  if (options.output === 'json') io.stdout(formatJson(body));
  else if (options.output === 'yaml') io.stdout(formatYaml(body));
  else io.stdout(formatDataplanePolicies(body));
  return 0;
}

/** Every item of a paged list; undefined after printing why not (404: the mesh does not exist). */
async function fetchAll(io: CliIo, client: ApiClient, path: string, query: string): Promise<Item[] | undefined> {
  const result = await fetchAllPages(client, path, query);
  if (result.ok) return result.items;
  printError(io, result.status === 404 ? `${path}: not found (is the mesh name right?)` : formatFailure(result));
  return undefined;
}
