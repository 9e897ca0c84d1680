// Policy status over real HTTP (issue 11 item 7): a control plane in this process, resources
// written through its REST API, the mesh's default `timeout-all-default` and a more specific
// Timeout; `GET .../timeouts/{name}/status` and `portico inspect` say where each applies, and on
// the places where one lost, which won. No Envoy is needed: generation runs for every proxy.
import { findKind } from '../../src/api/resource-kinds.js';
import { CONNECTION_POLICY_KINDS } from '../../src/mesh/connection-policies.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { putResource, startTestControlPlane } from '../support/mesh-proxies.js';

const SERVICE = 'kuma.io/service';

interface StatusBody {
  proxies: { total: number; matched: number; applied: number };
  items: { proxy: string; type: string; applied: { type: string; name: string }[]; lost: { type: string; name: string; winner: string }[] }[];
}

async function cli(cp: ControlPlane, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: () => Promise.resolve(''), now: () => new Date() };
  const code = await main(['node', 'portico', '--api', `http://127.0.0.1:${cp.apiPort}`, ...args], io);
  return { code, stdout, stderr };
}

describe('connection policy status over the REST API and portico inspect', () => {
  let cp: ControlPlane;
  const status = async (name: string) => {
    const res = await fetch(`http://127.0.0.1:${cp.apiPort}/meshes/default/timeouts/${name}/status`);
    return { status: res.status, body: (await res.json()) as StatusBody };
  };

  beforeAll(async () => {
    cp = await startTestControlPlane();
    // The new mesh brings allow-all-default and timeout-all-default.
    await putResource(cp, { type: 'Mesh', name: 'default' });
    await putResource(cp, {
      type: 'MeshGateway',
      mesh: 'default',
      name: 'edge',
      selectors: [{ match: { [SERVICE]: 'edge' } }],
      conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] },
    });
    await putResource(cp, {
      type: 'MeshGatewayRoute',
      mesh: 'default',
      name: 'edge-routes',
      selectors: [{ match: { [SERVICE]: 'edge' } }],
      conf: {
        http: {
          rules: [
            { matches: [{ path: { match: 'PREFIX', value: '/shop' } }], backends: [{ destination: { [SERVICE]: 'shop' } }] },
            { matches: [{ path: { match: 'PREFIX', value: '/split' } }], backends: [{ weight: 1, destination: { [SERVICE]: 'shop' } }, { weight: 1, destination: { [SERVICE]: 'api' } }] },
          ],
        },
      },
    });
    await putResource(cp, { type: 'Dataplane', mesh: 'default', name: 'edge-1', networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { [SERVICE]: 'edge' } } } });
    for (const [name, service, port] of [['shop-1', 'shop', 20001], ['api-1', 'api', 20002]] as const) {
      await putResource(cp, { type: 'Dataplane', mesh: 'default', name, networking: { address: '127.0.0.1', inbound: [{ port, servicePort: port + 100, tags: { [SERVICE]: service } }] } });
    }
    await putResource(cp, {
      type: 'Dataplane',
      mesh: 'default',
      name: 'web-1',
      networking: { address: '127.0.0.1', inbound: [{ port: 20003, servicePort: 20103, tags: { [SERVICE]: 'web' } }], outbound: [{ port: 10001, tags: { [SERVICE]: 'shop' } }] },
    });
    // From the gateway to shop: beats the default on the gateway's shop cluster only.
    await putResource(cp, {
      type: 'Timeout',
      mesh: 'default',
      name: 'edge-to-shop',
      sources: [{ match: { [SERVICE]: 'edge' } }],
      destinations: [{ match: { [SERVICE]: 'shop' } }],
      conf: { connectTimeout: '2s', http: { requestTimeout: '3s' } },
    });
    await cp.flush();
  }, 60_000);

  afterAll(async () => {
    await cp?.stop();
  });

  it('the default Timeout: applied on every proxy but where the specific one won', async () => {
    const { status: code, body } = await status('timeout-all-default');
    expect(code).toBe(200);
    // edge-1, shop-1, api-1, web-1: all matched by `*`; the two backends have no outbounds.
    expect(body.proxies).toEqual({ total: 4, matched: 4, applied: 2 });
    const edge = body.items.find((i) => i.proxy === 'edge-1')!;
    expect(edge.type).toBe('gateway');
    expect(edge.applied.map((p) => p.type)).toEqual(['cluster', 'route', 'route']);
    expect(edge.applied[0]!.name).toMatch(/^api-[0-9a-f]+$/);
    // The split rule (two Envoy routes, docs/gateway.md prefix normalisation): its destinations' winners
    // are both candidates; the one counted under `*` wins (docs/gateway.md §2.16 step 3).
    expect(edge.applied.slice(1).map((p) => p.name)).toEqual(['edge:HTTP:8080:* * exact /split', 'edge:HTTP:8080:* * prefix /split/']);
    expect(edge.lost).toEqual([{ type: 'cluster', name: expect.stringMatching(/^shop-[0-9a-f]+$/), winner: 'edge-to-shop' }]);
    const web = body.items.find((i) => i.proxy === 'web-1')!;
    expect(web).toEqual({ proxy: 'web-1', type: 'sidecar', applied: [{ type: 'outbound', name: 'outbound:127.0.0.1:10001' }, { type: 'cluster', name: 'shop' }], lost: [] });
    expect(body.items.find((i) => i.proxy === 'shop-1')).toEqual({ proxy: 'shop-1', type: 'sidecar', applied: [], lost: [] });
  });

  it('the specific Timeout: one proxy; lost at the split route to the default', async () => {
    const { body } = await status('edge-to-shop');
    expect(body.proxies).toEqual({ total: 4, matched: 1, applied: 1 });
    expect(body.items).toEqual([
      {
        proxy: 'edge-1',
        type: 'gateway',
        applied: [
          { type: 'cluster', name: expect.stringMatching(/^shop-/) },
          { type: 'route', name: 'edge:HTTP:8080:* * exact /shop' },
          { type: 'route', name: 'edge:HTTP:8080:* * prefix /shop/' },
        ],
        lost: [
          { type: 'route', name: 'edge:HTTP:8080:* * exact /split', winner: 'timeout-all-default' },
          { type: 'route', name: 'edge:HTTP:8080:* * prefix /split/', winner: 'timeout-all-default' },
        ],
      },
    ]);
  });

  it('follows changes: a deleted policy is 404, and the default wins its places back', async () => {
    expect((await fetch(`http://127.0.0.1:${cp.apiPort}/meshes/default/timeouts/edge-to-shop`, { method: 'DELETE' })).status).toBe(200);
    await cp.flush();
    expect((await status('edge-to-shop')).status).toBe(404);
    const { body } = await status('timeout-all-default');
    expect(body.items.find((i) => i.proxy === 'edge-1')!.lost).toEqual([]);
  });

  it('portico inspect prints one line per place, and what won where the policy lost', async () => {
    await putResource(cp, {
      type: 'Timeout',
      mesh: 'default',
      name: 'edge-to-shop',
      sources: [{ match: { [SERVICE]: 'edge' } }],
      destinations: [{ match: { [SERVICE]: 'shop' } }],
      conf: { connectTimeout: '2s' },
    });
    await cp.flush();
    const out = await cli(cp, ['inspect', 'timeouts', 'timeout-all-default', '-m', 'default']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Timeout "timeout-all-default" in mesh "default": its sources match 4 of 4 proxies; it applies on 2');
    expect(lines[1]).toMatch(/^PROXY +PLACE +RESULT$/);
    expect(lines.slice(2).map((l) => l.split(/ {2,}/))).toEqual([
      ['api-1', '-', 'no destination of this proxy matches its destinations'],
      ['edge-1', expect.stringMatching(/^cluster api-/), 'applied'],
      ['edge-1', 'route edge:HTTP:8080:* * exact /split', 'applied'],
      ['edge-1', 'route edge:HTTP:8080:* * prefix /split/', 'applied'],
      ['edge-1', expect.stringMatching(/^cluster shop-/), 'lost to edge-to-shop'],
      ['shop-1', '-', 'no destination of this proxy matches its destinations'],
      ['web-1', 'outbound outbound:127.0.0.1:10001', 'applied'],
      ['web-1', 'cluster shop', 'applied'],
    ]);
    const json = await cli(cp, ['inspect', 'timeout', 'edge-to-shop', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ proxies: { matched: 1 } });
    const missing = await cli(cp, ['inspect', 'timeouts', 'nope']);
    expect(missing).toMatchObject({ code: 1, stderr: 'Error: timeout "nope" in mesh "default" not found (or not generated yet)\n' });
    const wrongKind = await cli(cp, ['inspect', 'proxytemplates', 'edge']);
    const policyKinds = CONNECTION_POLICY_KINDS.map((k) => findKind(k)?.plural).join(', ');
    expect(wrongKind).toMatchObject({ code: 1, stderr: `Error: inspect shows dataplanes, meshes, meshgateways, meshgatewayroutes, or a policy kind: ${policyKinds}\n` });
    expect(await cli(cp, ['inspect', 'timeouts'])).toMatchObject({ code: 1, stderr: 'Error: inspect timeouts needs the name of one timeout\n' });
  });
});
