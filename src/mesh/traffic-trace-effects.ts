// Which TrafficTrace applies to a proxy and what it sets (docs/gateway.md §2.12; docs/mesh-mtls.md §4.9): the
// policy whose selector matches one of the proxy's tag sets best (then the newest, then the
// smaller name [D10]), turned into Zipkin tracing of the proxy's connection managers through the
// cluster `tracing:<backend name>`. Datadog backends are accepted and have no effect.
import { parseCollectorUrl, TRACING_ZIPKIN, type MeshTracing, type TracingBackend } from '../api/mesh-observability.js';
import type { Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import type { CollectorCluster, Tracing } from '../ir/policies.js';
import { compareRanks, selectorMatches, selectorRank, type SelectorRank } from './selectors.js';

/** Name of the cluster to a tracing backend's collector (Kuma's). */
export function tracingClusterName(backend: string): string {
  return `tracing:${backend}`;
}

/** The TrafficTrace of a proxy with tag sets `tagSets` (its inbounds', or a gateway's tags). */
export function selectTrafficTrace(
  policies: readonly StoredResource<'TrafficTrace'>[],
  tagSets: readonly Tags[],
): StoredResource<'TrafficTrace'> | undefined {
  let best: StoredResource<'TrafficTrace'> | undefined;
  let bestRank: SelectorRank | undefined;
  for (const policy of policies) {
    let rank: SelectorRank | undefined;
    for (const s of policy.spec.selectors) {
      if (!tagSets.some((tags) => selectorMatches(s.match, tags))) continue;
      const r = selectorRank(s.match);
      if (rank === undefined || compareRanks(r, rank) > 0) rank = r;
    }
    if (rank === undefined) continue;
    const order = bestRank === undefined ? 1 : compareRanks(rank, bestRank);
    if (order > 0 || (order === 0 && best !== undefined && newer(policy, best))) {
      best = policy;
      bestRank = rank;
    }
  }
  return best;
}

/** True when `a` was created after `b`, or at the same time with a smaller name. */
function newer(a: StoredResource<'TrafficTrace'>, b: StoredResource<'TrafficTrace'>): boolean {
  if (a.creationTime !== b.creationTime) return a.creationTime > b.creationTime;
  return a.name < b.name;
}

/** The backend a policy names, or the mesh's default; undefined when the mesh declares neither. */
function tracingBackendOf(tracing: MeshTracing | undefined, name: string | undefined): TracingBackend | undefined {
  const wanted = name !== undefined && name !== '' ? name : tracing?.defaultBackend;
  if (wanted === undefined || wanted === '') return undefined;
  return tracing?.backends?.find((b) => b.name === wanted);
}

/** Tracing and its collector cluster for a proxy's TrafficTrace; undefined without a usable zipkin backend. */
export function tracingOf(
  policy: StoredResource<'TrafficTrace'> | undefined,
  tracing: MeshTracing | undefined,
): { readonly tracing: Tracing; readonly collector: CollectorCluster } | undefined {
  if (policy === undefined) return undefined;
  const backend = tracingBackendOf(tracing, policy.spec.conf?.backend);
  if (backend === undefined || backend.type !== TRACING_ZIPKIN) return undefined;
  const conf = backend.conf ?? {};
  const url = typeof conf.url === 'string' ? parseCollectorUrl(conf.url) : undefined;
  if (url === undefined || url.port === '') return undefined;
  const cluster = tracingClusterName(backend.name);
  const hostname = url.host.includes(':') ? `[${url.host}]:${url.port}` : `${url.host}:${url.port}`;
  return {
    tracing: {
      cluster,
      ...(backend.sampling !== undefined ? { samplingPercent: backend.sampling } : {}),
      collectorEndpoint: url.path,
      collectorHostname: hostname,
      // Envoy no longer speaks Zipkin's v1 API, which Kuma picks for httpJsonV1 and /api/v1/spans.
      version: conf.apiVersion === 'httpProto' ? 'HTTP_PROTO' : 'HTTP_JSON',
      traceId128bit: conf.traceId128bit === true,
      ...(typeof conf.sharedSpanContext === 'boolean' ? { sharedSpanContext: conf.sharedSpanContext } : {}),
    },
    collector: { name: cluster, host: url.host, port: Number(url.port) },
  };
}
