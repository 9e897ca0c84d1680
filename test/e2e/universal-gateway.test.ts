// End to end, universal mode, real parts only: the built `portico` CLI runs the control plane on
// the embedded store, the example manifests are applied with `portico apply`, two real Envoys are
// started with `portico dp run` (one on delta ADS, one on state-of-the-world ADS, at different
// loopback addresses), and real HTTP requests go through them to two echo backends. The dataplane
// port is TLS: `dp run` and Envoy verify the control plane by the CA it generated in its data
// directory, and Envoy checks the certificate's IP SAN.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { dataplaneTokenFile } from '../support/dataplane-tokens.js';
import { eventually, freePort, portico, PORTICO_BIN, REPO_ROOT, request, start, type Running } from '../support/processes.js';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'universal');

interface Env {
  dataDir: string;
  apiUrl: string;
  xdsUrl: string;
  caFile: string;
  gatewayPort: number;
  processes: Running[];
  deltaAdmin: number;
  sotwAdmin: number;
  dpDir: string;
}

/** The example's documents with the fixed example ports replaced by free ones. */
function exampleDocuments(ports: { gateway: number; a: number; b: number }): Record<string, unknown>[] {
  const text = readFileSync(path.join(EXAMPLE, 'mesh.yaml'), 'utf8')
    .replaceAll('port: 8080', `port: ${ports.gateway}`)
    .replaceAll('http/8080', `http/${ports.gateway}`)
    .replaceAll('port: 8081', `port: ${ports.a}`)
    .replaceAll('port: 8082', `port: ${ports.b}`);
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
}

function gatewayDataplane(name: string, address: string): string {
  const doc = readFileSync(path.join(EXAMPLE, 'gateway-dataplane.yaml'), 'utf8');
  return doc.replace('name: edge-gateway-1', `name: ${name}`).replace('address: 127.0.0.1', `address: ${address}`);
}

/** The status of an HTTPS GET without a client certificate (the server's certificate is not checked). */
function httpsGetStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

async function echoName(url: string, host: string): Promise<string> {
  const r = await request(url, { host });
  if (r.status !== 200) return `status ${r.status}`;
  return (JSON.parse(r.body) as { name: string }).name;
}

describe('universal mode end to end (real Envoy, real traffic)', () => {
  const env = {} as Env;

  beforeAll(async () => {
    env.processes = [];
    env.dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-e2e-'));
    const cp = start(process.execPath, [PORTICO_BIN, 'cp', 'run', '--store', 'embedded', '--data-dir', env.dataDir, '--api-port', '0', '--api-https-port', '0', '--xds-port', '0']);
    env.processes.push(cp);
    const ready = await cp.waitFor(/"apiPort":(\d+),"xdsPort":(\d+),"apiHttpsPort":(\d+)/);
    env.apiUrl = `http://127.0.0.1:${ready[1]}`;
    const apiHttpsUrl = `https://127.0.0.1:${ready[3]}`;
    env.xdsUrl = `https://127.0.0.1:${ready[2]}`;
    env.caFile = path.join(env.dataDir, 'tls', 'ca.crt');

    const a = start(process.execPath, [path.join(EXAMPLE, 'echo-server.mjs'), '--name', 'echo-a', '--port', '0']);
    const b = start(process.execPath, [path.join(EXAMPLE, 'echo-server.mjs'), '--name', 'echo-b', '--port', '0']);
    env.processes.push(a, b);
    const portA = Number((await a.waitFor(/listening on [\d.]+:(\d+)/))[1]);
    const portB = Number((await b.waitFor(/listening on [\d.]+:(\d+)/))[1]);
    env.gatewayPort = await freePort();

    const docs = exampleDocuments({ gateway: env.gatewayPort, a: portA, b: portB });
    // Through the HTTPS API, verified by the generated CA.
    const applied = await portico(['apply', '-f', '-', '--api', apiHttpsUrl, '--api-ca-cert-file', env.caFile], docs.map((d) => stringify(d)).join('---\n'));
    expect(applied.code, applied.output).toBe(0);

    env.deltaAdmin = await freePort();
    env.sotwAdmin = await freePort();
    const dpDir = mkdtempSync(path.join(os.tmpdir(), 'portico-dp-files-'));
    const deltaFile = path.join(dpDir, 'gw-delta.yaml');
    const sotwFile = path.join(dpDir, 'gw-sotw.yaml');
    writeFileSync(deltaFile, gatewayDataplane('edge-gateway-1', '127.0.0.1'));
    writeFileSync(sotwFile, gatewayDataplane('edge-gateway-2', '127.0.0.2'));
    env.dpDir = dpDir;
    // Each proxy presents a token bound to its own name (secure default: no token, no config).
    const deltaToken = await dataplaneTokenFile(env.apiUrl, 'default', 'edge-gateway-1', dpDir);
    // The SotW proxy gets its token through Kuma's environment variable instead of the flag.
    const sotwToken = await dataplaneTokenFile(env.apiUrl, 'default', 'edge-gateway-2', dpDir);
    const dpArgs = (file: string, admin: number, mode: string) => [PORTICO_BIN, 'dp', 'run', '--cp', env.xdsUrl, '--ca-cert-file', env.caFile, '--dataplane-file', file, '--admin-port', String(admin), '--xds', mode, '--log-level', 'warn', '--drain-time', '1'];
    env.processes.push(start(process.execPath, [...dpArgs(deltaFile, env.deltaAdmin, 'delta'), '--dataplane-token-file', deltaToken]));
    env.processes.push(start(process.execPath, dpArgs(sotwFile, env.sotwAdmin, 'sotw'), { env: { KUMA_DATAPLANE_RUNTIME_TOKEN_PATH: sotwToken } }));
    for (const host of ['127.0.0.1', '127.0.0.2']) {
      await eventually(async () => (await echoName(`http://${host}:${env.gatewayPort}/a`, 'api.example.com')) === 'echo-a', 45_000, `gateway on ${host} to route /a`);
    }
  }, 120_000);

  afterAll(async () => {
    for (const p of [...(env.processes ?? [])].reverse()) await p.stop();
    if (env.dataDir) rmSync(env.dataDir, { recursive: true, force: true });
    if (env.dpDir) rmSync(env.dpDir, { recursive: true, force: true });
  });

  for (const [label, host] of [['delta ADS', '127.0.0.1'], ['SotW ADS', '127.0.0.2']] as const) {
    describe(label, () => {
      const url = (p: string) => `http://${host}:${env.gatewayPort}${p}`;

      it('routes by path prefix on whole segments', async () => {
        expect(await echoName(url('/a'), 'api.example.com')).toBe('echo-a');
        expect(await echoName(url('/a/deeper?x=1'), 'api.example.com')).toBe('echo-a');
        expect(await echoName(url('/b'), 'api.example.com')).toBe('echo-b');
        // `/abc` is not under the `/a` segment: no route matches on this host.
        expect((await request(url('/abc'), { host: 'api.example.com' })).status).toBe(404);
      });

      it('routes by host', async () => {
        expect(['echo-a', 'echo-b']).toContain(await echoName(url('/anything'), 'shop.example.com'));
        expect((await request(url('/anything'), { host: 'api.example.com' })).status).toBe(404);
      });

      it('answers unknown hosts from the 404 virtual host', async () => {
        const r = await request(url('/'), { host: 'unknown.example.org' });
        expect(r.status).toBe(404);
        expect(r.body).toBe('This is a Portico gateway: no route matches this request.\n');
        expect(r.headers.server).toBe('Portico Gateway');
      });
    });
  }

  it("serves each proxy's Envoy stats and clusters through the REST API: directly at 127.0.0.1, over dp run's TLS admin server elsewhere", async () => {
    // edge-gateway-1 sits at 127.0.0.1 (its admin is read directly); edge-gateway-2 at 127.0.0.2,
    // where dp run serves the admin port to the control plane's client certificate only. Neither
    // Dataplane names its admin port: the control plane learnt it from the proxies' node metadata.
    for (const name of ['edge-gateway-1', 'edge-gateway-2']) {
      const stats = await request(`${env.apiUrl}/meshes/default/dataplanes/${name}/stats?filter=^server\\.live$`);
      expect(stats.status, stats.body).toBe(200);
      expect(stats.body).toContain('server.live: 1');
      const clusters = await request(`${env.apiUrl}/meshes/default/dataplanes/${name}/clusters`);
      expect(clusters.status, clusters.body).toBe(200);
      expect(clusters.body).toMatch(/^echo-[0-9a-f]{16}::/m);
      const json = await request(`${env.apiUrl}/meshes/default/dataplanes/${name}/stats?format=json&filter=server.live`);
      expect((JSON.parse(json.body) as { stats: { name: string }[] }).stats.map((s) => s.name)).toContain('server.live');
    }
    // The admin server answers kubelet-style probes in plaintext, and nothing else without the certificate.
    const ready = await request(`http://127.0.0.2:${env.sotwAdmin}/ready`);
    expect([ready.status, ready.body.trim()]).toEqual([200, 'LIVE']);
    expect((await request(`http://127.0.0.2:${env.sotwAdmin}/stats`)).status).toBe(404);
    await expect(httpsGetStatus(`https://127.0.0.2:${env.sotwAdmin}/stats`)).rejects.toThrow();
  });

  it("refuses a proxy without a token, or with another proxy's token, before Envoy starts", async () => {
    const file = path.join(env.dpDir, 'gw-intruder.yaml');
    writeFileSync(file, gatewayDataplane('edge-gateway-1', '127.0.0.9'));
    const args = [PORTICO_BIN, 'dp', 'run', '--cp', env.xdsUrl, '--ca-cert-file', env.caFile, '--dataplane-file', file, '--admin-port', String(await freePort()), '--bootstrap-timeout', '5'];
    const anonymous = start(process.execPath, args);
    await anonymous.waitFor(/bootstrap request failed with 401: a dataplane token is required/, 20_000);
    const other = start(process.execPath, [...args, '--dataplane-token-file', path.join(env.dpDir, 'default.edge-gateway-2.token')]);
    await other.waitFor(/bootstrap request failed with 403: proxy name from requestor: edge-gateway-1 is different than in token: edge-gateway-2/, 20_000);
    for (const p of [anonymous, other]) {
      await new Promise((resolve) => (p.proc.exitCode !== null ? resolve(undefined) : p.proc.once('exit', resolve)));
      expect(p.proc.exitCode).toBe(1);
      expect(p.output()).not.toMatch(/eyJ[\w-]+\.eyJ/); // no token in the agent's output
    }
    // The real edge-gateway-1 is untouched: still at 127.0.0.1 and still serving.
    const dp = (await (await fetch(`${env.apiUrl}/meshes/default/dataplanes/edge-gateway-1`)).json()) as { networking: { address: string } };
    expect(dp.networking.address).toBe('127.0.0.1');
    expect(await echoName(`http://127.0.0.1:${env.gatewayPort}/a`, 'api.example.com')).toBe('echo-a');
  }, 60_000);

  it('splits traffic 3:1 within ±10% over 1,000 requests', async () => {
    const route = {
      type: 'MeshGatewayRoute',
      mesh: 'default',
      name: 'shop-split',
      selectors: [{ match: { 'kuma.io/service': 'edge-gateway', port: `http/${env.gatewayPort}` } }],
      conf: {
        http: {
          hostnames: ['shop.example.com'],
          rules: [
            {
              matches: [{ path: { match: 'PREFIX', value: '/' } }],
              backends: [
                { weight: 3, destination: { 'kuma.io/service': 'echo', version: 'a' } },
                { weight: 1, destination: { 'kuma.io/service': 'echo', version: 'b' } },
              ],
            },
          ],
        },
      },
    };
    const put = await fetch(`${env.apiUrl}/meshes/default/meshgatewayroutes/shop-split`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(route),
    });
    expect(put.status, await put.text()).toBe(200);
    // Wait until Envoy has the 3:1 table: the RDS version changes; sample until the split looks new.
    await eventually(async () => {
      const dump = await request(`http://127.0.0.1:${env.deltaAdmin}/config_dump?resource=dynamic_route_configs`);
      return /"weight":\s*3/.test(dump.body);
    }, 20_000, 'the 3:1 route table in Envoy');
    const counts = { 'echo-a': 0, 'echo-b': 0 } as Record<string, number>;
    for (let i = 0; i < 1_000; i++) {
      const name = await echoName(`http://127.0.0.1:${env.gatewayPort}/item/${i}`, 'shop.example.com');
      counts[name] = (counts[name] ?? 0) + 1;
    }
    const shareA = (counts['echo-a'] ?? 0) / 1_000;
    expect(counts['echo-a']! + counts['echo-b']!).toBe(1_000);
    expect(shareA).toBeGreaterThan(0.75 - 0.1);
    expect(shareA).toBeLessThan(0.75 + 0.1);
  }, 120_000);

  it('applies a route change PUT through the REST API to running Envoys without restarting them', async () => {
    const before = await Promise.all(
      [env.deltaAdmin, env.sotwAdmin].map(async (p) => JSON.parse((await request(`http://127.0.0.1:${p}/server_info`)).body) as { uptime_current_epoch: string; command_line_options: { restart_epoch: number } }),
    );
    const get = await fetch(`${env.apiUrl}/meshes/default/meshgatewayroutes/api-paths`);
    const route = (await get.json()) as { conf: { http: { rules: { backends: { destination: Record<string, string> }[] }[] } } };
    route.conf.http.rules[0]!.backends[0]!.destination = { 'kuma.io/service': 'echo', version: 'b' };
    const put = await fetch(`${env.apiUrl}/meshes/default/meshgatewayroutes/api-paths`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(route),
    });
    expect(put.status, await put.text()).toBe(200);
    for (const host of ['127.0.0.1', '127.0.0.2']) {
      await eventually(async () => (await echoName(`http://${host}:${env.gatewayPort}/a`, 'api.example.com')) === 'echo-b', 20_000, `traffic for /a on ${host} to switch to echo-b`);
    }
    const after = await Promise.all(
      [env.deltaAdmin, env.sotwAdmin].map(async (p) => JSON.parse((await request(`http://127.0.0.1:${p}/server_info`)).body) as { uptime_current_epoch: string; command_line_options: { restart_epoch: number } }),
    );
    for (let i = 0; i < 2; i++) {
      expect(after[i]!.command_line_options.restart_epoch ?? 0).toBe(before[i]!.command_line_options.restart_epoch ?? 0);
      expect(Number.parseInt(after[i]!.uptime_current_epoch, 10)).toBeGreaterThanOrEqual(Number.parseInt(before[i]!.uptime_current_epoch, 10));
    }
  }, 60_000);
});
