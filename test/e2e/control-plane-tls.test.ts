// End to end, the dataplane port's TLS seen from real Envoys (docs/tls.md): the control plane
// (built CLI) generates its CA; three Envoys get real bootstraps from POST /bootstrap. The one that
// trusts that CA receives its listener; one whose bootstrap trusts another CA, and one that expects
// another SAN, refuse the control plane's certificate and never receive config. A plaintext client
// on the TLS port is refused and the control plane keeps serving. Last, a control plane run with
// --xds-plaintext warns and serves a `dp run --cp http://...` Envoy without TLS.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { findEnvoyBinary } from '../../src/xds/envoy/envoy-binary.js';
import { httpCall } from '../support/https-request.js';
import { eventually, freePort, PORTICO_BIN, REPO_ROOT, request, start, type Running } from '../support/processes.js';
import { dataplaneTokenFile, issueDataplaneToken } from '../support/dataplane-tokens.js';
import { generateTestTls } from '../support/tls-fixtures.js';

type Bootstrap = {
  static_resources: { clusters: { transport_socket: { typed_config: { common_tls_context: { validation_context: Record<string, any> } } } }[] };
};

const validation = (b: Bootstrap) => b.static_resources.clusters[0]!.transport_socket.typed_config.common_tls_context.validation_context;

/** Envoy's counters whose name contains `filter`, as name -> value. */
async function stats(adminPort: number, filter: string): Promise<Record<string, number>> {
  const res = await request(`http://127.0.0.1:${adminPort}/stats?filter=${encodeURIComponent(filter)}`);
  return Object.fromEntries(res.body.split('\n').filter((l) => l.includes(': ')).map((l) => [l.split(': ')[0]!, Number(l.split(': ')[1])]));
}

async function dynamicListeners(adminPort: number): Promise<string[]> {
  const dump = JSON.parse((await request(`http://127.0.0.1:${adminPort}/config_dump?resource=dynamic_listeners`)).body) as { configs?: { name: string }[] };
  return (dump.configs ?? []).map((c) => c.name);
}

describe('dataplane port TLS with real Envoys', () => {
  const processes: Running[] = [];
  let dir = '';
  let xdsPort = 0;
  let apiUrl = '';
  let caPem = '';
  const admin = { trusted: 0, wrongCa: 0, wrongSan: 0 };

  /** A real bootstrap for a gateway Dataplane `name` at `address`, fetched with the right CA. */
  async function bootstrapFor(name: string, address: string, adminPort: number): Promise<Bootstrap> {
    const dataplaneResource = stringify({ type: 'Dataplane', mesh: 'default', name, networking: { address, gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge-gateway' } } } });
    const res = await httpCall(`https://127.0.0.1:${xdsPort}/bootstrap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mesh: 'default', name, dataplaneResource, adminPort, caCert: caPem, dataplaneToken: await issueDataplaneToken(apiUrl, { mesh: 'default', name }) }),
      ca: caPem,
    });
    expect(res.status, res.body).toBe(200);
    return parse(res.body) as Bootstrap;
  }

  function runEnvoy(name: string, bootstrap: Bootstrap): void {
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, stringify(bootstrap));
    const envoy = findEnvoyBinary(undefined);
    if (!envoy) throw new Error('Envoy not found: run envoy/install.sh or set ENVOY_BIN');
    processes.push(start(envoy, ['--config-path', file, '--concurrency', '1', '--disable-hot-restart', '--log-level', 'warn', '--drain-time-s', '1']));
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-tls-e2e-'));
    const cp = start(process.execPath, [PORTICO_BIN, 'cp', 'run', '--store', 'memory', '--data-dir', dir, '--api-port', '0', '--api-https-port', '0', '--xds-port', '0']);
    processes.push(cp);
    const ready = await cp.waitFor(/"apiPort":(\d+),"xdsPort":(\d+)/);
    apiUrl = `http://127.0.0.1:${ready[1]}`;
    xdsPort = Number(ready[2]);
    caPem = readFileSync(path.join(dir, 'tls', 'ca.crt'), 'utf8');
    const gatewayPort = await freePort();
    for (const [url, doc] of [
      ['/meshes/default', { type: 'Mesh', name: 'default' }],
      ['/meshes/default/meshgateways/edge', { type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge-gateway' } }], conf: { listeners: [{ port: gatewayPort, protocol: 'HTTP' }] } }],
    ] as const) {
      const res = await httpCall(`${apiUrl}${url}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
      expect(res.status, res.body).toBeLessThan(300);
    }

    admin.trusted = await freePort();
    admin.wrongCa = await freePort();
    admin.wrongSan = await freePort();
    runEnvoy('trusted', await bootstrapFor('gw-trusted', '127.0.0.1', admin.trusted));

    const wrongCa = await bootstrapFor('gw-wrong-ca', '127.0.0.2', admin.wrongCa);
    validation(wrongCa)['trusted_ca'] = { inline_string: (await generateTestTls()).caPem };
    runEnvoy('wrong-ca', wrongCa);

    const wrongSan = await bootstrapFor('gw-wrong-san', '127.0.0.3', admin.wrongSan);
    validation(wrongSan)['match_typed_subject_alt_names'] = [{ san_type: 'DNS', matcher: { exact: 'not-the-control-plane.example.com' } }];
    runEnvoy('wrong-san', wrongSan);
  }, 120_000);

  afterAll(async () => {
    for (const p of processes.reverse()) await p.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('an Envoy that trusts the control plane CA and checks its IP SAN receives its listener', async () => {
    await eventually(async () => (await dynamicListeners(admin.trusted)).length === 1, 45_000, 'the trusted Envoy to receive its listener');
    expect((await stats(admin.trusted, 'ads_cluster.ssl.handshake'))['cluster.ads_cluster.ssl.handshake']).toBeGreaterThan(0);
  });

  it('an Envoy given another CA, or expecting another SAN, rejects the certificate and gets no config', async () => {
    await eventually(async () => ((await stats(admin.wrongCa, 'ads_cluster.ssl'))['cluster.ads_cluster.ssl.fail_verify_error'] ?? 0) > 0, 45_000, 'a verification failure on the wrong-CA Envoy');
    await eventually(async () => ((await stats(admin.wrongSan, 'ads_cluster.ssl'))['cluster.ads_cluster.ssl.fail_verify_san'] ?? 0) > 0, 45_000, 'a SAN failure on the wrong-SAN Envoy');
    // Both have been refused at least once and have retried; the trusted one got config meanwhile.
    await eventually(async () => (await dynamicListeners(admin.trusted)).length === 1, 45_000, 'the trusted Envoy to receive its listener');
    // Not `control_plane.connected_state`: Envoy sets it to 1 when it creates the stream, before
    // the connection and its handshake, and back to 0 when that fails, so a sample can catch a
    // retry in between. No completed handshake is the proof that no stream reached the server.
    for (const port of [admin.wrongCa, admin.wrongSan]) {
      expect(await dynamicListeners(port)).toEqual([]);
      expect((await stats(port, 'ads_cluster.ssl.handshake'))['cluster.ads_cluster.ssl.handshake'] ?? 0).toBe(0);
    }
  });

  it('refuses a plaintext client on the TLS port without crashing', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(xdsPort, '127.0.0.1', () => socket.write('POST /bootstrap HTTP/1.1\r\nHost: x\r\ncontent-length: 2\r\n\r\n{}'));
      let received = '';
      socket.on('data', (d) => (received += d.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(received));
    });
    expect(answer).not.toMatch(/^HTTP\/1\.1/);
    expect(processes[0]!.proc.exitCode).toBeNull();
    expect((await request(`${apiUrl}/ready`)).status).toBe(200);
    const again = await httpCall(`https://127.0.0.1:${xdsPort}/bootstrap`, { ca: caPem });
    expect(again.status).toBe(405);
  });
});

describe('dataplane port in plaintext, only when asked (--xds-plaintext)', () => {
  const processes: Running[] = [];
  let dir = '';
  afterAll(async () => {
    for (const p of processes.reverse()) await p.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('warns at start, and dp run over http:// gives Envoy a plaintext ads_cluster that gets its config', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-plain-e2e-'));
    const cp = start(process.execPath, [PORTICO_BIN, 'cp', 'run', '--store', 'memory', '--data-dir', dir, '--xds-plaintext', '--api-port', '0', '--api-https-port', '0', '--xds-port', '0']);
    processes.push(cp);
    const ready = await cp.waitFor(/"apiPort":(\d+),"xdsPort":(\d+)/);
    expect(cp.output()).toMatch(/"level":40,.*the dataplane port serves plaintext \(--xds-plaintext\)/);
    const apiUrl = `http://127.0.0.1:${ready[1]}`;
    const gatewayPort = await freePort();
    for (const [url, doc] of [
      ['/meshes/default', { type: 'Mesh', name: 'default' }],
      ['/meshes/default/meshgateways/edge', { type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge-gateway' } }], conf: { listeners: [{ port: gatewayPort, protocol: 'HTTP' }] } }],
    ] as const) {
      expect((await httpCall(`${apiUrl}${url}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) })).status).toBeLessThan(300);
    }
    const adminPort = await freePort();
    const tokenFile = await dataplaneTokenFile(apiUrl, 'default', 'edge-gateway-1', dir);
    const dp = start(process.execPath, [
      PORTICO_BIN, 'dp', 'run', '--cp', `http://127.0.0.1:${ready[2]}`, '--dataplane-file', path.join(REPO_ROOT, 'examples', 'universal', 'gateway-dataplane.yaml'),
      '--dataplane-token-file', tokenFile, '--admin-port', String(adminPort), '--log-level', 'warn', '--drain-time', '1',
    ]);
    processes.push(dp);
    await eventually(async () => (await dynamicListeners(adminPort)).length === 1, 45_000, 'the plaintext Envoy to receive its listener');
    expect(dp.output()).toContain('is plaintext: the dataplane token and secrets travel unencrypted');
    const dump = JSON.parse((await request(`http://127.0.0.1:${adminPort}/config_dump?resource=static_clusters`)).body) as { configs: { cluster: { name: string; transport_socket?: unknown } }[] };
    // Besides the plaintext ads_cluster, only the agent's access log sink (a Unix socket, docs/policies.md).
    expect(dump.configs.map((c) => [c.cluster.name, c.cluster.transport_socket])).toEqual([['access_log_sink', undefined], ['ads_cluster', undefined]]);
  }, 120_000);
});
