// resources -> ir.Gateway for one gateway dataplane (gateway.md §2.1). Pure: no I/O, no clock,
// inputs never mutated, output sorted. Reads as the ordered steps of the reference.
import { SERVICE_TAG } from '../api/tags.js';
import type { ResourceKey, StoredResource } from '../core/resource.js';
import type { Gateway, Listener } from '../ir/gateway.js';
import { routesInBindingOrder, type GatewayRoute } from './bind-routes.js';
import { compareBytes } from './byte-order.js';
import { ClusterRegistry } from './clusters.js';
import { collapseListeners, type CollapsedPort } from './collapse-listeners.js';
import { indexEndpoints } from './endpoints.js';
import { ProblemLog, type GatewayInput, type GatewayTranslation } from './gateway-input.js';
import { proxyGatewayTags, selectGateway } from './select-gateway.js';
import { canonicalTags } from './tag-maps.js';
import { translateHttpPort, type PortContext } from './translate-http-port.js';

/** Cross-mesh listeners need the mesh identity and CA (gateway.md §2.17, §4.6). */
const CROSS_MESH_NEEDS_MTLS = 'mTLS must be enabled for crossMesh-enabled MeshGateways';

/** Translate the mesh's resources into the IR of one gateway dataplane. */
export function translateGateway(input: GatewayInput): GatewayTranslation {
  // §2.2: no selected MeshGateway means no gateway configuration at all.
  const selected = selectGateway(input.proxy, input.gateways);
  if (selected === undefined) return { problems: [] };
  const problems = new ProblemLog();
  const mesh = input.mesh.name;
  const proxyTags = proxyGatewayTags(input.proxy);
  // §2.3, §2.4: merged tags per listener, listeners collapsed per port (ascending port).
  const ports = collapseListeners(selected, proxyTags);
  // §2.5: routes are bound in ascending name order.
  const routes = routesInBindingOrder(input.routes, mesh);
  // §2.6-§2.10 per port; clusters are registered as route destinations are resolved.
  const clusters = new ClusterRegistry();
  const ctx = portContext(selected, clusters, problems);
  const listeners = ports
    .filter((port) => portSupported(port, input.mesh, ctx))
    .map((port) => translatePort(port, routes, ctx));
  // §2.15: endpoints of the referenced services only, indexed once.
  const endpoints = indexEndpoints(input.dataplanes, mesh, clusters.services());
  const gateway: Gateway = {
    mesh,
    gateway: selected.name,
    service: proxyTags[SERVICE_TAG] ?? '',
    proxyTags: canonicalTags(proxyTags),
    listeners,
    clusters: clusters.clusters(endpoints),
    // §2.11: one RTDS key per emitted port with a positive limit.
    connectionLimits: connectionLimits(ports, listeners),
  };
  return { gateway, problems: problems.problems() };
}

/** Problem reporting bound to the selected gateway and the route being translated. */
function portContext(gateway: StoredResource<'MeshGateway'>, clusters: ClusterRegistry, problems: ProblemLog): PortContext {
  const gatewayKey: ResourceKey = { kind: 'MeshGateway', mesh: gateway.mesh, name: gateway.name };
  return {
    clusters,
    problem: (route, message) => problems.add(route, message),
    gatewayProblem: (message) => problems.add(gatewayKey, message),
  };
}

/**
 * Only HTTP ports are generated today; HTTPS, TLS and TCP ports are skipped with a problem rather
 * than emitted half-working. A cross-mesh port needs mTLS on the mesh.
 */
function portSupported(port: CollapsedPort, mesh: StoredResource<'Mesh'>, ctx: PortContext): boolean {
  if (port.protocol !== 'HTTP') {
    ctx.gatewayProblem(`protocol ${port.protocol} is not supported yet`);
    return false;
  }
  if (port.crossMesh && !mesh.spec.mtls?.enabledBackend) {
    ctx.gatewayProblem(CROSS_MESH_NEEDS_MTLS);
    return false;
  }
  return true;
}

/** One port as an Envoy listener (only HTTP reaches here, see portSupported). */
function translatePort(port: CollapsedPort, routes: readonly GatewayRoute[], ctx: PortContext): Listener {
  return translateHttpPort(port, routes, ctx);
}

/** Limits by listener name, ascending name, for emitted listeners whose port sets one above zero. */
function connectionLimits(ports: readonly CollapsedPort[], listeners: readonly Listener[]): Record<string, number> {
  const emitted = new Set(listeners.map((l) => l.name));
  const limited = ports
    .filter((p) => p.connectionLimit > 0 && emitted.has(p.name))
    .sort((a, b) => compareBytes(a.name, b.name));
  const limits: Record<string, number> = {};
  for (const p of limited) limits[p.name] = p.connectionLimit;
  return limits;
}
