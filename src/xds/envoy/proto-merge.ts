// Protobuf merge on messages in protobufjs `fromObject` form, as a ProxyTemplate `patch` needs it:
// a field set in the patch replaces a scalar, is merged into a singular message, is appended to a
// repeated field, and replaces the entries of a map key by key; setting one member of a oneof
// clears the others. Two deliberate refinements over a plain field-by-field merge: a Duration,
// Timestamp or wrapper is replaced whole (merging `seconds` and `nanos` separately would turn
// 0.25s patched with 5s into 5.25s), and an Any of the same `@type` is merged field by field
// (a patch of a filter's typed_config keeps what it does not mention). Never mutates its inputs:
// builders share and freeze sub-messages.
import protobuf from 'protobufjs';
import { messageType } from './protos.js';
import { typeNameOf } from './type-urls.js';

type Json = Record<string, unknown>;

/** Types merged as one value, not field by field. */
const ATOMIC = new Set(
  ['Duration', 'Timestamp', 'DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue', 'Value', 'ListValue'].map(
    (n) => `.google.protobuf.${n}`,
  ),
);

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** `patch` merged into `target`, both messages of `typeName` (full name) in fromObject form. */
export function mergeMessage(typeName: string, target: object, patch: object): Json {
  return mergeOf(messageType(typeName), target as Json, patch as Json);
}

function mergeOf(type: protobuf.Type, target: Json, patch: Json): Json {
  if (type.fullName === '.google.protobuf.Any') return mergeAny(target, patch);
  const out: Json = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const field = type.fields[key];
    if (!field) {
      out[key] = value;
      continue;
    }
    const oneof = field.partOf;
    if (oneof) for (const member of oneof.oneof) if (member !== key) delete out[member];
    out[key] = mergeField(field, out[key], value);
  }
  return out;
}

function mergeField(field: protobuf.Field, current: unknown, patch: unknown): unknown {
  if (current === undefined) return patch;
  if (field instanceof protobuf.MapField) return { ...(current as Json), ...(patch as Json) };
  if (field.repeated) return [...(current as unknown[]), ...(patch as unknown[])];
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type && !ATOMIC.has(resolved.fullName) && isObject(current) && isObject(patch)) {
    return mergeOf(resolved, current, patch);
  }
  return patch;
}

/** Same `@type`: the packed messages merged; otherwise the patch replaces the Any. */
function mergeAny(target: Json, patch: Json): Json {
  const url = patch['@type'];
  if (typeof url !== 'string' || url !== target['@type']) return patch;
  const { '@type': _t, ...current } = target;
  const { '@type': _p, ...fields } = patch;
  return { '@type': url, ...mergeOf(messageType(typeNameOf(url)), current, fields) };
}
