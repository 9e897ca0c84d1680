import { describe, expect, it } from 'vitest';
import { collapseListeners } from './collapse-listeners.js';
import { mergeListenerTags } from './listener-tags.js';
import { storedResource } from './testdata/load-case.js';

describe('mergeListenerTags (docs/gateway.md §2.3)', () => {
  it('overlays dataplane, gateway and listener tags, the later source winning', () => {
    const gw = storedResource<'MeshGateway'>({
      type: 'MeshGateway',
      name: 'edge',
      tags: { env: 'gw', team: 'gw' },
      conf: { listeners: [{ port: 80, protocol: 'HTTP', tags: { team: 'listener' } }] },
    });
    const listener = gw.spec.conf?.listeners[0];
    if (!listener) throw new Error('fixture');
    expect(mergeListenerTags({ 'kuma.io/service': 'edge', env: 'dp', zone: 'dp' }, gw.spec.tags, listener)).toEqual({
      'kuma.io/service': 'edge',
      env: 'gw',
      zone: 'dp',
      team: 'listener',
    });
  });
});

describe('collapseListeners (docs/gateway.md §2.4)', () => {
  const gw = storedResource<'MeshGateway'>({
    type: 'MeshGateway',
    name: 'edge',
    conf: {
      listeners: [
        { port: 8080, protocol: 'HTTP', hostname: 'b.example.com' },
        { port: 443, protocol: 'HTTPS', hostname: 'a.example.com', resources: { connectionLimit: 7 } },
        { port: 8080, protocol: 'HTTP', resources: { connectionLimit: 10 } },
        { port: 9000, protocol: 'HTTP', crossMesh: true },
      ],
    },
  });
  const ports = collapseListeners(gw, { 'kuma.io/service': 'edge' });

  it('groups by port, ascending, keeping spec order within a port', () => {
    expect(ports.map((p) => p.port)).toEqual([443, 8080, 9000]);
    expect(ports[1]?.listeners.map((l) => [l.index, l.hostname])).toEqual([
      [0, 'b.example.com'],
      [2, '*'],
    ]);
  });

  it('names ports <gateway>:<PROTOCOL>:<port> and takes limits and flags from the first listener', () => {
    expect(ports.map((p) => p.name)).toEqual(['edge:HTTPS:443', 'edge:HTTP:8080', 'edge:HTTP:9000']);
    expect(ports.map((p) => p.connectionLimit)).toEqual([7, 0, 0]);
    expect(ports.map((p) => p.crossMesh)).toEqual([false, false, true]);
  });
});
