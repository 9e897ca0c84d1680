// One way to parse YAML or JSON from outside the process (request bodies, CLI files, the inline
// Dataplane of a bootstrap request) so that no input can exhaust the stack, the memory or the
// CPU: the text is pre-scanned for nesting and size before the recursive parser sees it, and the
// parsed document is checked (duplicate keys, alias expansion) before it becomes plain values.
import { parseDocument, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { documentLimitError } from './document-limits.js';
import { scanText } from './nesting-scan.js';
import { MAX_NESTING_DEPTH, MAX_VALUES } from './text-limits.js';

/** A parse result: the plain value, or one message saying what is wrong and where. */
export type UntrustedYaml = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** Parser options for untrusted text (uniqueKeys is always off: see UNTRUSTED_PARSE_OPTIONS). */
export type UntrustedYamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

/**
 * Options every untrusted parse uses. The library's `uniqueKeys` check compares each key with
 * every earlier one (20,000 keys took 20 s), so it is off and documentLimitError checks
 * duplicates in linear time instead, with the library's own message.
 */
export const UNTRUSTED_PARSE_OPTIONS = { uniqueKeys: false, prettyErrors: true } as const;

/** Why `text` is too deeply nested or holds too many values to be parsed, or undefined. */
export function textLimitError(text: string, maxDepth = MAX_NESTING_DEPTH, maxValues = MAX_VALUES): string | undefined {
  const found = scanText(text, { maxDepth, maxValues });
  if (!found) return undefined;
  const where = `at line ${found.line}, column ${found.column}`;
  return found.limit === 'depth'
    ? `nesting deeper than ${maxDepth} levels ${where}`
    : `more than ${maxValues} values (list items and map entries) ${where}`;
}

/**
 * The plain value of a parsed document, or why it cannot be had: its syntax errors (first line
 * of each), duplicate keys, the alias limits, or toJS()'s own alias cap ("billion laughs").
 */
export function documentValue(doc: Document, text: string): UntrustedYaml {
  if (doc.errors.length > 0) return { ok: false, message: doc.errors.map((e) => firstLine(e.message)).join('; ') };
  const limit = documentLimitError(doc, text);
  if (limit !== undefined) return { ok: false, message: limit.message };
  try {
    return { ok: true, value: doc.toJS() as unknown };
  } catch (err) {
    return { ok: false, message: firstLine((err as Error).message) };
  }
}

/** Parse one YAML (or JSON) document from untrusted text. */
export function parseUntrustedYaml(text: string, options: UntrustedYamlOptions = {}): UntrustedYaml {
  const tooBig = textLimitError(text);
  if (tooBig !== undefined) return { ok: false, message: tooBig };
  return documentValue(parseDocument(text, { ...options, ...UNTRUSTED_PARSE_OPTIONS }), text);
}

/** The first line of a pretty error ("Map keys must be unique at line 2, column 1"). */
export function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/:\s*$/, '');
}
