// Multi-zone end to end, universal mode, real parts only (examples/multizone/ is the fixture): a
// global and two zone control planes, each the built `portico` CLI on its own embedded store, the
// zones dialling the global's sync port over TLS verified by its generated CA, with zone tokens.
// The gateway and its route are applied on the global; each zone runs a gateway Envoy and its own
// echo backend. Shown: both zones' gateways serve the global's route; a route change on the global
// reaches both Envoys (the time is printed); the global sees every zone's Dataplanes and both
// zones online; with the global killed -9 the zones keep serving, accept Dataplane changes, and a
// restarted zone serves its last synced state to a new proxy; the global restarted, everything
// reconverges with nothing lost or duplicated.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataplaneTokenFile } from '../support/dataplane-tokens.js';
import { parseUntrustedYaml } from '../../src/decode/untrusted-yaml.js';
import { apply, list, startGlobalCp, startZoneCp, zoneTokenFile } from '../support/multizone.js';
import { eventually, freePort, portico, PORTICO_BIN, REPO_ROOT, request, start, type Running } from '../support/processes.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'multizone');
const ZONES = ['zone-1', 'zone-2'] as const;
type ZoneName = (typeof ZONES)[number];

interface Zone {
  name: ZoneName;
  dataDir: string;
  apiPort: number;
  xdsPort: number;
  cp: Running;
  echoPort: number;
  /** Loopback address of the zone's gateway proxy. */
  gatewayAddress: string;
  tokenFile: string;
}

interface Env {
  work: string;
  globalDir: string;
  globalApi: number;
  kdsPort: number;
  global: Running;
  gatewayPort: number;
  zones: Record<ZoneName, Zone>;
  processes: Running[];
}

function docs(file: string, replace: (text: string) => string = (t) => t): string {
  return replace(readFileSync(path.join(EXAMPLE, file), 'utf8'));
}

function startGlobal(env: Env): Running {
  const cp = startGlobalCp({ dataDir: env.globalDir, apiPort: env.globalApi, kdsPort: env.kdsPort });
  env.processes.push(cp);
  return cp;
}

function startZone(env: Env, zone: Zone): Running {
  const cp = startZoneCp({ dataDir: env.globalDir, apiPort: env.globalApi, kdsPort: env.kdsPort }, { name: zone.name, dataDir: zone.dataDir, apiPort: zone.apiPort, xdsPort: zone.xdsPort, tokenFile: zone.tokenFile });
  env.processes.push(cp);
  return cp;
}

let lastAnswer = '';
async function echoName(address: string, port: number, pathname: string): Promise<string> {
  try {
    const r = await request(`http://${address}:${port}${pathname}`, { host: 'api.example.com' });
    lastAnswer = `${r.status} ${r.body.slice(0, 200)}`;
    if (r.status !== 200) return `status ${r.status}`;
    return (JSON.parse(r.body) as { name: string }).name;
  } catch (err) {
    return `error ${(err as Error).message}`;
  }
}

async function startGateway(env: Env, zone: Zone, name: string, address: string, token: string): Promise<Running> {
  const file = path.join(env.work, `${zone.name}-${name}.yaml`);
  writeFileSync(file, docs('gateway-dataplane.yaml', (t) => t.replace('name: edge-gateway', `name: ${name}`).replace('address: 127.0.0.1', `address: ${address}`)));
  const args = [PORTICO_BIN, 'dp', 'run', '--cp', `https://127.0.0.1:${zone.xdsPort}`, '--ca-cert-file', path.join(zone.dataDir, 'tls', 'ca.crt'), '--dataplane-file', file];
  const proxy = start(process.execPath, [...args, '--dataplane-token-file', token, '--admin-port', String(await freePort()), '--log-level', 'warn', '--drain-time', '1']);
  env.processes.push(proxy);
  return proxy;
}

const ROUTE_WITH_NEW = (t: string): string =>
  t.replace(
    '      - destination: {kuma.io/service: echo}',
    '      - destination: {kuma.io/service: echo}\n    - matches:\n      - path: {match: PREFIX, value: /new}\n      backends:\n      - destination: {kuma.io/service: echo}',
  );

describe('multi-zone end to end (global + two universal zones, real Envoy)', () => {
  const env = { processes: [] as Running[] } as Env;

  beforeAll(async () => {
    env.work = mkdtempSync(path.join(os.tmpdir(), 'portico-mz-'));
    env.globalDir = path.join(env.work, 'global');
    env.globalApi = await freePort();
    env.kdsPort = await freePort();
    env.gatewayPort = await freePort();
    env.global = startGlobal(env);
    await env.global.waitFor(/control plane ready/);
    await apply(env.globalApi, docs('global.yaml', (t) => t.replaceAll('port: 8080', `port: ${env.gatewayPort}`).replaceAll('http/8080', `http/${env.gatewayPort}`)));

    env.zones = {} as Record<ZoneName, Zone>;
    for (const [i, name] of ZONES.entries()) {
      const tokenFile = await zoneTokenFile({ dataDir: env.globalDir, apiPort: env.globalApi, kdsPort: env.kdsPort }, name, 'cp', env.work);
      const echo = start(process.execPath, [path.join(REPO_ROOT, 'examples', 'universal', 'echo-server.mjs'), '--name', `echo-${name}`, '--port', '0']);
      env.processes.push(echo);
      const echoPort = Number((await echo.waitFor(/listening on [\d.]+:(\d+)/))[1]);
      const zone: Zone = { name, dataDir: path.join(env.work, name), apiPort: await freePort(), xdsPort: await freePort(), echoPort, gatewayAddress: `127.0.0.${i + 1}`, tokenFile, cp: undefined as never };
      zone.cp = startZone(env, zone);
      env.zones[name] = zone;
    }
    for (const zone of Object.values(env.zones)) {
      await zone.cp.waitFor(/control plane ready/);
      await apply(zone.apiPort, docs('zone-backend.yaml', (t) => t.replace('port: 8081', `port: ${zone.echoPort}`)));
    }
    // Dataplane tokens come from the global, where the mesh's signing key is made and then synced.
    for (const zone of Object.values(env.zones)) {
      const token = await dataplaneTokenFile(`http://127.0.0.1:${env.globalApi}`, 'default', 'edge-gateway', env.work);
      await eventually(async () => (await list(zone.apiPort, '/meshes/default/secrets')).some((s) => String(s['name']).startsWith('dataplane-token-signing-key-default')), 20_000, `${zone.name} to receive the signing key`);
      await startGateway(env, zone, 'edge-gateway', zone.gatewayAddress, token);
    }
    for (const zone of Object.values(env.zones)) {
      await eventually(async () => (await echoName(zone.gatewayAddress, env.gatewayPort, '/echo')) === `echo-${zone.name}`, 45_000, `${zone.name}'s gateway to serve /echo`).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\nlast answer: ${lastAnswer}\n${env.processes.map((p) => p.output().slice(-1500)).join('\n-----\n')}`);
      });
    }
  }, 180_000);

  afterAll(async () => {
    for (const p of [...env.processes].reverse()) await p.stop();
    if (env.work) rmSync(env.work, { recursive: true, force: true });
  });

  it("serves the global's route in both zones, each to its own backend", async () => {
    for (const zone of Object.values(env.zones)) {
      expect(await echoName(zone.gatewayAddress, env.gatewayPort, '/echo')).toBe(`echo-${zone.name}`);
      expect(await echoName(zone.gatewayAddress, env.gatewayPort, '/new')).toBe('status 404');
    }
  });

  it('shows every zone online and every zone\'s Dataplanes on the global, labelled with their zone', async () => {
    await eventually(async () => (await list(env.globalApi, '/zones')).length === 2, 10_000, 'two Zones');
    const zones = await portico(['get', 'zones', '--api', `http://127.0.0.1:${env.globalApi}`]);
    expect(zones.output).toMatch(/zone-1\s+Online/);
    expect(zones.output).toMatch(/zone-2\s+Online/);
    await eventually(async () => (await list(env.globalApi, '/meshes/default/dataplanes')).length === 4, 10_000, 'four Dataplanes on the global');
    const dataplanes = await list(env.globalApi, '/meshes/default/dataplanes');
    const byZone = (z: string) => dataplanes.filter((d) => (d['labels'] as Record<string, string>)['kuma.io/zone'] === z).map((d) => (d['labels'] as Record<string, string>)['kuma.io/display-name']).sort();
    expect(byZone('zone-1')).toEqual(['echo', 'edge-gateway']);
    expect(byZone('zone-2')).toEqual(['echo', 'edge-gateway']);
  });

  it('brings a route change on the global to the Envoys of both zones', async () => {
    const started = performance.now();
    await apply(env.globalApi, docs('global.yaml', (t) => ROUTE_WITH_NEW(t).replaceAll('port: 8080', `port: ${env.gatewayPort}`).replaceAll('http/8080', `http/${env.gatewayPort}`)));
    const reached: Record<string, number> = {};
    await eventually(
      async () => {
        for (const zone of Object.values(env.zones)) {
          if (reached[zone.name] === undefined && (await echoName(zone.gatewayAddress, env.gatewayPort, '/new')) === `echo-${zone.name}`) reached[zone.name] = performance.now() - started;
        }
        return Object.keys(reached).length === 2;
      },
      20_000,
      'the new route in both zones',
    );
    console.log(`route change on global -> Envoy: ${Object.entries(reached).map(([z, ms]) => `${z} ${ms.toFixed(0)} ms`).join(', ')}`);
  });

  it('keeps both zones serving with the global killed, accepts Dataplane changes, and a restarted zone serves its synced state', async () => {
    const token = await dataplaneTokenFile(`http://127.0.0.1:${env.globalApi}`, 'default', 'edge-gateway-b', env.work);
    env.global.proc.kill('SIGKILL');
    await new Promise((resolve) => env.global.proc.once('exit', resolve));
    for (const zone of Object.values(env.zones)) expect(await echoName(zone.gatewayAddress, env.gatewayPort, '/new')).toBe(`echo-${zone.name}`);
    const zone1 = env.zones['zone-1'];
    await apply(zone1.apiPort, docs('zone-backend.yaml', (t) => t.replace('name: echo', 'name: echo-extra').replace('port: 8081', `port: ${zone1.echoPort}`)));

    await zone1.cp.stop();
    zone1.cp = startZone(env, zone1);
    await zone1.cp.waitFor(/control plane ready/);
    // A proxy that never saw the global's config gets it from the zone's store.
    await startGateway(env, zone1, 'edge-gateway-b', '127.0.0.3', token);
    await eventually(async () => (await echoName('127.0.0.3', env.gatewayPort, '/new')) === 'echo-zone-1', 45_000, 'a new gateway in zone-1 with the global down');
    expect(await echoName(zone1.gatewayAddress, env.gatewayPort, '/echo')).toBe('echo-zone-1');
    expect(await echoName(env.zones['zone-2'].gatewayAddress, env.gatewayPort, '/echo')).toBe('echo-zone-2');
  }, 90_000);

  it('reconverges when the global is back: changes flow again, nothing lost or duplicated', async () => {
    env.global = startGlobal(env);
    await env.global.waitFor(/control plane ready/);
    const expected = { 'zone-1': ['echo', 'echo-extra', 'edge-gateway', 'edge-gateway-b'], 'zone-2': ['echo', 'edge-gateway'] };
    await eventually(
      async () => {
        const dataplanes = await list(env.globalApi, '/meshes/default/dataplanes');
        const names = (z: string) => dataplanes.filter((d) => (d['labels'] as Record<string, string>)['kuma.io/zone'] === z).map((d) => (d['labels'] as Record<string, string>)['kuma.io/display-name']).sort();
        return dataplanes.length === 6 && JSON.stringify(names('zone-1')) === JSON.stringify(expected['zone-1']) && JSON.stringify(names('zone-2')) === JSON.stringify(expected['zone-2']);
      },
      30_000,
      "both zones' Dataplanes on the restarted global",
    );
    // The route goes back to /echo only: both zones follow.
    await apply(env.globalApi, docs('global.yaml', (t) => t.replaceAll('port: 8080', `port: ${env.gatewayPort}`).replaceAll('http/8080', `http/${env.gatewayPort}`)));
    for (const zone of Object.values(env.zones)) {
      await eventually(async () => (await echoName(zone.gatewayAddress, env.gatewayPort, '/new')) === 'status 404', 30_000, `${zone.name} to drop /new`);
    }
    // Each zone holds one copy of the global's gateway and route, not one per connection.
    for (const zone of Object.values(env.zones)) {
      expect((await list(zone.apiPort, '/meshes/default/meshgateways')).length).toBe(1);
      expect((await list(zone.apiPort, '/meshes/default/meshgatewayroutes')).length).toBe(1);
    }
  }, 90_000);

  it('writes log lines with one component each and no key twice, in every control plane', async () => {
    const cps = [env.global, ...Object.values(env.zones).map((z) => z.cp)];
    let checked = 0;
    for (const cp of cps) {
      for (const line of cp.output().split('\n').filter((l) => l.startsWith('{'))) {
        // JSON is YAML: the strict YAML reader refuses a mapping with a key twice.
        const parsed = parseUntrustedYaml(line);
        expect(parsed.ok, `${line}\n${parsed.ok ? '' : parsed.message}`).toBe(true);
        expect(typeof (JSON.parse(line) as { component?: unknown }).component, line).toBe('string');
        checked += 1;
      }
    }
    // The control planes logged: starting, zones connecting, the global's restart.
    expect(checked).toBeGreaterThan(20);
  });
});
