// Request body decoding. JSON and YAML both go through the `yaml` parser with `uniqueKeys`, so a
// duplicated key is rejected in either format (JSON.parse would silently keep the last one), and
// every syntax error carries a line and column. JSON bodies use the JSON schema, which refuses
// YAML-only plain scalars, so `application/json` still means JSON. Nesting is bounded before
// the parser runs (decode/, docs/limits.md): the parser is recursive.
import { parseAllDocuments, parseDocument, type Document } from 'yaml';
import type { Result, Violation } from '../api/violation.js';
import { documentLimitError } from '../decode/document-limits.js';
import { UNTRUSTED_PARSE_OPTIONS, textLimitError } from '../decode/untrusted-yaml.js';

/** How a request body is decoded. */
export type BodyFormat = 'json' | 'yaml';

/** One decoded document of a multi-document body, with its position in the stream. */
export interface BodyDocument {
  /** 0-based position among all documents of the body, empty ones included. */
  readonly index: number;
  readonly value: unknown;
}

/**
 * Most documents in one multi-document body, counted by their `---`/`...` markers before any
 * is parsed (so a body of a million `---` lines costs a scan, not a million documents). The
 * same figure as POST /apply's item limit.
 */
export const MAX_DOCUMENTS = 1000;

/** Number of `---` and `...` lines: each document has at most one before it, the first may have none. */
function documentMarkers(text: string): number {
  let count = 0;
  for (const _ of text.matchAll(/^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm)) count++;
  return count;
}

/** Largest request body accepted, checked while reading (docs/robustness.md §4.1 row 3). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * The format for a Content-Type header, or undefined when it is neither JSON nor YAML. A missing
 * header is read as YAML, which also accepts JSON, so `curl --data-binary` with no header works.
 */
export function bodyFormat(contentType: string | undefined): BodyFormat | undefined {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (media === '') return 'yaml';
  if (media === 'application/json' || media.endsWith('+json')) return 'json';
  if (media.endsWith('/yaml') || media.endsWith('/x-yaml') || media.endsWith('+yaml')) return 'yaml';
  return undefined;
}

/** Decode a body holding exactly one document. */
export function parseSingleDocument(text: string, format: BodyFormat): Result<unknown> {
  if (text.trim() === '') return { ok: false, violations: [{ field: '', message: 'request body is empty' }] };
  const deep = textLimitError(text);
  if (deep !== undefined) return { ok: false, violations: [{ field: '', message: deep }] };
  return decode(parseDocument(text, options(format)), '', text);
}

/**
 * Decode a body that may hold several YAML documents (`---`). Empty documents (a trailing
 * `---`) are skipped but keep their index, so reported positions match what the user wrote.
 * Violations are placed at `items[i]`, the same path a JSON `{items: [...]}` body would give.
 */
export function parseDocuments(text: string, format: BodyFormat): Result<BodyDocument[]> {
  if (format === 'json') {
    const single = parseSingleDocument(text, format);
    return single.ok ? { ok: true, value: [{ index: 0, value: single.value }] } : single;
  }
  const deep = textLimitError(text);
  if (deep !== undefined) return { ok: false, violations: [{ field: '', message: deep }] };
  if (documentMarkers(text) > MAX_DOCUMENTS) {
    return { ok: false, violations: [{ field: 'items', message: `must have at most ${MAX_DOCUMENTS} documents` }] };
  }
  const docs = parseAllDocuments(text, options(format));
  const list: Document[] = Array.isArray(docs) ? docs : [];
  const values: BodyDocument[] = [];
  const violations: Violation[] = [];
  list.forEach((doc, index) => {
    const decoded = decode(doc, `items[${index}]`, text);
    if (!decoded.ok) violations.push(...decoded.violations);
    else if (decoded.value !== null && decoded.value !== undefined) values.push({ index, value: decoded.value });
  });
  return violations.length > 0 ? { ok: false, violations } : { ok: true, value: values };
}

/** Parser options shared by both formats; duplicate keys are checked by documentLimitError. */
function options(format: BodyFormat): typeof UNTRUSTED_PARSE_OPTIONS & { schema: 'json' | 'core' } {
  return { ...UNTRUSTED_PARSE_OPTIONS, schema: format === 'json' ? 'json' : 'core' };
}

/**
 * The plain value of one parsed document, or its errors as violations at `field`. Aliases are
 * checked before toJS() expands them (docs/limits.md), and toJS() throws when they expand past the
 * library's cap (a "billion laughs" body); that is a user error too.
 */
function decode(doc: Document, field: string, text: string): Result<unknown> {
  if (doc.errors.length > 0) {
    return { ok: false, violations: doc.errors.map((e) => ({ field, message: syntaxMessage(e.message, doc) })) };
  }
  const limit = documentLimitError(doc, text);
  if (limit !== undefined) {
    return { ok: false, violations: [{ field, message: limit.syntax ? syntaxMessage(limit.message, doc) : limit.message }] };
  }
  try {
    return { ok: true, value: doc.toJS() as unknown };
  } catch (err) {
    return { ok: false, violations: [{ field, message: `invalid YAML: ${(err as Error).message}` }] };
  }
}

/** The first line of a pretty error ("Map keys must be unique at line 2, column 1"). */
function syntaxMessage(message: string, doc: Document): string {
  const first = message.split('\n')[0] ?? message;
  const kind = doc.schema.name === 'json' ? 'invalid JSON' : 'invalid YAML';
  return `${kind}: ${first.replace(/:\s*$/, '')}`;
}
