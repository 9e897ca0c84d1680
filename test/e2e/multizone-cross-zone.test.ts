// Cross-zone traffic end to end (issue 12 deliverables 6 and 8), universal mode, real parts only
// (examples/multizone/cross-zone/ is the fixture): a global and two zones; mesh "shop" with
// STRICT mTLS, its gateway and route applied on the global. "catalog" runs only in zone-2, behind
// a real sidecar Envoy, and zone-2 runs a real ZoneIngress Envoy registered with a zone token of
// scope ingress, advertising the DNS name localhost. Shown: zone-2 fills the ingress's available
// services; the global and zone-1 hold its copy naming zone-2, and zone-1 resolves the name; zone-1's gateway Envoy reaches catalog through zone-2's ingress over
// mesh mTLS (the sidecar sees the gateway's SPIFFE ID), also for a route destination with a tag;
// the ingress answers a connection without SNI by closing it; with the global killed -9, cross-zone traffic continues; stopping catalog's
// sidecar makes the route answer 503.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataplaneTokenFile } from '../support/dataplane-tokens.js';
import { apply, list, startGlobalCp, startZoneCp, zoneTokenFile, type GlobalCp, type ZoneCp } from '../support/multizone.js';
import { eventually, freePort, PORTICO_BIN, REPO_ROOT, request, start, type Running } from '../support/processes.js';

const FIXTURE = path.join(REPO_ROOT, 'examples', 'multizone', 'cross-zone');

function fixture(file: string, replace: (text: string) => string = (t) => t): string {
  return replace(readFileSync(path.join(FIXTURE, file), 'utf8'));
}

interface Env {
  work: string;
  global: GlobalCp;
  globalCp: Running;
  zones: Record<'zone-1' | 'zone-2', ZoneCp & { cp: Running }>;
  gatewayPort: number;
  ingressPort: number;
  catalogSidecar: Running;
  processes: Running[];
}

let lastAnswer = '';
async function get(port: number, pathname: string): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  try {
    const r = await request(`http://127.0.0.1:${port}${pathname}`);
    lastAnswer = `${r.status} ${r.body.slice(0, 300)}`;
    return { status: r.status, body: r.status === 200 ? (JSON.parse(r.body) as Record<string, unknown>) : undefined };
  } catch (err) {
    lastAnswer = `error ${(err as Error).message}`;
    return { status: 0, body: undefined };
  }
}

/** `portico dp run` of one proxy file in a zone, with a token file. */
async function dpRun(env: Env, zone: ZoneCp, file: string, token: string, extra: string[] = []): Promise<Running> {
  const args = [PORTICO_BIN, 'dp', 'run', '--cp', `https://127.0.0.1:${zone.xdsPort}`, '--ca-cert-file', path.join(zone.dataDir, 'tls', 'ca.crt'), '--dataplane-file', file, '--dataplane-token-file', token];
  const proxy = start(process.execPath, [...args, ...extra, '--admin-port', String(await freePort()), '--log-level', 'warn', '--drain-time', '1']);
  env.processes.push(proxy);
  return proxy;
}

function dump(env: Env): string {
  return env.processes.map((p) => p.output().slice(-1500)).join('\n-----\n');
}

describe('cross-zone traffic through a ZoneIngress (global + two universal zones, real Envoys)', () => {
  const env = { processes: [] as Running[] } as Env;

  beforeAll(async () => {
    env.work = mkdtempSync(path.join(os.tmpdir(), 'portico-xz-'));
    env.global = { dataDir: path.join(env.work, 'global'), apiPort: await freePort(), kdsPort: await freePort() };
    env.globalCp = startGlobalCp(env.global);
    env.processes.push(env.globalCp);
    await env.globalCp.waitFor(/control plane ready/);
    env.gatewayPort = await freePort();
    env.ingressPort = await freePort();
    await apply(env.global.apiPort, fixture('global.yaml', (t) => t.replace('port: 8090', `port: ${env.gatewayPort}`)));

    env.zones = {} as Env['zones'];
    for (const name of ['zone-1', 'zone-2'] as const) {
      const zone = { name, dataDir: path.join(env.work, name), apiPort: await freePort(), xdsPort: await freePort(), tokenFile: await zoneTokenFile(env.global, name, 'cp', env.work) };
      const cp = startZoneCp(env.global, zone, { KUMA_MULTIZONE_ZONE_INGRESS_UPDATE_INTERVAL: '200ms' });
      env.processes.push(cp);
      env.zones[name] = { ...zone, cp };
    }
    // Dataplane tokens are signed by the mesh's key, made on the global with the first token and
    // synced to the zones.
    const catalogToken = await dataplaneTokenFile(`http://127.0.0.1:${env.global.apiPort}`, 'shop', 'catalog-1', env.work);
    const gatewayToken = await dataplaneTokenFile(`http://127.0.0.1:${env.global.apiPort}`, 'shop', 'shop-edge', env.work);
    for (const zone of Object.values(env.zones)) {
      await zone.cp.waitFor(/control plane ready/);
      await eventually(async () => (await list(zone.apiPort, '/meshes/shop/secrets')).some((s) => String(s['name']).startsWith('dataplane-token-signing-key-shop')), 20_000, `${zone.name} to receive shop's signing key`);
    }
    const zone1 = env.zones['zone-1'];
    const zone2 = env.zones['zone-2'];

    // zone-2: catalog behind its sidecar, and the zone's ingress.
    const echo = start(process.execPath, [path.join(REPO_ROOT, 'examples', 'universal', 'echo-server.mjs'), '--name', 'catalog-zone-2', '--port', '0']);
    env.processes.push(echo);
    const echoPort = Number((await echo.waitFor(/listening on [\d.]+:(\d+)/))[1]);
    const catalogFile = path.join(env.work, 'catalog-sidecar.yaml');
    const inboundPort = await freePort();
    writeFileSync(catalogFile, fixture('catalog-sidecar.yaml', (t) => t.replace('port: 20081', `port: ${inboundPort}`).replace('servicePort: 8082', `servicePort: ${echoPort}`)));
    env.catalogSidecar = await dpRun(env, zone2, catalogFile, catalogToken);
    const ingressFile = path.join(env.work, 'ingress.yaml');
    writeFileSync(ingressFile, fixture('ingress.yaml', (t) => t.replaceAll('10001', String(env.ingressPort))));
    await dpRun(env, zone2, ingressFile, await zoneTokenFile(env.global, 'zone-2', 'ingress', env.work), ['--proxy-type', 'ingress']);

    // zone-1: the gateway only.
    const gatewayFile = path.join(env.work, 'gateway-dataplane.yaml');
    writeFileSync(gatewayFile, fixture('gateway-dataplane.yaml'));
    await dpRun(env, zone1, gatewayFile, gatewayToken);
  }, 180_000);

  afterAll(async () => {
    for (const p of [...env.processes].reverse()) await p.stop();
    if (env.work) rmSync(env.work, { recursive: true, force: true });
  });

  it("fills zone-2's ingress with its services, and every other zone holds a copy naming zone-2", async () => {
    const catalogOffered = (items: Array<Record<string, unknown>>) =>
      items.some((i) => ((i['availableServices'] as Array<{ tags: Record<string, string>; instances?: number; mesh?: string }> | undefined) ?? []).some((s) => s.tags['kuma.io/service'] === 'catalog' && s.mesh === 'shop' && s.instances === 1));
    await eventually(async () => catalogOffered(await list(env.zones['zone-2'].apiPort, '/zone-ingresses')), 30_000, "zone-2's ingress to offer catalog");
    await eventually(async () => catalogOffered(await list(env.global.apiPort, '/zone-ingresses')), 30_000, 'the global to hold the ingress');
    await eventually(async () => catalogOffered(await list(env.zones['zone-1'].apiPort, '/zone-ingresses')), 30_000, 'zone-1 to hold the ingress');
    const copy = (await list(env.zones['zone-1'].apiPort, '/zone-ingresses'))[0]!;
    expect(copy['zone']).toBe('zone-2');
    // zone-2 offers catalog with its zone in the tags, which it stamped into the Dataplane.
    const offered = (copy['availableServices'] as Array<{ tags: Record<string, string> }>).find((s) => s.tags['kuma.io/service'] === 'catalog');
    expect(offered?.tags['kuma.io/zone']).toBe('zone-2');
    expect((copy['labels'] as Record<string, string>)['kuma.io/zone']).toBe('zone-2');
    // It advertises a DNS name, which zone-1 resolved: the status says where zone-1 dials it.
    await eventually(async () => (await request(`http://127.0.0.1:${env.zones['zone-1'].apiPort}/zone-ingresses/${String(copy['name'])}/status`)).body.includes('"status":"True"'), 20_000, "zone-1 to resolve the ingress's name");
    const status = JSON.parse((await request(`http://127.0.0.1:${env.zones['zone-1'].apiPort}/zone-ingresses/${String(copy['name'])}/status`)).body) as { conditions: Array<Record<string, string>> };
    expect(status.conditions[0]).toMatchObject({ type: 'Reachable', status: 'True', message: `other zones reach this ingress at localhost (127.0.0.1):${env.ingressPort}` });
  });

  it("reaches catalog, which runs only in zone-2, from zone-1's gateway through zone-2's ingress over mesh mTLS", async () => {
    await eventually(async () => (await get(env.gatewayPort, '/catalog')).body?.['name'] === 'catalog-zone-2', 60_000, 'zone-1 gateway to reach catalog').catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\nlast answer: ${lastAnswer}\n${dump(env)}`);
    });
    const answer = await get(env.gatewayPort, '/catalog');
    // The sidecar in zone-2 terminated the gateway's own mesh TLS: the ingress only passed it on.
    const headers = answer.body?.['headers'] as Record<string, string>;
    expect(headers['x-forwarded-client-cert']).toContain('URI=spiffe://shop/shop-edge');
    // zone-1 tagged its gateway with its zone, as Kuma's zone control planes do: its identity
    // (the certificate's SANs) names it.
    expect(headers['x-forwarded-client-cert']).toContain('URI=kuma://kuma.io/zone/zone-1');
    // A destination with a tag travels with it in the SNI, which zone-2's ingress has a chain for.
    expect((await get(env.gatewayPort, '/v2/catalog')).body?.['name']).toBe('catalog-zone-2');
  });

  it('closes a connection to the ingress that carries no matching SNI', async () => {
    const closed = await new Promise<boolean>((resolve) => {
      const socket = net.connect(env.ingressPort, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n'));
      socket.on('data', () => resolve(false));
      socket.on('close', () => resolve(true));
      socket.on('error', () => resolve(true));
      setTimeout(() => resolve(false), 10_000);
    });
    expect(closed).toBe(true);
  });

  it('keeps cross-zone traffic flowing with the global killed -9', async () => {
    env.globalCp.proc.kill('SIGKILL');
    await new Promise((resolve) => env.globalCp.proc.once('exit', resolve));
    for (let i = 0; i < 10; i++) expect((await get(env.gatewayPort, '/catalog')).body?.['name']).toBe('catalog-zone-2');
  });

  it("answers 503 once catalog's only instance is gone", async () => {
    await env.catalogSidecar.stop();
    await eventually(async () => (await get(env.gatewayPort, '/catalog')).status === 503, 30_000, 'the route to fail with 503');
  });
});
