// The RTDS Runtime `gateway.listeners` (gateway.md §2.1 step 3, §2.11). It is always emitted,
// even empty, because the gateway bootstrap declares the layer and Envoy waits for it.
import type * as ir from '../../ir/gateway.js';

/** Name of the runtime resource and of the RTDS layer in the gateway bootstrap (§2.19). */
export const GATEWAY_LISTENERS_RUNTIME_NAME = 'gateway.listeners';

/** Runtime key that caps the connections of one listener. */
export function connectionLimitKey(listenerName: string): string {
  return `envoy.resource_limits.listener.${listenerName}.connection_limit`;
}

/**
 * The runtime with one key per listener connection limit; `layer: {}` when there are none.
 * (`numberValue` is camelCase: protobufjs's own google.protobuf.Value ignores keepCase.)
 */
export function buildRuntime(connectionLimits: ir.Gateway['connectionLimits']): object {
  const names = Object.keys(connectionLimits).sort();
  if (names.length === 0) return { name: GATEWAY_LISTENERS_RUNTIME_NAME, layer: {} };
  const fields: Record<string, object> = {};
  for (const name of names) fields[connectionLimitKey(name)] = { numberValue: connectionLimits[name] ?? 0 };
  return { name: GATEWAY_LISTENERS_RUNTIME_NAME, layer: { fields } };
}
