import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createApiServer, type ApiServer } from '../api-server/server.js';
import { MemoryStore } from '../core/memory-store.js';
import { main } from './main.js';
import type { CliIo } from './output.js';

const FILE = `type: Mesh
name: prod
---
type: MeshGateway
mesh: prod
name: edge
selectors:
  - match:
      kuma.io/service: edge
conf:
  listeners:
    - port: 8080
      protocol: HTTP
---
type: Dataplane
mesh: prod
name: edge-1
networking:
  address: 10.0.0.7
  gateway:
    type: BUILTIN
    tags:
      kuma.io/service: edge
`;

/** A loopback port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Run the CLI against the test server, capturing output and feeding `stdin`. */
async function run(api: string, args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: () => Promise.resolve(stdin),
    now: () => new Date(Date.now() + 3 * 60_000),
  };
  const code = await main(['node', 'portico', '--api', api, ...args], io);
  return { code, stdout, stderr };
}

describe('portico CLI against a real API server', () => {
  let server: ApiServer;
  let store: MemoryStore;
  let api: string;
  let dir: string;

  beforeAll(async () => {
    store = new MemoryStore();
    server = createApiServer({ store, logger: pino({ level: 'silent' }), isReady: () => true });
    api = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    dir = await mkdtemp(path.join(tmpdir(), 'portico-cli-'));
  });

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Write a file in the temporary directory and return its path. */
  async function file(name: string, text: string): Promise<string> {
    const p = path.join(dir, name);
    await writeFile(p, text);
    return p;
  }

  it('refuses an invalid file locally, listing every violation, and writes nothing', async () => {
    const bad = await file('bad.yaml', FILE.replace('port: 8080', 'port: 0').replace('address: 10.0.0.7', 'adress: x'));
    const r = await run(api, ['apply', '-f', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad} document 2: conf.listeners[0].port: port must be in the range [1, 65535]`);
    expect(r.stderr).toContain(`${bad} document 3: networking.adress: unknown field "adress"`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await store.list('Mesh')).toEqual([]);
  });

  it('maps server-side causes back to documents (mesh not found)', async () => {
    const orphan = await file('orphan.yaml', FILE.split('---\n')[1] ?? '');
    const r = await run(api, ['apply', '-f', orphan]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: Could not process a resource: Resource is not valid');
    expect(r.stderr).toContain(`${orphan} document 1: mesh: mesh not found`);
  });

  it('applies a file, then reports unchanged resources', async () => {
    const f = await file('all.yaml', FILE);
    const first = await run(api, ['apply', '-f', f]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toBe('mesh "prod" created\nmeshgateway "edge" created\ndataplane "edge-1" created\n');
    const again = await run(api, ['apply', '-f', f]);
    expect(again.stdout).toBe('mesh "prod" unchanged\nmeshgateway "edge" unchanged\ndataplane "edge-1" unchanged\n');
  });

  it('applies from stdin', async () => {
    const r = await run(api, ['apply', '-f', '-'], 'type: Mesh\nname: staging\n');
    expect(r).toMatchObject({ code: 0, stdout: 'mesh "staging" created\n' });
    const bad = await run(api, ['apply', '-f', '-'], 'type: Mesh\nname: x\nname: y\n');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^<stdin> document 1: invalid YAML: Map keys must be unique at line 3, column 1\n$/);
  });

  it('gets a table with kind-specific columns, and a status column at the end', async () => {
    const dps = await run(api, ['get', 'dataplanes', '-m', 'prod']);
    expect(dps.code).toBe(0);
    const [header, row] = dps.stdout.trimEnd().split('\n');
    // This server has no inspect API (no runtime routes): the status column says `-`, and the
    // command still succeeds.
    expect(header?.split(/\s+/)).toEqual(['MESH', 'NAME', 'TYPE', 'ADDRESS', 'SERVICE', 'AGE', 'CONNECTED']);
    expect(row?.split(/\s+/)).toEqual(['prod', 'edge-1', 'gateway/builtin', '10.0.0.7', 'edge', '3m', '-']);
    const gateways = await run(api, ['get', 'meshgateways', '-m', 'prod']);
    expect(gateways.stdout.split('\n')[0]?.split(/\s+/)).toEqual(['MESH', 'NAME', 'SERVICE', 'LISTENERS', 'AGE', 'PROGRAMMED']);
    const meshes = await run(api, ['get', 'meshes']);
    expect(meshes.stdout.split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['NAME', 'prod', 'staging', '']);
  });

  it('gets YAML and JSON in universal form, by alias and by name', async () => {
    const yaml = await run(api, ['get', 'mgw', '-m', 'prod', '-o', 'yaml']);
    const list = parse(yaml.stdout) as { total: number; items: { type: string; name: string }[]; next: null };
    expect(list).toMatchObject({ total: 1, next: null, items: [{ type: 'MeshGateway', mesh: 'prod', name: 'edge' }] });
    const json = await run(api, ['get', 'meshgateway', 'edge', '-m', 'prod', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ type: 'MeshGateway', name: 'edge', conf: { listeners: [{ port: 8080 }] } });
  });

  it('gets secrets without data, and one secret with --reveal', async () => {
    const data = Buffer.from('secret bundle').toString('base64');
    const applied = await run(api, ['apply', '-f', '-'], `type: Secret\nmesh: prod\nname: tls\ndata: ${data}\n`);
    expect(applied).toMatchObject({ code: 0, stdout: 'secret "tls" created\n' });
    const table = await run(api, ['get', 'secrets', '-m', 'prod']);
    expect(table.stdout.split('\n').map((l) => l.split(/\s+/))).toEqual([['MESH', 'NAME', 'AGE'], ['prod', 'tls', '3m'], ['']]);
    for (const args of [['get', 'secrets', '-m', 'prod', '-o', 'yaml'], ['get', 'secret', 'tls', '-m', 'prod', '-o', 'json']]) {
      const r = await run(api, args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('tls');
      expect(r.stdout).not.toContain(data);
    }
    const revealed = await run(api, ['get', 'secret', 'tls', '-m', 'prod', '--reveal']);
    expect(revealed.stdout.split('\n').map((l) => l.split(/\s+/))).toEqual([['MESH', 'NAME', 'DATA', 'AGE'], ['prod', 'tls', data, '3m'], ['']]);
    const json = await run(api, ['get', 'sec', 'tls', '-m', 'prod', '--reveal', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ type: 'Secret', mesh: 'prod', name: 'tls', data });
    const list = await run(api, ['get', 'secrets', '-m', 'prod', '--reveal']);
    expect(list).toMatchObject({ code: 1, stdout: '', stderr: 'Error: --reveal needs the name of one secret; lists never show secret data\n' });
    expect((await run(api, ['delete', 'secret', 'tls', '-m', 'prod'])).code).toBe(0);
  });

  it('gets zones with STATUS from their ZoneInsight and ENABLED, and zone-insights with STATUS', async () => {
    expect((await run(api, ['apply', '-f', '-'], 'type: Zone\nname: zone-1\n---\ntype: Zone\nname: zone-2\nenabled: false\n')).code).toBe(0);
    // The control plane writes insights (nothing does yet: no sync); here straight into the store.
    await store.put({ kind: 'ZoneInsight', mesh: 'zone-1', name: 'zone-1', spec: { subscriptions: [{ connectTime: '2026-12-03T10:00:00Z' }] } });
    const zones = await run(api, ['get', 'zones']);
    expect(zones.stdout.split('\n').map((l) => l.split(/\s+/))).toEqual([['NAME', 'STATUS', 'ENABLED', 'AGE'], ['zone-1', 'Online', 'true', '3m'], ['zone-2', 'Offline', 'false', '3m'], ['']]);
    const one = await run(api, ['get', 'zone', 'zone-2']);
    expect(one.stdout.split('\n')[1]?.split(/\s+/)).toEqual(['zone-2', 'Offline', 'false', '3m']);
    const insights = await run(api, ['get', 'zone-insights']);
    expect(insights.stdout.split('\n').map((l) => l.split(/\s+/))).toEqual([['NAME', 'STATUS', 'AGE'], ['zone-1', 'Online', '3m'], ['']]);
    expect((await run(api, ['delete', 'zone', 'zone-1'])).stderr).toContain('unable to delete Zone, Zone CP is still connected, please shut it down first');
  });

  it('reports an unknown kind, a missing resource and an unreachable API as one error line', async () => {
    const kind = await run(api, ['get', 'widgets']);
    expect(kind).toMatchObject({ code: 1, stdout: '' });
    expect(kind.stderr).toBe('Error: unknown resource type "widgets"; use one of meshes, dataplanes, meshgateways, meshgatewayroutes, traffic-permissions, timeouts, retries, circuit-breakers, health-checks, fault-injections, rate-limits, traffic-logs, traffic-traces, proxytemplates, external-services, secrets, global-secrets, zones, zone-insights, zone-ingresses\n');
    const missing = await run(api, ['get', 'dp', 'nope', '-m', 'prod']);
    expect(missing.stderr).toBe('Error: dataplane "nope" in mesh "prod" not found\n');
    const closed = await closedPort();
    const down = await run(`http://127.0.0.1:${closed}`, ['get', 'meshes']);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`Error: cannot reach the Portico API at http://127.0.0.1:${closed}: ECONNREFUSED\n`);
  });

  it('deletes a resource, and refuses a mesh still in use', async () => {
    const inUse = await run(api, ['delete', 'mesh', 'prod']);
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toContain('mesh is in use by dataplanes: edge-1');
    const r = await run(api, ['delete', 'dp', 'edge-1', '-m', 'prod']);
    expect(r).toMatchObject({ code: 0, stdout: 'dataplane "edge-1" deleted\n' });
    expect(await store.get({ kind: 'Dataplane', mesh: 'prod', name: 'edge-1' })).toBeUndefined();
    const again = await run(api, ['delete', 'dp', 'edge-1', '-m', 'prod']);
    expect(again).toMatchObject({ code: 1, stderr: 'Error: dataplane "edge-1" in mesh "prod" not found\n' });
  });

  it('handles --version, usage errors and the global option after the subcommand', async () => {
    const version = await run(api, ['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const usage = await run(api, ['get']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain("missing required argument 'kind'");
    const late = await main(['node', 'portico', 'get', 'meshes', '--api', api, '-o', 'json'], {
      stdout: () => {},
      stderr: () => {},
      readStdin: () => Promise.resolve(''),
      now: () => new Date(),
    });
    expect(late).toBe(0);
  });
});
