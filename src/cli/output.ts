// Output formats of `portico get`: YAML and JSON print the universal form exactly as the API
// returns it (so it can be fed back to `portico apply`), the table picks a few columns per kind.
// Items arrive as untyped JSON, so every column reads defensively and prints `-` when absent.
import { stringify } from 'yaml';
import type { Kind } from '../core/resource.js';
import { readInputStream } from './input-file.js';

/** Output formats of `portico get`. */
export const OUTPUT_FORMATS = ['table', 'yaml', 'json'] as const;

/** One of OUTPUT_FORMATS. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** A resource in universal form as returned by the API. */
export type UniversalItem = Readonly<Record<string, unknown>>;

// One table column: header and how to read the cell from an item. An optional column is shown
// only when some item has a value for it (a Secret's DATA appears only once revealed).
interface Column {
  readonly header: string;
  readonly cell: (item: UniversalItem, now: Date) => string;
  readonly optional?: boolean;
}

/** YAML of a value, without line folding so long strings stay greppable. */
export function formatYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Indented JSON of a value. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A table of items of one kind, with kind-specific columns; `now` makes AGE testable. */
export function formatTable(kind: Kind, items: readonly UniversalItem[], now: Date): string {
  const columns = COLUMNS[kind].filter((c) => !c.optional || items.some((item) => c.cell(item, now) !== '-'));
  const rows = [columns.map((c) => c.header), ...items.map((item) => columns.map((c) => c.cell(item, now)))];
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('   ').trimEnd()).join('\n') + '\n';
}

/** kubectl-style age: seconds under 2 minutes, minutes under 2 hours, hours under 2 days, then days. */
export function formatAge(creationTime: unknown, now: Date): string {
  const created = typeof creationTime === 'string' ? Date.parse(creationTime) : Number.NaN;
  if (Number.isNaN(created)) return '-';
  const seconds = Math.max(0, Math.floor((now.getTime() - created) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 120 * 60) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** The value at a path of nested objects, or undefined. */
function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The elements of a list field, or none. */
function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Text of a scalar, `-` when absent. */
function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '-';
}

/** Distinct non-empty strings joined with commas, `-` when none. */
function joined(values: unknown[]): string {
  const strings = [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))];
  return strings.length > 0 ? strings.join(',') : '-';
}

/** `kuma.io/service` of every selector of a gateway or route. */
function selectedServices(item: UniversalItem): string {
  return joined(list(item['selectors']).map((s) => at(s, 'match', 'kuma.io/service')));
}

/** `gateway/builtin`, `gateway/delegated` or `standard`. */
function dataplaneType(item: UniversalItem): string {
  const gateway = at(item, 'networking', 'gateway');
  if (gateway === undefined) return 'standard';
  return `gateway/${text(at(gateway, 'type') ?? 'DELEGATED').toLowerCase()}`;
}

/** The services a dataplane stands for: its gateway's, else its inbounds'. */
function dataplaneServices(item: UniversalItem): string {
  const gateway = at(item, 'networking', 'gateway', 'tags', 'kuma.io/service');
  if (gateway !== undefined) return text(gateway);
  return joined(list(at(item, 'networking', 'inbound')).map((i) => at(i, 'tags', 'kuma.io/service')));
}

/** `HTTP:8080,HTTPS:8443` for a gateway's listeners. */
function listeners(item: UniversalItem): string {
  return joined(list(at(item, 'conf', 'listeners')).map((l) => `${text(at(l, 'protocol'))}:${text(at(l, 'port'))}`));
}

/** HTTP or TCP, whichever the route configures. */
function routeType(item: UniversalItem): string {
  if (at(item, 'conf', 'http') !== undefined) return 'HTTP';
  return at(item, 'conf', 'tcp') !== undefined ? 'TCP' : '-';
}

const MESH: Column = { header: 'MESH', cell: (i) => text(i['mesh']) };
const NAME: Column = { header: 'NAME', cell: (i) => text(i['name']) };
const AGE: Column = { header: 'AGE', cell: (i, now) => formatAge(i['creationTime'], now) };

/** Table columns per kind. */
const COLUMNS: Readonly<Record<Kind, readonly Column[]>> = {
  Mesh: [NAME, { header: 'MTLS', cell: (i) => text(at(i, 'mtls', 'enabledBackend') ?? 'off') }, AGE],
  Dataplane: [
    MESH,
    NAME,
    { header: 'TYPE', cell: dataplaneType },
    { header: 'ADDRESS', cell: (i) => text(at(i, 'networking', 'address')) },
    { header: 'SERVICE', cell: dataplaneServices },
    AGE,
  ],
  MeshGateway: [MESH, NAME, { header: 'SERVICE', cell: selectedServices }, { header: 'LISTENERS', cell: listeners }, AGE],
  MeshGatewayRoute: [
    MESH,
    NAME,
    { header: 'GATEWAYS', cell: selectedServices },
    { header: 'TYPE', cell: routeType },
    AGE,
  ],
  Secret: [MESH, NAME, { header: 'DATA', cell: (i) => text(i['data']), optional: true }, AGE],
  GlobalSecret: [NAME, { header: 'DATA', cell: (i) => text(i['data']), optional: true }, AGE],
};

/** Where the CLI writes and reads; tests replace it to capture output and feed stdin. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The whole of standard input (for `apply -f -`), up to the input size limit. */
  readonly readStdin: () => Promise<string>;
  readonly now: () => Date;
  /**
   * Environment the API settings are read from (PORTICO_API_TOKEN, XDG_CONFIG_HOME, HOME);
   * absent means none, so a test never picks up the developer's token or config file.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: () => readInputStream(process.stdin),
    now: () => new Date(),
    env: process.env,
  };
}

/** Print a user-facing error the one way the CLI does: `Error: <message>` on stderr. */
export function printError(io: CliIo, message: string): void {
  io.stderr(`Error: ${message}\n`);
}

/** Print an error and return exit code 1. */
export function failWith(io: CliIo, message: string): number {
  printError(io, message);
  return 1;
}
