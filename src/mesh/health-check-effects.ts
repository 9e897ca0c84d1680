// What a HealthCheck sets where it lands (docs/gateway.md §2.16): the active health check of the
// clusters of its destination, for gateways and sidecar outbounds alike. TCP payloads become hex
// text, which is how Envoy's text payloads are written (Kuma converts them the same way).
import { decodeBase64 } from '../api/base64.js';
import { policyDurationMs } from '../api/connection-policy.js';
import type { HealthCheckHeader, HealthCheckSpec } from '../api/health-check.js';
import type { ClusterHealthCheck, PolicyHeader } from '../ir/policies.js';

/** The health check of the winning HealthCheck. */
export function clusterHealthCheck(spec: HealthCheckSpec): ClusterHealthCheck {
  const { conf } = spec;
  const optional = {
    initialJitterMs: policyDurationMs(conf.initialJitter),
    intervalJitterMs: policyDurationMs(conf.intervalJitter),
    intervalJitterPercent: conf.intervalJitterPercent,
    noTrafficIntervalMs: policyDurationMs(conf.noTrafficInterval),
    eventLogPath: conf.eventLogPath === '' ? undefined : conf.eventLogPath,
    reuseConnection: conf.reuseConnection,
    healthyPanicThreshold: conf.healthyPanicThreshold,
    failTrafficOnPanic: conf.failTrafficOnPanic,
    tcp: conf.tcp && { ...(conf.tcp.send !== undefined ? { sendHex: hexOf(conf.tcp.send) } : {}), receiveHex: (conf.tcp.receive ?? []).map(hexOf) },
    http: conf.http && { path: conf.http.path ?? '', headers: (conf.http.requestHeadersToAdd ?? []).flatMap(headerOf), expectedStatuses: conf.http.expectedStatuses ?? [] },
  };
  return {
    intervalMs: policyDurationMs(conf.interval) ?? 0,
    timeoutMs: policyDurationMs(conf.timeout) ?? 0,
    unhealthyThreshold: conf.unhealthyThreshold ?? 0,
    healthyThreshold: conf.healthyThreshold ?? 0,
    alwaysLogFailures: conf.alwaysLogHealthCheckFailures ?? false,
    ...(Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) as Partial<ClusterHealthCheck>),
  };
}

/** Hex text of base64 bytes (validation has accepted the base64). */
export function hexOf(base64: string): string {
  return (decodeBase64(base64) ?? Buffer.alloc(0)).toString('hex');
}

function headerOf(h: HealthCheckHeader): PolicyHeader[] {
  return h.header === undefined ? [] : [{ key: h.header.key, value: h.header.value ?? '', append: h.append ?? false }];
}
