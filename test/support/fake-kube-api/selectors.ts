// Label and field selectors as the API server parses them for list, watch and deletecollection.
// Label grammar: `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, comma = AND.
// Field selectors: `metadata.name`, `metadata.namespace` and the type's own field labels,
// with `=`, `==` and `!=`.
import type { Obj } from './json.js';
import { child, readPath } from './json.js';
import type { ResourceType } from './resource-types.js';
import { badRequest } from './status-errors.js';

/** A parsed selector: a predicate over a stored object. */
export type Selector = (obj: Obj) => boolean;

/** Matches everything (no selector given). */
export const everything: Selector = () => true;

/** Splits on commas that are not inside parentheses (`a in (x,y),b` is two requirements). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const KEY = String.raw`[A-Za-z0-9][-A-Za-z0-9_./]*`;
const VALUE = String.raw`[-A-Za-z0-9_.]*`;

function parseRequirement(text: string): Selector {
  let m = new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\(([^)]*)\\)$`).exec(text);
  if (m) {
    const [, key = '', op, list = ''] = m;
    const values = new Set(list.split(',').map((v) => v.trim()));
    return (obj) => {
      const value = labelsOf(obj)[key];
      return op === 'in' ? value !== undefined && values.has(value) : value === undefined || !values.has(value);
    };
  }
  m = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`).exec(text);
  if (m) {
    const [, key = '', op, expected = ''] = m;
    return (obj) => (op === '!=' ? labelsOf(obj)[key] !== expected : labelsOf(obj)[key] === expected);
  }
  m = new RegExp(`^(!?)\\s*(${KEY})$`).exec(text);
  if (m) {
    const [, negate, key = ''] = m;
    return (obj) => (key in labelsOf(obj)) !== (negate === '!');
  }
  throw badRequest(`unable to parse requirement: found '${text}', expected: in, notin, =, ==, !=, identifier`);
}

function labelsOf(obj: Obj): Record<string, string> {
  return (child(child(obj, 'metadata'), 'labels') ?? {}) as Record<string, string>;
}

/** Parses `labelSelector`; a malformed one is 400 BadRequest like the real server. */
export function parseLabelSelector(text: string | null): Selector {
  if (!text) return everything;
  const requirements = splitTopLevel(text).map(parseRequirement);
  return (obj) => requirements.every((r) => r(obj));
}

/** Parses `fieldSelector` against the labels this type supports. */
export function parseFieldSelector(text: string | null, type: ResourceType): Selector {
  if (!text) return everything;
  const supported = ['metadata.name', 'metadata.namespace', ...type.fieldLabels];
  const requirements = splitTopLevel(text).map((term): Selector => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field = '', op, expected = ''] = m;
    if (!supported.includes(field)) {
      throw badRequest(type.custom ? `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"` : `field label not supported: ${field}`);
    }
    return (obj) => {
      const raw = readPath(obj, field);
      const actual = raw === undefined || raw === null ? '' : String(raw);
      return op === '!=' ? actual !== expected : actual === expected;
    };
  });
  return (obj) => requirements.every((r) => r(obj));
}
