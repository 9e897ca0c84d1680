// Header additions and removals of routes and virtual hosts (docs/gateway.md §2.9, header filters).
// The IR lists sets before adds, names already canonicalised; this keeps that order.
import type * as ir from '../../ir/gateway.js';

/** One `HeaderValueOption`. Appending is the proto default, so only overwrites carry an action. */
export function buildHeaderValueOption(name: string, value: string, append: boolean): object {
  return {
    header: { key: name, value },
    ...(append ? {} : { append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' }),
  };
}

/**
 * The `<direction>_headers_to_add` / `_to_remove` fields of a mutation, ready to spread into a
 * Route; empty lists are left out so that an untouched route has no header fields at all.
 */
export function buildHeaderMutation(direction: 'request' | 'response', mutation: ir.HeaderMutation): Record<string, object[] | string[]> {
  const out: Record<string, object[] | string[]> = {};
  if (mutation.add.length > 0) {
    out[`${direction}_headers_to_add`] = mutation.add.map((h) => buildHeaderValueOption(h.name, h.value, h.append));
  }
  if (mutation.remove.length > 0) out[`${direction}_headers_to_remove`] = [...mutation.remove];
  return out;
}
