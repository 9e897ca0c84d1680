// Synthetic but realistic inputs for the translation benchmarks: one mesh, gateways with HTTP
// listeners, MeshGatewayRoutes with one PREFIX rule each (so prefix normalisation doubles them into
// exact + prefix Envoy routes), backends with two endpoints per service.
import type { StoredResource } from '../src/core/resource.js';
import type { GatewayInput } from '../src/gateway/gateway-input.js';

const T = '2026-01-01T00:00:00.000Z';

function stored<K extends StoredResource['kind']>(kind: K, mesh: string, name: string, spec: unknown): StoredResource<K> {
  return { kind, mesh, name, spec, version: '1', creationTime: T, modificationTime: T } as StoredResource<K>;
}

/** Shape of one synthetic gateway configuration. */
export interface FixtureShape {
  readonly routes: number;
  readonly hostnames: number;
  readonly services: number;
}

/** A GatewayInput with `routes` routes spread over `hostnames` hostnames and `services` services. */
export function gatewayInput(shape: FixtureShape, gatewayName = 'edge'): GatewayInput {
  const mesh = stored('Mesh', 'default', 'default', {});
  const service = `${gatewayName}-gateway`;
  const proxy = stored('Dataplane', 'default', `${gatewayName}-1`, {
    networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': service } } },
  });
  const gateway = stored('MeshGateway', 'default', gatewayName, {
    selectors: [{ match: { 'kuma.io/service': service } }],
    tags: {},
    conf: { listeners: [{ port: 8080, protocol: 'HTTP', hostname: '', tags: { port: 'http/8080' }, crossMesh: false }] },
  });
  const routes = Array.from({ length: shape.routes }, (_, i) =>
    stored('MeshGatewayRoute', 'default', `${gatewayName}-route-${String(i).padStart(5, '0')}`, {
      selectors: [{ match: { 'kuma.io/service': service } }],
      conf: {
        http: {
          hostnames: [`host-${i % shape.hostnames}.example.com`],
          rules: [
            {
              matches: [{ path: { match: 'PREFIX', value: `/api/v${i % 3}/resource-${i}` }, headers: [], queryParameters: [] }],
              filters: [],
              backends: [
                { weight: 90, destination: { 'kuma.io/service': `svc-${i % shape.services}`, version: 'v1' } },
                { weight: 10, destination: { 'kuma.io/service': `svc-${i % shape.services}`, version: 'v2' } },
              ],
            },
          ],
        },
      },
    }),
  );
  const backends = Array.from({ length: shape.services * 2 }, (_, i) =>
    stored('Dataplane', 'default', `backend-${i}`, {
      networking: {
        address: `10.0.${Math.floor(i / 250)}.${i % 250}`,
        inbound: [{ port: 8080, tags: { 'kuma.io/service': `svc-${Math.floor(i / 2)}`, version: i % 2 === 0 ? 'v1' : 'v2' } }],
      },
    }),
  );
  return { mesh, proxy, gateways: [gateway], routes, dataplanes: [proxy, ...backends], secrets: [], files: new Map() };
}

/** Shape of the multi-gateway HTTPS scenario. */
export interface HttpsFixtureShape {
  readonly gateways: number;
  readonly hostnames: number;
  readonly routesPerHostname: number;
  readonly services: number;
  /** PEM bundle (certificate + key) served for every hostname through one Secret per gateway. */
  readonly certificatePem: string;
}

/**
 * One mesh with `gateways` MeshGateways, each with an HTTPS listener per hostname (one SNI filter
 * chain and route table each) and `routesPerHostname` routes per hostname; returns one
 * GatewayInput per gateway (all share the mesh's resources, as in the runtime).
 */
export function httpsGatewayInputs(shape: HttpsFixtureShape): GatewayInput[] {
  const mesh = stored('Mesh', 'default', 'default', {});
  const backends = Array.from({ length: shape.services }, (_, i) =>
    stored('Dataplane', 'default', `backend-${i}`, {
      networking: { address: `10.1.${Math.floor(i / 250)}.${i % 250}`, inbound: [{ port: 8080, tags: { 'kuma.io/service': `svc-${i}` } }] },
    }),
  );
  const gateways: StoredResource<'MeshGateway'>[] = [];
  const proxies: StoredResource<'Dataplane'>[] = [];
  const routes: StoredResource<'MeshGatewayRoute'>[] = [];
  const secrets: StoredResource<'Secret'>[] = [];
  for (let g = 0; g < shape.gateways; g++) {
    const service = `gw-${g}`;
    proxies.push(stored('Dataplane', 'default', `${service}-1`, { networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': service } } } }));
    secrets.push(stored('Secret', 'default', `${service}-tls`, { data: Buffer.from(shape.certificatePem).toString('base64') }));
    const listeners = Array.from({ length: shape.hostnames }, (_, h) => ({
      port: 443,
      protocol: 'HTTPS',
      hostname: `host-${h}.gw-${g}.example.com`,
      tags: { port: 'https/443' },
      crossMesh: false,
      tls: { mode: 'TERMINATE', certificates: [{ secret: `${service}-tls` }] },
    }));
    gateways.push(stored('MeshGateway', 'default', service, { selectors: [{ match: { 'kuma.io/service': service } }], tags: {}, conf: { listeners } }));
    for (let h = 0; h < shape.hostnames; h++) {
      for (let r = 0; r < shape.routesPerHostname; r++) {
        routes.push(
          stored('MeshGatewayRoute', 'default', `${service}-h${String(h).padStart(3, '0')}-r${r}`, {
            selectors: [{ match: { 'kuma.io/service': service } }],
            conf: {
              http: {
                hostnames: [`host-${h}.gw-${g}.example.com`],
                rules: [
                  {
                    matches: [{ path: { match: 'PREFIX', value: `/api/r${r}` }, headers: [], queryParameters: [] }],
                    filters: [],
                    backends: [{ weight: 1, destination: { 'kuma.io/service': `svc-${(h * shape.routesPerHostname + r) % shape.services}` } }],
                  },
                ],
              },
            },
          }),
        );
      }
    }
  }
  const dataplanes = [...proxies, ...backends];
  return proxies.map((proxy) => ({ mesh, proxy, gateways, routes, dataplanes, secrets, files: new Map() }));
}
