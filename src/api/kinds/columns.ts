// Building blocks of the table columns descriptors declare: readers of untyped universal items for
// `portico get`, and the printer columns several CRDs share for `kubectl get`.

import type { PrinterColumn, TableColumn, UniversalItem } from './descriptor.js';

/** The value at a path of nested objects, or undefined. */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The elements of a list field, or none. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Text of a scalar, `-` when absent. */
export function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '-';
}

/** Distinct non-empty strings joined with commas, `-` when none. */
export function joined(values: unknown[]): string {
  const strings = [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))];
  return strings.length > 0 ? strings.join(',') : '-';
}

/** `kuma.io/service` of every selector of a gateway or route. */
export function selectedServices(item: UniversalItem): string {
  return joined(list(item['selectors']).map((s) => at(s, 'match', 'kuma.io/service')));
}

/** DATA of a secret kind: present only when the API revealed it. */
export const SECRET_DATA_COLUMN: TableColumn = { header: 'DATA', cell: (i) => text(i['data']), optional: true };

/** `kubectl get` column: time since creation (last column of every CRD). */
export const AGE_PRINTER_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since creation.' };

/** `kubectl get` column: the object's top-level mesh field. */
export const MESH_PRINTER_COLUMN: PrinterColumn = { name: 'Mesh', type: 'string', jsonPath: '.mesh', description: 'Mesh the object belongs to.' };

/** `kubectl get` column: status of one condition type. */
export function conditionPrinterColumn(type: string, priority = 0): PrinterColumn {
  return {
    name: type,
    type: 'string',
    jsonPath: `.status.conditions[?(@.type=="${type}")].status`,
    description: `Status of the ${type} condition.`,
    ...(priority > 0 ? { priority } : {}),
  };
}
