// Checks on a parsed YAML document before it is turned into plain values: duplicate keys (in
// linear time, see UNTRUSTED_PARSE_OPTIONS) and aliases. The text pre-scan (nesting-scan.ts)
// bounds what the parser sees, but aliases are expanded only by toJS(), recursively: `a: &a [[...]]`, `b: &b [*a]`, `c: [*b]`... nests deeper with every
// alias while the text stays shallow. And the `yaml` library resolves each alias by a linear
// search over the document's anchors and aliases, so many of them make toJS() quadratic.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import { MAX_ANCHORS_AND_ALIASES, MAX_NESTING_DEPTH } from './text-limits.js';

/** Why a parsed document is refused; `syntax` for what the parser itself would call an error. */
export interface DocumentLimitError {
  readonly message: string;
  readonly syntax: boolean;
}

/**
 * Why a parsed document is refused, or undefined when it is fine. `text` is the source the
 * document was parsed from, for line and column numbers.
 */
export function documentLimitError(
  doc: Document,
  text: string,
  maxDepth = MAX_NESTING_DEPTH,
  maxAnchors = MAX_ANCHORS_AND_ALIASES,
): DocumentLimitError | undefined {
  const { order, targets, anchored } = documentOrder(doc);
  const duplicate = firstDuplicateKey(order);
  if (duplicate !== undefined) return { message: `Map keys must be unique at ${lineColumn(text, duplicate)}`, syntax: true };
  if (anchored > maxAnchors) return { message: `too many anchors and aliases: at most ${maxAnchors} per document`, syntax: false };
  if (targets.size === 0) return undefined;
  const depth = expandedDepth(order, targets);
  if (depth === undefined) return { message: 'an alias refers to a node that contains it', syntax: false };
  if (depth > maxDepth) return { message: `nesting deeper than ${maxDepth} levels once aliases are expanded`, syntax: false };
  return undefined;
}

/**
 * Offset of the first key repeated within its mapping, comparing scalar keys by value like the
 * library's `uniqueKeys` (`1` and `"1"` differ; collection keys never match), or undefined.
 */
function firstDuplicateKey(order: readonly unknown[]): number | undefined {
  for (const node of order) {
    if (!isMap(node) || node.items.length < 2) continue;
    const seen = new Set<unknown>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const value = pair.key.value;
      if (seen.has(value)) return pair.key.range?.[0] ?? 0;
      seen.add(value);
    }
  }
  return undefined;
}

/** `line L, column C` (1-based) of an offset into `text`. */
function lineColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return `line ${line}, column ${offset - start + 1}`;
}

/** The children of a node in document order (a pair's key, then its value). */
function children(node: unknown): unknown[] {
  if (isMap(node) || isSeq(node)) return node.items as unknown[];
  if (isPair(node)) return [node.key, node.value];
  return [];
}

/**
 * Every node in document order, each alias's target (the last node before it carrying its
 * anchor, as YAML defines), and how many nodes carry an anchor or are aliases. Iterative.
 */
function documentOrder(doc: Document): { order: unknown[]; targets: Map<unknown, unknown>; anchored: number } {
  const order: unknown[] = [];
  const targets = new Map<unknown, unknown>();
  const anchors = new Map<string, unknown>();
  let anchored = 0;
  const stack: unknown[] = doc.contents === null ? [] : [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || node === undefined) continue;
    order.push(node);
    const anchor = (node as Node).anchor;
    if (typeof anchor === 'string' && anchor !== '') {
      anchors.set(anchor, node);
      anchored++;
    }
    if (isAlias(node)) {
      anchored++;
      const target = anchors.get(node.source);
      if (target !== undefined) targets.set(node, target);
    }
    const kids = children(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  return { order, targets, anchored };
}

/**
 * Depth of the document with aliases expanded, or undefined for an alias cycle. Post-order over
 * an explicit stack; each node's depth is computed once, so shared anchors cost nothing extra.
 */
function expandedDepth(order: unknown[], targets: Map<unknown, unknown>): number | undefined {
  const depth = new Map<unknown, number>();
  const inProgress = new Set<unknown>();
  const root = order[0];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack[stack.length - 1];
    if (depth.has(node)) {
      stack.pop();
      continue;
    }
    const kids = isAlias(node) ? [targets.get(node)].filter((t) => t !== undefined) : children(node).filter((k) => k !== null && k !== undefined);
    const pending = kids.filter((k) => !depth.has(k));
    if (pending.length > 0 && !inProgress.has(node)) {
      inProgress.add(node);
      stack.push(...pending);
      continue;
    }
    if (pending.length > 0) return undefined;
    inProgress.delete(node);
    let deepest = 0;
    for (const k of kids) deepest = Math.max(deepest, depth.get(k)!);
    // Pairs and aliases are not levels of their own: a pair's key or value sits in its mapping.
    depth.set(node, isMap(node) || isSeq(node) ? deepest + 1 : deepest);
    stack.pop();
  }
  return depth.get(root);
}
