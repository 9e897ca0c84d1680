// ProxyTemplate end to end with real Envoys (docs/policies.md "ProxyTemplate"): a BUILTIN gateway
// in front of a sidecar-served backend. A template selecting the gateway patches its clusters'
// connect_timeout and puts a Lua filter before the router; both show in the gateway Envoy's
// /config_dump, and the Lua filter's response header in real traffic. Changing the template
// changes the dump, deleting it restores the generated configuration; a template selecting the
// backend's sidecar reaches only its inbound. An invalid value is rejected at admission with its
// path. No Envoy is restarted: the same processes serve throughout.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { httpBackend, type Backend } from '../support/backends.js';
import { runDataplane, startTestControlPlane, tearDown } from '../support/mesh-proxies.js';
import { eventually, freePort, request, type Running } from '../support/processes.js';

type Obj = Record<string, any>;

/** A ProxyTemplate for `service` patching connect timeouts and adding a response header. */
function edgeTemplate(timeout: string, header: string): Obj {
  return {
    type: 'ProxyTemplate',
    mesh: 'default',
    name: 'edge-template',
    selectors: [{ match: { 'kuma.io/service': 'edge' } }],
    conf: {
      imports: ['default-proxy'],
      modifications: [
        { cluster: { operation: 'patch', match: { origin: 'gateway' }, value: `connectTimeout: ${timeout}` } },
        {
          httpFilter: {
            operation: 'addBefore',
            match: { name: 'envoy.filters.http.router', origin: 'gateway' },
            value: [
              'name: envoy.filters.http.lua',
              'typedConfig:',
              "  '@type': type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
              '  defaultSourceCode:',
              `    inlineString: 'function envoy_on_response(h) h:headers():add("x-proxy-template", "${header}") end'`,
            ].join('\n'),
          },
        },
      ],
    },
  };
}

describe('ProxyTemplate on a gateway and a sidecar, with real Envoys', () => {
  let cp: ControlPlane;
  let backend: Backend;
  const envoys: Running[] = [];
  let dir = '';
  let gatewayPort = 0;
  let gatewayAdmin = 0;
  let backendAdmin = 0;
  const api = (p: string) => `http://127.0.0.1:${cp.apiPort}${p}`;

  async function send(method: 'PUT' | 'DELETE', url: string, doc?: Obj): Promise<Response> {
    return fetch(url, { method, headers: { 'content-type': 'application/json' }, ...(doc ? { body: JSON.stringify(doc) } : {}) });
  }
  async function put(p: string, doc: Obj): Promise<void> {
    const res = await send('PUT', api(p), doc);
    expect(res.status, await res.text()).toBeLessThan(300);
  }
  const templateUrl = (name: string) => `/meshes/default/proxytemplates/${name}`;

  async function configDump(admin: number): Promise<Obj[]> {
    const res = await request(`http://127.0.0.1:${admin}/config_dump`);
    return (JSON.parse(res.body) as { configs: Obj[] }).configs;
  }
  /** connect_timeout of the gateway's dynamic cluster for the backend service. */
  async function backendClusterTimeout(): Promise<string | undefined> {
    const clusters = (await configDump(gatewayAdmin)).find((c) => String(c['@type']).endsWith('ClustersConfigDump'));
    const found = (clusters?.['dynamic_active_clusters'] ?? []).find((c: Obj) => String(c.cluster.name).startsWith('backend'));
    return found?.cluster.connect_timeout;
  }
  /** Names of the HTTP filters of every dynamic listener of an Envoy. */
  async function httpFilterNames(admin: number, listenerPrefix: string): Promise<string[]> {
    const listeners = (await configDump(admin)).find((c) => String(c['@type']).endsWith('ListenersConfigDump'));
    return (listeners?.['dynamic_listeners'] ?? [])
      .filter((l: Obj) => String(l.name).startsWith(listenerPrefix))
      .flatMap((l: Obj) => l.active_state.listener.filter_chains.flatMap((chain: Obj) => chain.filters))
      .flatMap((f: Obj) => (f.typed_config.http_filters ?? []).map((h: Obj) => h.name));
  }
  const viaGateway = () => request(`http://127.0.0.1:${gatewayPort}/hello`, { host: 'example.com' }).catch(() => ({ status: 0, headers: {} as Obj, body: '' }));
  const pids = () => envoys.map((e) => e.proc.pid);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-proxy-template-'));
    cp = await startTestControlPlane();
    await put('/meshes/default', { type: 'Mesh', name: 'default' });
    backend = await httpBackend('backend');
    gatewayPort = await freePort();
    const backendInbound = await freePort();
    const backendRun = await runDataplane(cp, dir, {
      type: 'Dataplane',
      mesh: 'default',
      name: 'backend-1',
      networking: { address: '127.0.0.1', inbound: [{ port: backendInbound, servicePort: backend.port, serviceAddress: '127.0.0.1', tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'http' } }] },
    });
    envoys.push(backendRun.process);
    backendAdmin = backendRun.adminPort;
    await put('/meshes/default/meshgateways/edge', { type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: gatewayPort, protocol: 'HTTP' }] } });
    await put('/meshes/default/meshgatewayroutes/to-backend', {
      type: 'MeshGatewayRoute',
      mesh: 'default',
      name: 'to-backend',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': 'backend' } }] }] } },
    });
    const gatewayRun = await runDataplane(cp, dir, { type: 'Dataplane', mesh: 'default', name: 'edge-1', networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } });
    envoys.push(gatewayRun.process);
    gatewayAdmin = gatewayRun.adminPort;
    await eventually(async () => (await viaGateway()).status === 200, 60_000, 'traffic through the gateway to the backend');
  }, 120_000);

  afterAll(() => tearDown(envoys, [backend], cp, dir));

  it('rejects an invalid value at admission, naming the field inside it', async () => {
    const bad = edgeTemplate('5s', 'v0');
    bad['conf'].modifications[0].cluster.value = 'connectTimeout: 5s\ncircuitBreakers: {thresholds: [{maxConection: 1}]}';
    const res = await send('PUT', api(templateUrl('edge-template')), bad);
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('conf.modifications[0].cluster.value');
    expect(body).toContain('circuitBreakers.thresholds[0].maxConection: unknown field');
  });

  it('applies, changes and deletes a gateway template: the dump and the traffic follow, nothing restarts', async () => {
    const before = pids();
    const generated = await backendClusterTimeout();
    expect(generated).toMatch(/^[0-9.]+s$/);
    expect(generated).not.toBe('7s');
    expect(await httpFilterNames(gatewayAdmin, 'edge:')).not.toContain('envoy.filters.http.lua');

    await put(templateUrl('edge-template'), edgeTemplate('7s', 'v1'));
    await eventually(async () => (await backendClusterTimeout()) === '7s', 30_000, 'connect_timeout 7s in the gateway config dump');
    const filters = await httpFilterNames(gatewayAdmin, 'edge:');
    expect(filters.indexOf('envoy.filters.http.lua')).toBe(filters.indexOf('envoy.filters.http.router') - 1);
    await eventually(async () => (await viaGateway()).headers['x-proxy-template'] === 'v1', 30_000, 'the Lua filter answering x-proxy-template: v1');

    await put(templateUrl('edge-template'), edgeTemplate('9s', 'v2'));
    await eventually(async () => (await backendClusterTimeout()) === '9s', 30_000, 'connect_timeout 9s after the change');
    await eventually(async () => (await viaGateway()).headers['x-proxy-template'] === 'v2', 30_000, 'x-proxy-template: v2 after the change');

    const res = await send('DELETE', api(templateUrl('edge-template')));
    expect(res.status, await res.text()).toBeLessThan(300);
    await eventually(async () => (await backendClusterTimeout()) === generated, 30_000, `connect_timeout back to the generated ${generated}`);
    await eventually(async () => !(await httpFilterNames(gatewayAdmin, 'edge:')).includes('envoy.filters.http.lua'), 30_000, 'the Lua filter gone');
    const after = await viaGateway();
    expect(after.status).toBe(200);
    expect(after.headers['x-proxy-template']).toBeUndefined();

    expect(pids()).toEqual(before);
    for (const e of envoys) expect(e.proc.exitCode, e.output()).toBeNull();
  });

  it("a sidecar's template reaches its inbound only, and leaves the gateway alone", async () => {
    await put(templateUrl('backend-template'), {
      type: 'ProxyTemplate',
      mesh: 'default',
      name: 'backend-template',
      selectors: [{ match: { 'kuma.io/service': 'backend' } }],
      conf: {
        imports: ['default-proxy'],
        modifications: [
          {
            httpFilter: {
              operation: 'addFirst',
              match: { origin: 'inbound', listenerTags: { 'kuma.io/service': 'backend' } },
              value: "name: envoy.filters.http.lua\ntypedConfig:\n  '@type': type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua\n  defaultSourceCode: {inlineString: 'function envoy_on_response(h) h:headers():add(\"x-inbound-template\", \"yes\") end'}",
            },
          },
        ],
      },
    });
    await eventually(async () => (await httpFilterNames(backendAdmin, 'inbound:'))[0] === 'envoy.filters.http.lua', 30_000, 'the Lua filter first on the backend inbound');
    await eventually(async () => (await viaGateway()).headers['x-inbound-template'] === 'yes', 30_000, 'the inbound Lua filter answering through the gateway');
    expect(await httpFilterNames(gatewayAdmin, 'edge:')).not.toContain('envoy.filters.http.lua');
    for (const e of envoys) expect(e.proc.exitCode, e.output()).toBeNull();
  });
});
