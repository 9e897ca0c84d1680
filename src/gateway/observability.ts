// TrafficLog and TrafficTrace on a builtin gateway (docs/gateway.md §2.12, §2.14, §2.16): each chain's
// access log comes from the TrafficLog that wins for the chain's listener as source and the
// implicit pass-through destination `*`; the proxy's TrafficTrace traces every connection
// manager, and its collector becomes a cluster of the gateway.
import { SERVICE_TAG, type Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import type { AccessLog, CollectorCluster, Tracing } from '../ir/policies.js';
import { matchesTags, SourcePolicies, type ConnectionPolicies } from '../mesh/connection-policies.js';
import { tagsKey } from '../mesh/tag-maps.js';
import { accessLogOf, GATEWAY_SOURCE_ADDRESS } from '../mesh/traffic-log-effects.js';
import { selectTrafficTrace, tracingOf } from '../mesh/traffic-trace-effects.js';

/** The destination every gateway TrafficLog is matched against (Kuma's pass-through service). */
const PASS_THROUGH: Tags = { [SERVICE_TAG]: '*' };

/** The access logs of one gateway's chains, cached per listener tags and protocol. */
export class GatewayAccessLogs {
  private readonly cache = new Map<string, AccessLog | undefined>();

  constructor(
    private readonly mesh: StoredResource<'Mesh'>,
    private readonly service: string,
    private readonly policies: ConnectionPolicies,
  ) {}

  /** The access log of a chain whose first listener has merged tags `tags`. */
  accessLog(tags: Tags, protocol: 'http' | 'tcp'): AccessLog | undefined {
    const logs = this.policies.TrafficLog;
    if (logs === undefined || logs.length === 0) return undefined;
    const key = `${protocol}\u0000${tagsKey(tags)}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const winner = new SourcePolicies({ TrafficLog: logs }, matchesTags(tags)).winners(PASS_THROUGH).TrafficLog;
    const log =
      winner &&
      accessLogOf(winner.spec, this.mesh.spec.logging, {
        mesh: this.mesh.name,
        sourceService: this.service,
        destinationService: '*',
        sourceAddress: GATEWAY_SOURCE_ADDRESS,
        direction: 'INBOUND',
        protocol,
      });
    this.cache.set(key, log);
    return log;
  }
}

/** The tracing of a gateway proxy with tags `proxyTags`, and its collector. */
export function gatewayTracing(
  mesh: StoredResource<'Mesh'>,
  traces: readonly StoredResource<'TrafficTrace'>[] | undefined,
  proxyTags: Tags,
): { readonly tracing: Tracing; readonly collector: CollectorCluster } | undefined {
  if (traces === undefined || traces.length === 0) return undefined;
  return tracingOf(selectTrafficTrace(traces, [proxyTags]), mesh.spec.tracing);
}
