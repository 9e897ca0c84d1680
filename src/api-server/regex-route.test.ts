// docs/regex.md through the REST API: a MeshGatewayRoute whose regex Envoy's RE2 refuses is a 400
// naming the field and RE2's reason, and nothing is stored.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import type { ProblemBody } from './problem.js';
import { createRouter } from './router.js';

/** A route whose single match is `match`. */
const route = (match: Record<string, unknown>) => ({
  type: 'MeshGatewayRoute',
  mesh: 'default',
  name: 'shop',
  selectors: [{ match: { 'kuma.io/service': 'edge' } }],
  conf: { http: { rules: [{ matches: [match], backends: [{ destination: { 'kuma.io/service': 'web' } }] }] } },
});

async function put(body: object) {
  const store = new MemoryStore();
  const router = createRouter({ store, logger: pino({ level: 'silent' }), isReady: () => true, version: '9.9.9' });
  const send = (path: string, b: object) =>
    // A direct loopback caller: the admin (docs/api-auth.md).
    router({ method: 'PUT', url: new URL(`http://api.test${path}`), headers: { host: '127.0.0.1', 'content-type': 'application/json' }, body: JSON.stringify(b), remoteAddress: '127.0.0.1' });
  await send('/meshes/default', { type: 'Mesh', name: 'default' });
  const res = await send('/meshes/default/meshgatewayroutes/shop', body);
  return { res, stored: await store.list('MeshGatewayRoute') };
}

describe('REST: regexes Envoy would refuse', () => {
  it('answers 400 with the field path and RE2 reason, and stores nothing', async () => {
    const { res, stored } = await put(route({ path: { match: 'REGEX', value: '/(?=a)b' } }));
    expect(res.status).toBe(400);
    expect((res.body as ProblemBody).causes).toEqual([
      { field: 'conf.http.rules[0].matches[0].path.value', message: 'invalid regex: invalid perl operator: (?=' },
    ]);
    expect(stored).toEqual([]);
  });

  it('stores a route whose regexes Envoy accepts', async () => {
    const { res, stored } = await put(route({ path: { match: 'REGEX', value: '/users/(?P<id>[0-9]+)' }, headers: [{ match: 'REGEX', name: 'x-v', value: 'v[12]' }] }));
    expect(res.status).toBe(201);
    expect(stored).toHaveLength(1);
  });
});
