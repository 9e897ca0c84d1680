// resources -> ir.Gateway for one gateway dataplane (docs/gateway.md §2.1). Pure: no I/O, no clock,
// inputs never mutated, output sorted. Reads as the ordered steps of that section.
import { SERVICE_TAG } from '../api/tags.js';
import type { ResourceKey, StoredResource } from '../core/resource.js';
import type { Gateway, Listener } from '../ir/gateway.js';
import { routesInBindingOrder, type GatewayRoute } from './bind-routes.js';
import { compareBytes } from '../core/byte-order.js';
import { certificateSources } from './certificate-sources.js';
import { ClusterRegistry } from './clusters.js';
import { gatewayPolicyPlaces } from './policy-places.js';
import { collapseListeners, type CollapsedPort } from './collapse-listeners.js';
import { indexEndpoints } from '../mesh/endpoints.js';
import { remoteEndpointsOfMesh } from '../mesh/remote-endpoints.js';
import { indexExternalServices, secretsByName, type ExternalServiceIndex } from '../mesh/external-services.js';
import { gatewayMtls } from './gateway-mtls.js';
import { ProblemLog, type GatewayInput, type GatewayTranslation } from './gateway-input.js';
import { CertificateRegistry } from './group-tls.js';
import type { PortContext } from './port-context.js';
import { proxyGatewayTags, selectGateway } from './select-gateway.js';
import { canonicalTags } from '../mesh/tag-maps.js';
import { translateHttpPort } from './translate-http-port.js';
import { translateTcpPort } from './translate-tcp-port.js';
import { GatewayAccessLogs, gatewayTracing } from './observability.js';

/** Cross-mesh listeners need the mesh identity and CA (docs/gateway.md §2.17, §4.6). */
const CROSS_MESH_NEEDS_MTLS = 'mTLS must be enabled for crossMesh-enabled MeshGateways';

/**
 * Translate the mesh's resources into the IR of one gateway dataplane. A generation-time error
 * (docs/gateway.md §4.6) in any port fails the whole translation: every port is still translated so that all
 * problems are reported at once, but no IR is returned and the proxies keep their last config.
 */
export function translateGateway(input: GatewayInput): GatewayTranslation {
  // docs/gateway.md §2.2: no selected MeshGateway means no gateway configuration at all.
  const selected = selectGateway(input.proxy, input.gateways);
  if (selected === undefined) return { problems: [] };
  const problems = new ProblemLog();
  const mesh = input.mesh.name;
  const proxyTags = proxyGatewayTags(input.proxy);
  // docs/gateway.md §2.3, §2.4: merged tags per listener, listeners collapsed per port (ascending port).
  const ports = collapseListeners(selected, proxyTags);
  // docs/gateway.md §2.5: routes are bound in ascending name order.
  const routes = routesInBindingOrder(input.routes, mesh);
  // docs/gateway.md §2.6-§2.14 per port; clusters are registered as destinations are resolved, certificates as
  // HTTPS and TLS groups are built.
  // docs/gateway.md §2.15, §2.16: the ExternalServices this gateway may reach, which make their services external.
  const external = gatewayExternalServices(input, proxyTags, problems);
  const clusters = new ClusterRegistry(external, input.policies);
  const certificates = new CertificateRegistry(certificateSources(mesh, input.secrets, input.files));
  let failed = false;
  const accessLogs = new GatewayAccessLogs(input.mesh, proxyTags[SERVICE_TAG] ?? '', input.policies ?? {});
  const ctx = portContext(selected, clusters, certificates, problems, () => (failed = true), accessLogs);
  const listeners = ports
    .filter((port) => portGeneratable(port, input.mesh, ctx))
    .map((port) => translatePort(port, routes, ctx));
  // docs/gateway.md §1.5, §2.17: the identity and CAs of an mTLS mesh; without its CA nothing is generated.
  const mtls = gatewayMtls(input, listeners.some((l) => l.crossMesh));
  if (!mtls.ok) ctx.fail(mtls.message);
  if (failed || !mtls.ok) return { failed: true, problems: problems.problems() };
  // docs/gateway.md §2.15: endpoints of the referenced services only, indexed once; with other zones' through
  // their ingresses (docs/multizone.md, "Cross-zone endpoints").
  const endpoints = indexEndpoints(input.dataplanes, mesh, clusters.services(), remoteEndpointsOfMesh(input.mesh, input));
  const meshClusters = clusters.clusters(endpoints);
  // docs/gateway.md §2.12: TrafficTrace, and the cluster of its collector.
  const traced = gatewayTracing(input.mesh, input.trafficTraces, proxyTags);
  const gateway: Gateway = {
    mesh,
    gateway: selected.name,
    service: proxyTags[SERVICE_TAG] ?? '',
    proxyTags: canonicalTags(proxyTags),
    listeners,
    clusters: mtls.upstream ? meshClusters.map(mtls.upstream) : meshClusters,
    // docs/gateway.md §2.11: one RTDS key per port with a positive limit, whatever its protocol.
    connectionLimits: connectionLimits(ports),
    ...(mtls.mtls ? { mtls: mtls.mtls } : {}),
    ...(traced ? { tracing: traced.tracing } : {}),
    ...(traced ? { collectors: [traced.collector] } : {}),
  };
  const policyPlaces = gatewayPolicyPlaces(gateway, clusters);
  return { gateway, problems: problems.problems(), ...(policyPlaces ? { policyPlaces } : {}) };
}

/**
 * The usable ExternalServices of the gateway: a TrafficPermission's source selectors are matched
 * against the gateway dataplane's tags. One whose TLS sources cannot be loaded is left out (its
 * service then has no endpoints) and reported against the ExternalService, not the gateway.
 */
function gatewayExternalServices(input: GatewayInput, proxyTags: Readonly<Record<string, string>>, problems: ProblemLog): ExternalServiceIndex {
  const index = indexExternalServices({
    externalServices: input.externalServices ?? [],
    trafficPermissions: input.trafficPermissions ?? [],
    proxyTags: [proxyTags],
    secrets: secretsByName(input.mesh.name, input.secrets),
  });
  for (const u of index.unloadable) problems.add({ kind: 'ExternalService', mesh: input.mesh.name, name: u.name }, `unable to create ExternalService endpoint, left out: ${u.message}`);
  return index;
}

/** Problem reporting bound to the selected gateway and the route being translated. */
function portContext(
  gateway: StoredResource<'MeshGateway'>,
  clusters: ClusterRegistry,
  certificates: CertificateRegistry,
  problems: ProblemLog,
  markFailed: () => void,
  accessLogs: GatewayAccessLogs,
): PortContext {
  const gatewayKey: ResourceKey = { kind: 'MeshGateway', mesh: gateway.mesh, name: gateway.name };
  return {
    clusters,
    certificates,
    problem: (route, message) => problems.add(route, message),
    gatewayProblem: (message) => problems.add(gatewayKey, message),
    fail: (message) => {
      markFailed();
      problems.add(gatewayKey, message);
    },
    accessLog: (tags, protocol) => accessLogs.accessLog(tags, protocol),
  };
}

/**
 * False, after failing the generation, for a port that cannot be generated before looking at its
 * listeners: a cross-mesh port in a mesh without mTLS (docs/gateway.md §2.17), or a protocol validation rejects.
 */
function portGeneratable(port: CollapsedPort, mesh: StoredResource<'Mesh'>, ctx: PortContext): boolean {
  if (port.protocol === 'NONE') {
    ctx.fail(`conf.listeners[${port.listeners[0]?.index ?? 0}].protocol: cannot be empty`);
    return false;
  }
  if (port.crossMesh && !mesh.spec.mtls?.enabledBackend) {
    ctx.fail(CROSS_MESH_NEEDS_MTLS);
    return false;
  }
  return true;
}

/** One port as an Envoy listener, by protocol. */
function translatePort(port: CollapsedPort, routes: readonly GatewayRoute[], ctx: PortContext): Listener {
  return port.protocol === 'HTTP' || port.protocol === 'HTTPS'
    ? translateHttpPort(port, routes, ctx)
    : translateTcpPort(port, routes, ctx);
}

/** Limits by listener name, ascending name, for every port whose first listener sets one above zero. */
function connectionLimits(ports: readonly CollapsedPort[]): Record<string, number> {
  const limited = ports.filter((p) => p.connectionLimit > 0).sort((a, b) => compareBytes(a.name, b.name));
  const limits: Record<string, number> = {};
  for (const p of limited) limits[p.name] = p.connectionLimit;
  return limits;
}
