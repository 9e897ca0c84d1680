// Zone ingress registration and authentication on a real zone control plane, over real HTTP and
// gRPC on loopback (docs/multizone.md, "Registration" and "Tokens"): `POST /bootstrap`
// with proxy type `ingress` registers the inline ZoneIngress and answers a bootstrap for node id
// `.<name>`; the proxy authenticates with a zone token of scope `ingress` for this zone, on
// /bootstrap and on ADS; dataplane tokens do not pass for an ingress nor the reverse; with
// dataplane authentication off no token is needed. The ingress's ADS stream reaches the snapshot
// cache under `.<name>` like any proxy's and receives the ingress configuration generated for it.
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane } from '../../src/runtime/control-plane.js';
import { TypeUrl } from '../../src/xds/cache/resource-types.js';
import { AdsClient } from '../support/ads-client.js';
import { issueDataplaneToken, tokenMetadata } from '../support/dataplane-tokens.js';

const INGRESS = 'type: ZoneIngress\nname: ingress-1\nnetworking:\n  address: 192.168.0.10\n  port: 10001\n  advertisedAddress: 34.1.2.3\n  advertisedPort: 10001\n  admin:\n    port: 9902\n';

function start(dataplaneAuth: 'dpToken' | 'none'): Promise<ControlPlane> {
  return startControlPlane({
    ...DEFAULT_CONFIG,
    store: 'memory',
    dataDir: '',
    apiPort: 0,
    xdsPort: 0,
    debounceMs: 10,
    dataplaneAuth,
    tls: { ...DEFAULT_CONFIG.tls, xdsPlaintext: true },
    multizone: { mode: 'zone', zone: 'zone-1' },
    logger: pino({ level: 'silent' }),
  });
}

async function zoneToken(cp: ControlPlane, zone: string, scope: string[]): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${cp.apiPort}/tokens/zone`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ zone, scope }) });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return text;
}

async function bootstrap(cp: ControlPlane, body: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${cp.xdsPort}/bootstrap`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

async function getIngress(cp: ControlPlane, name = 'ingress-1'): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${cp.apiPort}/zone-ingresses/${name}`);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const clients: AdsClient[] = [];
function open(cp: ControlPlane, nodeId: string, metadata: Record<string, string> = {}): AdsClient {
  const client = AdsClient.connect(`127.0.0.1:${cp.xdsPort}`, nodeId, 'delta', { metadata });
  clients.push(client);
  client.subscribe(TypeUrl.Cluster);
  client.subscribe(TypeUrl.Listener);
  return client;
}

describe('zone ingress with dataplane authentication on', () => {
  let cp: ControlPlane;
  let ingressToken: string;
  beforeAll(async () => {
    cp = await start('dpToken');
    const res = await fetch(`http://127.0.0.1:${cp.apiPort}/meshes/default`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'Mesh', name: 'default' }) });
    expect(res.status).toBeLessThan(300);
    ingressToken = await zoneToken(cp, 'zone-1', ['ingress']);
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await cp?.stop();
  });

  it.each<[string, () => Promise<string | undefined>, number, string | RegExp]>([
    ['no token', async () => undefined, 401, 'a zone token of scope ingress is required: pass it as "dataplaneToken" (dp run --dataplane-token-file)'],
    ['a dataplane token', async () => issueDataplaneToken(`http://127.0.0.1:${cp.apiPort}`, { mesh: 'default' }), 401, /signing key|signature/],
    ['a token of zone-2', async () => zoneToken(cp, 'zone-2', ['ingress']), 403, 'zone from requestor: zone-1 is different than in token: zone-2'],
    ['a token of scope cp', async () => zoneToken(cp, 'zone-1', ['cp']), 403, 'token has no scope "ingress" (its scopes are ["cp"])'],
  ])('refuses /bootstrap with %s, and registers nothing', async (_name, token, status, message) => {
    const t = await token();
    const res = await bootstrap(cp, { proxyType: 'ingress', name: 'ingress-1', dataplaneResource: INGRESS, ...(t ? { dataplaneToken: t } : {}) });
    expect(res.status).toBe(status);
    expect(res.text).toMatch(typeof message === 'string' ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : message);
    expect((await getIngress(cp)).status).toBe(404);
  });

  it('registers the ZoneIngress (zone left empty) and answers the bootstrap of node .ingress-1', async () => {
    const res = await bootstrap(cp, { proxyType: 'ingress', name: 'ingress-1', dataplaneResource: `${INGRESS}zone: elsewhere\n`, dataplaneToken: ingressToken });
    expect(res.status, res.text).toBe(200);
    const envoy = parse(res.text) as { node: { id: string; cluster: string; metadata: Record<string, string> }; admin: unknown };
    expect(envoy.node.id).toBe('.ingress-1');
    expect(envoy.node.cluster).toBe('ingress');
    expect(envoy.node.metadata['dataplane.proxyType']).toBe('ingress');
    expect(envoy.node.metadata['dataplane.admin.port']).toBe('9902');
    const stored = await getIngress(cp);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ type: 'ZoneIngress', name: 'ingress-1', networking: { address: '192.168.0.10', port: 10001, advertisedAddress: '34.1.2.3', advertisedPort: 10001 } });
    expect(stored.body['zone']).toBeUndefined();
    // The zone's writer fills the list like for any own ingress.
    await fetch(`http://127.0.0.1:${cp.apiPort}/meshes/default/dataplanes/backend-1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'Dataplane', mesh: 'default', name: 'backend-1', networking: { address: '10.0.0.1', inbound: [{ port: 8080, servicePort: 80, tags: { 'kuma.io/service': 'backend' } }] } }),
    });
    await expect.poll(async () => (await getIngress(cp)).body['availableServices'], { timeout: 3_000, interval: 50 }).toEqual([{ mesh: 'default', instances: 1, tags: { 'kuma.io/service': 'backend' } }]);
  });

  it('refuses an invalid ZoneIngress with 422 and a mesh for an ingress', async () => {
    const invalid = await bootstrap(cp, { proxyType: 'ingress', name: 'ingress-2', dataplaneResource: 'type: ZoneIngress\nname: ingress-2\nnetworking: {address: 10.0.0.1, port: 10001, advertisedPort: 10001}\n', dataplaneToken: ingressToken });
    expect([invalid.status, invalid.text]).toEqual([422, 'networking.advertisedAddress: has to be defined with advertisedPort']);
    const withMesh = await bootstrap(cp, { proxyType: 'ingress', mesh: 'default', name: 'ingress-2', dataplaneToken: ingressToken });
    expect(withMesh.status).toBe(422);
    expect((await getIngress(cp, 'ingress-2')).status).toBe(404);
  });

  it('serves ADS to .ingress-1 with its zone token: the generated ingress config, asked of the cache as .ingress-1', async () => {
    const asked: string[] = [];
    const provider = (cp.cache as unknown as { provider: (id: string) => ReturnType<typeof cp.cache.current> }).provider;
    cp.cache.setProvider((id) => {
      asked.push(id);
      return provider(id);
    });
    const client = open(cp, '.ingress-1', tokenMetadata(ingressToken));
    // The ingress's listener and the cluster of its one available service (docs/multizone.md "Zone ingresses").
    const listeners = await client.waitForHeld(TypeUrl.Listener, (held) => held.size > 0);
    expect([...listeners.keys()]).toEqual(['inbound:192.168.0.10:10001']);
    const clusters = await client.waitForHeld(TypeUrl.Cluster, (held) => held.size > 0);
    expect([...clusters.keys()]).toEqual(['default:backend']);
    expect(asked).toContain('.ingress-1');
  });

  it('refuses ADS for an ingress with a dataplane token, and for a Dataplane with an ingress token', async () => {
    const dpToken = await issueDataplaneToken(`http://127.0.0.1:${cp.apiPort}`, { mesh: 'default' });
    const asIngress = await open(cp, '.ingress-1', tokenMetadata(dpToken)).waitForStatus();
    expect(asIngress.code).toBe(grpc.status.UNAUTHENTICATED);
    const asDataplane = await open(cp, 'default.backend-1', tokenMetadata(ingressToken)).waitForStatus();
    expect(asDataplane.code).toBe(grpc.status.UNAUTHENTICATED);
    const noToken = await open(cp, '.ingress-1').waitForStatus();
    expect([noToken.code, noToken.details]).toEqual([grpc.status.UNAUTHENTICATED, 'request must have exactly 1 "authorization" header, got 0']);
  });

  it('keeps the ZoneIngress when its stream closes, as Dataplanes are kept (no deregistration yet)', async () => {
    const client = open(cp, '.ingress-1', tokenMetadata(ingressToken));
    await client.waitFor(TypeUrl.Listener);
    client.close();
    await new Promise((r) => setTimeout(r, 200));
    expect((await getIngress(cp)).status).toBe(200);
  });
});

describe('zone ingress with dataplane authentication off', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await start('none');
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await cp?.stop();
  });

  it('registers and serves an ingress without any token', async () => {
    const res = await bootstrap(cp, { proxyType: 'ingress', dataplaneResource: INGRESS });
    expect(res.status, res.text).toBe(200);
    expect((parse(res.text) as { node: { id: string } }).node.id).toBe('.ingress-1');
    expect((await getIngress(cp)).status).toBe(200);
    const client = open(cp, '.ingress-1');
    expect([...(await client.waitForHeld(TypeUrl.Listener, (held) => held.size > 0)).keys()]).toEqual(['inbound:192.168.0.10:10001']);
  });
});
