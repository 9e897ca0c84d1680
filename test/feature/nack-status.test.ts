// A NACK is visible where users look: an in-process control plane over real HTTP and real gRPC on
// loopback, two simulated Envoys (SotW and delta), one of which NACKs a RouteConfiguration. The
// REST statuses of the MeshGateway and of the route on that listener say Rejected with the
// proxy's reason, a route on another listener stays Programmed, the Dataplane's insight carries
// the NACK, and a later accepted version clears all of it.
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane } from '../../src/runtime/control-plane.js';
import { TypeUrl } from '../../src/xds/cache/resource-types.js';
import { AdsClient, type AdsMode } from '../support/ads-client.js';
import { issueDataplaneToken, tokenMetadata } from '../support/dataplane-tokens.js';
import type { Condition, ResourceStatus } from '../../src/gateway/status.js';

const logger = pino({ level: 'silent' });
const DETAIL = "Error adding/updating route config: invalid regex '/(?=a)b': invalid perl operator: (?=";
const running: ControlPlane[] = [];
const clients: AdsClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const cp of running.splice(0)) await cp.stop();
});

/** What GET .../status answers (the REST API serves gateway/status.ts's shape). */
type Status = ResourceStatus;

async function put(cp: ControlPlane, doc: Record<string, unknown>): Promise<void> {
  const base = `http://127.0.0.1:${cp.apiPort}`;
  const url = doc.type === 'Mesh' ? `${base}/meshes/${String(doc.name)}` : `${base}/meshes/${String(doc.mesh)}/${String(doc.type).toLowerCase()}s/${String(doc.name)}`;
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
  expect(res.status, await res.text()).toBeLessThan(300);
}

function route(name: string, port: string, prefix: string): Record<string, unknown> {
  return {
    type: 'MeshGatewayRoute',
    mesh: 'default',
    name,
    selectors: [{ match: { 'kuma.io/service': 'edge', port } }],
    conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: prefix } }], backends: [{ destination: { 'kuma.io/service': 'backend' } }] }] } },
  };
}

async function seed(cp: ControlPlane): Promise<void> {
  await put(cp, { type: 'Mesh', name: 'default' });
  await put(cp, { type: 'Dataplane', mesh: 'default', name: 'backend-1', networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'backend' } }] } });
  for (const name of ['gw-1', 'gw-2']) {
    await put(cp, { type: 'Dataplane', mesh: 'default', name, networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } });
  }
  await put(cp, {
    type: 'MeshGateway',
    mesh: 'default',
    name: 'edge',
    selectors: [{ match: { 'kuma.io/service': 'edge' } }],
    conf: { listeners: [{ port: 8080, protocol: 'HTTP', tags: { port: 'a' } }, { port: 9090, protocol: 'HTTP', tags: { port: 'b' } }] },
  });
  await put(cp, route('api', 'a', '/api'));
  await put(cp, route('other', 'b', '/other'));
  await cp.flush();
}

/** A simulated Envoy presenting a dataplane token bound to its own name. */
async function connect(cp: ControlPlane, nodeId: string, mode: AdsMode): Promise<AdsClient> {
  const [mesh, name] = [nodeId.slice(0, nodeId.indexOf('.')), nodeId.slice(nodeId.indexOf('.') + 1)];
  const token = await issueDataplaneToken(`http://127.0.0.1:${cp.apiPort}`, { mesh, name });
  const client = AdsClient.connect(`127.0.0.1:${cp.xdsPort}`, nodeId, mode, { followReferences: true, ca: readFileSync(cp.caFile!, 'utf8'), metadata: tokenMetadata(token) });
  clients.push(client);
  client.subscribe(TypeUrl.Cluster);
  client.subscribe(TypeUrl.Listener);
  return client;
}

async function getJson<T>(cp: ControlPlane, path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${cp.apiPort}${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

const programmed = async (cp: ControlPlane, path: string): Promise<Condition | undefined> =>
  (await getJson<Status>(cp, `/meshes/default/${path}/status`)).conditions.find((c) => c.type === 'Programmed');

/** The RDS entry of gw-1's insight. */
async function rdsInsight(cp: ControlPlane): Promise<Record<string, unknown> | undefined> {
  type Overview = { dataplaneInsight: { subscriptions: { status: Record<string, Record<string, unknown>> }[] } };
  const body = await getJson<Overview>(cp, '/meshes/default/dataplanes+insights/gw-1');
  return body.dataplaneInsight.subscriptions[0]?.status['rds'];
}

describe('a NACK in the statuses users read', () => {
  it('MeshGateway and the route on the rejected listener say Rejected with the reason; an accepted version recovers', async () => {
    const cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, xdsPort: 0, debounceMs: 10, nackBackoffMs: 200, logger });
    running.push(cp);
    await seed(cp);
    const sotw = await connect(cp, 'default.gw-1', 'sotw');
    await connect(cp, 'default.gw-2', 'delta');
    await expect.poll(() => programmed(cp, 'meshgateways/edge'), { timeout: 10_000 }).toMatchObject({ status: 'True', reason: 'Programmed' });

    // gw-1 rejects the next RouteConfiguration, which a change of the route on port 8080 causes.
    sotw.nackNext(TypeUrl.RouteConfiguration, DETAIL);
    await put(cp, route('api', 'a', '/v2'));
    await cp.flush();
    const nacked = await sotw.waitFor(TypeUrl.RouteConfiguration, (r) => r.answer === 'nack');
    expect(nacked.resources.map((r) => r.name)).toEqual(['edge:HTTP:8080:*']);

    const rejected = `1/2 proxies rejected the configuration: RouteConfiguration "edge:HTTP:8080:*": ${DETAIL}`;
    await expect.poll(() => programmed(cp, 'meshgateways/edge'), { timeout: 10_000 }).toMatchObject({ status: 'False', reason: 'Rejected', message: rejected });
    expect(await programmed(cp, 'meshgatewayroutes/api')).toMatchObject({ status: 'False', reason: 'Rejected', message: rejected });
    // The route on port 9090 lives in another RouteConfiguration, which both proxies run.
    expect(await programmed(cp, 'meshgatewayroutes/other')).toMatchObject({ status: 'True', reason: 'Programmed' });
    expect((await getJson<Status>(cp, '/meshes/default/meshgateways/edge/status')).proxies).toEqual({ selected: 2, connected: 2, acknowledged: 1, rejected: 1 });
    expect(await rdsInsight(cp)).toMatchObject({
      responsesRejected: 1,
      lastNack: { type: 'RouteConfiguration', version: nacked.version, nonce: nacked.nonce, resources: ['edge:HTTP:8080:*'], message: DETAIL },
    });

    // The user fixes the route: the new version is sent after the backoff, ACKed, and clears it all.
    await put(cp, route('api', 'a', '/v3'));
    await cp.flush();
    await expect.poll(() => programmed(cp, 'meshgateways/edge'), { timeout: 10_000 }).toMatchObject({ status: 'True', reason: 'Programmed' });
    expect(await programmed(cp, 'meshgatewayroutes/api')).toMatchObject({ status: 'True', reason: 'Programmed' });
    const recovered = await rdsInsight(cp);
    expect(recovered).not.toHaveProperty('lastNack');
    expect(recovered).toMatchObject({ responsesRejected: 1 });
  });
});
