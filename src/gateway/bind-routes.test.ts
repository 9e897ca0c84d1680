import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../core/resource.js';
import { bindRoutes, routesInBindingOrder } from './bind-routes.js';
import { storedResource } from './testdata/load-case.js';

function route(name: string, kind: 'http' | 'tcp', ...selectors: Record<string, string>[]): StoredResource<'MeshGatewayRoute'> {
  const conf =
    kind === 'http'
      ? { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [] }] } }
      : { tcp: { rules: [{ backends: [] }] } };
  return storedResource({ type: 'MeshGatewayRoute', name, selectors: selectors.map((match) => ({ match })), conf });
}

const LISTENER_TAGS = { 'kuma.io/service': 'edge', port: 'http/80', env: 'prod' };

describe('route binding (docs/gateway.md §2.5)', () => {
  it('binds routes any of whose selectors is a subset of the merged tags, * accepting any value', () => {
    const routes = [
      route('subset', 'http', { 'kuma.io/service': 'edge', port: 'http/80' }),
      route('wildcard', 'http', { 'kuma.io/service': 'edge', env: '*' }),
      route('second-selector', 'http', { 'kuma.io/service': 'other' }, { 'kuma.io/service': 'edge' }),
      route('missing-key', 'http', { 'kuma.io/service': 'edge', zone: '*' }),
      route('other-value', 'http', { 'kuma.io/service': 'edge', env: 'dev' }),
    ];
    expect(bindRoutes(routes, LISTENER_TAGS, 'HTTP').map((r) => r.name)).toEqual(['subset', 'wildcard', 'second-selector']);
  });

  it('keeps http routes on HTTP/HTTPS and tcp routes on TCP/TLS', () => {
    const routes = [route('h', 'http', { 'kuma.io/service': 'edge' }), route('t', 'tcp', { 'kuma.io/service': 'edge' })];
    expect(bindRoutes(routes, LISTENER_TAGS, 'HTTP').map((r) => r.name)).toEqual(['h']);
    expect(bindRoutes(routes, LISTENER_TAGS, 'HTTPS').map((r) => r.name)).toEqual(['h']);
    expect(bindRoutes(routes, LISTENER_TAGS, 'TCP').map((r) => r.name)).toEqual(['t']);
    expect(bindRoutes(routes, LISTENER_TAGS, 'TLS').map((r) => r.name)).toEqual(['t']);
  });

  it('takes routes of the mesh in ascending name (byte) order', () => {
    const routes = [route('b', 'http'), route('B', 'http'), route('a', 'http')];
    const other = storedResource<'MeshGatewayRoute'>({ type: 'MeshGatewayRoute', mesh: 'other', name: '0', selectors: [], conf: {} });
    expect(routesInBindingOrder([...routes, other], 'default').map((r) => r.name)).toEqual(['B', 'a', 'b']);
  });
});
