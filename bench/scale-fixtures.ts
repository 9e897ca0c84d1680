// The resources of the scale benchmark (bench/scale.ts), as universal REST documents: one mesh,
// SCALE_SERVICES backend services with two Dataplanes each, ONE MeshGateway with three HTTP
// listeners selecting every gateway proxy, SCALE_ROUTES MeshGatewayRoutes over the backends, and
// N gateway Dataplanes (`gw-00000`, ...) each on its own address (10.a.b.c), so every proxy gets
// its own listeners (and snapshot) while sharing one translation.
import { parseResourceDocument } from '../src/api/resource-document.js';
import type { WriteOp } from '../src/core/store.js';
import { proxyNodeId } from '../src/xds/server/proxy-id.js';

/** The mesh of every scale resource. */
export const SCALE_MESH = 'default';
/** `kuma.io/service` of the gateway proxies. */
export const SCALE_GATEWAY_SERVICE = 'edge-gateway';
/** MeshGatewayRoutes attached to the gateway. */
export const SCALE_ROUTES = 50;
/** Backend services (two Dataplanes each). */
export const SCALE_SERVICES = 4;
/** Listener ports of the MeshGateway (HTTP). */
export const SCALE_LISTENER_PORTS: readonly number[] = [8080, 8081, 8082];

type Doc = Record<string, unknown>;

/** Name of the i-th gateway Dataplane. */
export function gatewayProxyName(i: number): string {
  return `gw-${String(i).padStart(5, '0')}`;
}

/** Node id of the i-th gateway proxy. */
export function gatewayNodeId(i: number): string {
  return proxyNodeId(SCALE_MESH, gatewayProxyName(i));
}

/** A distinct address per proxy: 10.a.b.c with c in 1..250. */
export function gatewayProxyAddress(i: number): string {
  return `10.${Math.floor(i / 62_500) % 256}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`;
}

/** The i-th gateway Dataplane. */
export function gatewayDataplane(i: number): Doc {
  return {
    type: 'Dataplane',
    mesh: SCALE_MESH,
    name: gatewayProxyName(i),
    networking: { address: gatewayProxyAddress(i), gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': SCALE_GATEWAY_SERVICE } } },
  };
}

/** Name of the i-th route. */
export function routeName(i: number): string {
  return `route-${String(i).padStart(2, '0')}`;
}

/**
 * The i-th MeshGatewayRoute; `revision` changes its path prefix (what a benchmark "route change"
 * edits). Routes alternate between a hostname of their own and every hostname.
 */
export function gatewayRoute(i: number, revision = 0): Doc {
  return {
    type: 'MeshGatewayRoute',
    mesh: SCALE_MESH,
    name: routeName(i),
    selectors: [{ match: { 'kuma.io/service': SCALE_GATEWAY_SERVICE } }],
    conf: {
      http: {
        ...(i % 2 === 0 ? { hostnames: [`app-${i % 10}.example.com`] } : {}),
        rules: [
          {
            matches: [{ path: { match: 'PREFIX', value: `/api/r${i}/v${revision}` } }],
            backends: [{ destination: { 'kuma.io/service': `svc-${i % SCALE_SERVICES}` } }],
          },
        ],
      },
    },
  };
}

/** Everything but the gateway Dataplanes: mesh, backends, the MeshGateway and its routes. */
export function scaleBaseDocuments(): Doc[] {
  const docs: Doc[] = [{ type: 'Mesh', name: SCALE_MESH }];
  for (let s = 0; s < SCALE_SERVICES; s++) {
    for (let r = 0; r < 2; r++) {
      docs.push({
        type: 'Dataplane',
        mesh: SCALE_MESH,
        name: `svc-${s}-${r}`,
        networking: { address: `192.168.${s}.${r + 1}`, inbound: [{ port: 8080, tags: { 'kuma.io/service': `svc-${s}` } }] },
      });
    }
  }
  docs.push({
    type: 'MeshGateway',
    mesh: SCALE_MESH,
    name: 'edge',
    selectors: [{ match: { 'kuma.io/service': SCALE_GATEWAY_SERVICE } }],
    conf: { listeners: SCALE_LISTENER_PORTS.map((port) => ({ port, protocol: 'HTTP' })) },
  });
  for (let i = 0; i < SCALE_ROUTES; i++) docs.push(gatewayRoute(i));
  return docs;
}

/** REST path of a universal document (`/meshes/default/dataplanes/gw-00001`). */
export function restPath(doc: Doc): string {
  if (doc['type'] === 'Mesh') return `/meshes/${String(doc['name'])}`;
  return `/meshes/${String(doc['mesh'])}/${String(doc['type']).toLowerCase()}s/${String(doc['name'])}`;
}

/**
 * Store writes of the whole fixture with `proxies` gateway proxies, each document parsed and
 * normalised exactly as the REST API does (an invalid fixture throws).
 */
export function scaleWriteOps(proxies: number): WriteOp[] {
  const docs = [...scaleBaseDocuments(), ...Array.from({ length: proxies }, (_, i) => gatewayDataplane(i))];
  return docs.map((doc) => {
    const parsed = parseResourceDocument(doc);
    if (!parsed.ok) throw new Error(`fixture ${restPath(doc)} is invalid: ${JSON.stringify(parsed.violations)}`);
    const { kind, mesh, name, spec, labels } = parsed.value;
    return { op: 'put', resource: { kind, mesh, name, spec, labels } } as WriteOp;
  });
}
