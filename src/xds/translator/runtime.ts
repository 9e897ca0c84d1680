// The RTDS Runtime `gateway.listeners` (docs/gateway.md §2.1 step 3, §2.11). It is always emitted,
// even empty, because the gateway bootstrap declares the layer and Envoy waits for it.
import type * as ir from '../../ir/gateway.js';
import { connectionLimitRuntimeKey, GATEWAY_RUNTIME_NAME } from '../../ir/names.js';

/**
 * The runtime with one key per listener connection limit; `layer: {}` when there are none.
 * (`numberValue` is camelCase: protobufjs's own google.protobuf.Value ignores keepCase.)
 */
export function buildRuntime(connectionLimits: ir.Gateway['connectionLimits']): object {
  const names = Object.keys(connectionLimits).sort();
  if (names.length === 0) return { name: GATEWAY_RUNTIME_NAME, layer: {} };
  const fields: Record<string, object> = {};
  for (const name of names) fields[connectionLimitRuntimeKey(name)] = { numberValue: connectionLimits[name] ?? 0 };
  return { name: GATEWAY_RUNTIME_NAME, layer: { fields } };
}
