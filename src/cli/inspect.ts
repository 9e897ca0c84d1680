// `portico inspect <kind> [name] -m MESH [-o table|yaml|json]`. For a connection policy kind (a
// name is then required): where the policy applies and where it lost, from
// `GET /meshes/{mesh}/{plural}/{name}/status` (runtime/status-route.ts). The table has one line
// per place of each proxy the policy's sources match: `applied`, or `lost to <winner>`; a proxy
// matched as a source but with no destination the policy selects gets one line saying so. Proxies
// its sources do not match are counted in the header only. For dataplanes, meshes, meshgateways
// and meshgatewayroutes: status tables from the inspect API (inspect-overview.ts, loaded then).
import { Command, Option } from 'commander';
import type { StoredKindNames } from '../api/kinds/names.js';
import { RESOURCE_KINDS } from '../api/resource-kinds.js';
import { isConnectionPolicyKind } from '../mesh/connection-policies.js';
import { ApiClient, formatFailure, segment } from './api-client.js';
import { apiClientFor } from './api-connection.js';
import { collectionPath, DEFAULT_MESH, describeResource, resolveType } from './get.js';
import { formatJson, formatYaml, OUTPUT_FORMATS, failWith, printError, type CliIo, type OutputFormat } from './output.js';

/** What the status route answers (mesh/policy-status.ts). */
interface PolicyStatusBody {
  readonly proxies: { readonly total: number; readonly matched: number; readonly applied: number };
  readonly items: readonly {
    readonly proxy: string;
    readonly type: string;
    readonly applied: readonly { readonly type: string; readonly name: string }[];
    readonly lost: readonly { readonly type: string; readonly name: string; readonly winner: string }[];
  }[];
}

/** Policy kinds `inspect` accepts, as users type them. */
const INSPECTABLE = RESOURCE_KINDS.filter((k) => isConnectionPolicyKind(k.kind)).map((k) => k.plural);

/** Kinds with an overview table (inspect-overview.ts); listed here so that module loads only when used. */
const OVERVIEW_KINDS: readonly string[] = ['Dataplane', 'Mesh', 'MeshGateway', 'MeshGatewayRoute'];

/** What the command's help and errors list. */
const ACCEPTED = `dataplanes, meshes, meshgateways, meshgatewayroutes, or a policy kind: ${INSPECTABLE.join(', ')}`;

/** What `portico --help` and `portico inspect --help` say (command-table.ts repeats it). */
export const INSPECT_DESCRIPTION =
  'show dataplanes, meshes, gateways and routes with their status (connected, acknowledged, last NACK, conditions), what applies to a dataplane, or where a connection policy applies';

/** What `inspect` reads from its command line. */
interface InspectCliOptions {
  readonly mesh: string;
  readonly output: OutputFormat;
  readonly gateway?: string;
  readonly tag?: readonly string[];
}

/** The `inspect` command; `done` receives the exit code. */
export function inspectCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('inspect')
    .description(INSPECT_DESCRIPTION)
    .argument('<kind>', `${ACCEPTED} (or singular)`)
    .argument('[name]', 'one resource; for a policy kind, required; for a dataplane, what applies to its proxy')
    .option('-m, --mesh <mesh>', 'mesh of the resources (not used for meshes)', DEFAULT_MESH)
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .addOption(new Option('--gateway [type]', 'dataplanes: gateways only (true), no gateways (false), builtin or delegated ones').choices(['true', 'false', 'builtin', 'delegated']).preset('true'))
    .option('--tag <key=value>', 'dataplanes: only those with this tag on an inbound or gateway; the value matches as a substring, as in Kuma (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .action(async (kind: string, name: string | undefined, options: InspectCliOptions, command: Command) => {
      const connection = apiClientFor(command, io);
      if (!connection.ok) return done(failWith(io, connection.message));
      done(await runInspect(io, connection.client, kind, name, options));
    });
}

/** Run `inspect` and return the exit code. */
export async function runInspect(io: CliIo, client: ApiClient, kind: string, name: string | undefined, options: InspectCliOptions): Promise<number> {
  const type = resolveType(io, kind);
  if (!type) return 1;
  if ((options.gateway !== undefined || (options.tag ?? []).length > 0) && (type.kind !== 'Dataplane' || name !== undefined)) {
    return failWith(io, '--gateway and --tag filter the dataplanes list only');
  }
  if (OVERVIEW_KINDS.includes(type.kind)) {
    const overview = await import('./inspect-overview.js');
    if (overview.hasOverview(type.kind)) return overview.runOverviewInspect(io, client, type, type.kind, name, options);
  }
  if (!isConnectionPolicyKind(type.kind)) return failWith(io, `inspect shows ${ACCEPTED}`);
  if (name === undefined) return failWith(io, `inspect ${type.plural} needs the name of one ${type.singular}`);
  return runPolicyInspect(io, client, type, name, options);
}

/** Where one connection policy applies. */
async function runPolicyInspect(io: CliIo, client: ApiClient, type: StoredKindNames, name: string, options: { mesh: string; output: OutputFormat }): Promise<number> {
  const result = await client.get(`${collectionPath(type, options.mesh)}/${segment(name)}/status`);
  if (!result.ok) {
    printError(io, result.status === 404 ? `${describeResource(type, name, options.mesh)} not found (or not generated yet)` : formatFailure(result));
    return 1;
  }
  const body = result.body as PolicyStatusBody;
  if (options.output === 'json') io.stdout(formatJson(body));
  else if (options.output === 'yaml') io.stdout(formatYaml(body));
  else io.stdout(formatInspect(`${type.kind} "${name}" in mesh "${options.mesh}"`, body));
  return 0;
}

/** The table form: a summary line, then PROXY, PLACE, RESULT columns. */
export function formatInspect(title: string, body: PolicyStatusBody): string {
  const { total, matched, applied } = body.proxies;
  const header = `${title}: its sources match ${matched} of ${total} proxies; it applies on ${applied}\n`;
  const rows: string[][] = [];
  for (const item of body.items) {
    for (const place of item.applied) rows.push([item.proxy, `${place.type} ${place.name}`, 'applied']);
    for (const place of item.lost) rows.push([item.proxy, `${place.type} ${place.name}`, `lost to ${place.winner}`]);
    if (item.applied.length === 0 && item.lost.length === 0) rows.push([item.proxy, '-', 'no destination of this proxy matches its destinations']);
  }
  if (rows.length === 0) return header;
  const all = [['PROXY', 'PLACE', 'RESULT'], ...rows];
  const widths = [0, 1].map((c) => Math.max(...all.map((r) => r[c]!.length)));
  return header + all.map((r) => `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`).join('\n') + '\n';
}
