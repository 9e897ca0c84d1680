// Output formats of `portico get`: YAML and JSON print the universal form exactly as the API
// returns it (so it can be fed back to `portico apply`), the table picks a few columns per kind:
// MESH (mesh-scoped kinds) and NAME, the kind's own columns (src/api/kinds/names.ts), then AGE.
// Items arrive as untyped JSON, so every column reads defensively and prints `-` when absent.
import { createRequire } from 'node:module';
import { text } from '../api/kinds/columns.js';
import type { UniversalItem } from '../api/kinds/descriptor.js';
import { KIND_NAMES } from '../api/kinds/names.js';
import type { Kind } from '../core/resource.js';

// yaml is loaded on the first YAML output: table and JSON output never need it, and loading it
// costs about as much as starting node itself (docs/operations.md, "CLI").
const require = createRequire(import.meta.url);

/** Output formats of `portico get`. */
export const OUTPUT_FORMATS = ['table', 'yaml', 'json'] as const;

/** One of OUTPUT_FORMATS. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** A resource in universal form as returned by the API. */
export type { UniversalItem } from '../api/kinds/descriptor.js';

// One table column: header and how to read the cell from an item. An optional column is shown
// only when some item has a value for it (a Secret's DATA appears only once revealed).
export interface Column {
  readonly header: string;
  readonly cell: (item: UniversalItem, now: Date) => string;
  readonly optional?: boolean;
}

/** YAML of a value, without line folding so long strings stay greppable. */
export function formatYaml(value: unknown): string {
  const { stringify } = require('yaml') as typeof import('yaml');
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Indented JSON of a value. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * A table of items of one kind, with kind-specific columns; `now` makes AGE testable. `joined`
 * columns come right after NAME: facts the CLI read from other resources (a Zone's STATUS from its
 * ZoneInsight). `trailing` columns come after AGE: status read from the inspect API, appended
 * last so that scripts reading the older columns by position keep working.
 */
export function formatTable(kind: Kind, items: readonly UniversalItem[], now: Date, joined: readonly Column[] = [], trailing: readonly Column[] = []): string {
  const columns = [...columnsOf(kind, joined), ...trailing].filter((c) => !c.optional || items.some((item) => c.cell(item, now) !== '-'));
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

const MESH: Column = { header: 'MESH', cell: (i) => text(i['mesh']) };
const NAME: Column = { header: 'NAME', cell: (i) => text(i['name']) };
const AGE: Column = { header: 'AGE', cell: (i, now) => formatAge(i['creationTime'], now) };

/** Table columns of a kind: MESH for mesh-scoped kinds, NAME, the kind's own columns, AGE. */
function columnsOf(kind: Kind, joined: readonly Column[]): readonly Column[] {
  const names = KIND_NAMES[kind];
  return [...(names.scope === 'mesh' ? [MESH] : []), NAME, ...joined, ...names.columns, AGE];
}

export { failWith, printError, processIo, type CliIo } from './io.js';
