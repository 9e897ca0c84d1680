// `portico cp run --environment kubernetes` started before its API server answers: it must keep retrying
// with backoff, warn with the reason, answer 503 on /ready naming the watchers it waits for, and
// become ready once the API server answers; a setting retrying cannot fix exits non-zero with a
// clear message. Against the fake API server (test/support/fake-kube-api), which can be absent,
// refuse with RBAC's 403, then serve. The same story against a real kube-apiserver is in
// kubernetes-real-apiserver.test.ts.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startFakeKubeApi, type FakeKubeApi, type Obj } from '../support/fake-kube-api/index.js';
import { eventually, freePort, PORTICO_BIN, REPO_ROOT, request, start, type Running } from '../support/processes.js';

const CRDS = readdirSync(path.join(REPO_ROOT, 'crds'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => parse(readFileSync(path.join(REPO_ROOT, 'crds', f), 'utf8')) as Obj);

interface Readiness {
  ready: boolean;
  waitingFor: string[];
  watchers: Record<string, { synced: boolean; healthy: boolean; consecutiveFailures: number; lastError?: string }>;
}

let dir = '';
const running: Running[] = [];
let fake: FakeKubeApi | undefined;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'portico-k8s-startup-'));
});

afterEach(async () => {
  for (const p of running.splice(0).reverse()) await p.stop();
  await fake?.close();
  fake = undefined;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A kubeconfig for an API server on `port`, which need not be listening yet. */
function kubeconfigFor(port: number, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "http://127.0.0.1:' + String(port) + '", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
      '',
    ].join('\n'),
  );
  return file;
}

function startCp(kubeconfig: string, apiPort: number): Running {
  const cp = start(process.execPath, [
    PORTICO_BIN, 'cp', 'run', '--environment', 'kubernetes', '--kubeconfig', kubeconfig, '--system-namespace', 'portico-system',
    '--data-dir', mkdtempSync(path.join(os.tmpdir(), 'portico-startup-')), '--api-https-port', '0',
    '--api-port', String(apiPort), '--xds-port', '0',
  ]);
  running.push(cp);
  return cp;
}

async function readiness(apiPort: number): Promise<{ status: number; body: Readiness }> {
  const r = await request(`http://127.0.0.1:${apiPort}/ready`);
  return { status: r.status, body: JSON.parse(r.body) as Readiness };
}

function alive(cp: Running): boolean {
  return cp.proc.exitCode === null && cp.proc.signalCode === null;
}

/** The highest `failures` count the control plane has logged for a failing watch. */
function failuresLogged(cp: Running): number {
  return Math.max(0, ...[...cp.output().matchAll(/"failures":(\d+)/g)].map((m) => Number(m[1])));
}

describe('cp run --environment kubernetes before its API server answers', () => {
  it('retries while the API server is unreachable, reports not ready with the reason, and becomes ready once it answers', async () => {
    const kubePort = await freePort();
    const apiPort = await freePort();
    const cp = startCp(kubeconfigFor(kubePort, 'unreachable'), apiPort);

    // Three failures of one watcher mean two restarts after backoff: it is retrying, not dying.
    await eventually(async () => failuresLogged(cp) >= 3, 30_000, 'three failed attempts logged');
    expect(alive(cp)).toBe(true);
    expect(cp.output()).toMatch(/"level":40.*watch failed \(API server unreachable\)/);
    const waiting = await readiness(apiPort);
    expect(waiting.status).toBe(503);
    expect(waiting.body.ready).toBe(false);
    expect(waiting.body.waitingFor).toContain('store/MeshGateway');
    expect(waiting.body.watchers['store/MeshGateway']?.lastError).toMatch(/^API server unreachable/);

    fake = await startFakeKubeApi({ port: kubePort, customResources: CRDS, namespaces: ['default', 'portico-system'] });
    await cp.waitFor(/control plane ready/, 60_000);
    // The controllers' watchers complete their first list just after the start: on a loaded
    // machine /ready may say 503 (naming them) for a moment after the log line.
    let ready = await readiness(apiPort);
    await eventually(async () => (ready = await readiness(apiPort)).status === 200, 30_000, 'ready after the API server answers');
    expect(ready.body).toMatchObject({ ready: true, waitingFor: [] });
    expect(Object.values(ready.body.watchers).every((w) => w.synced && w.healthy)).toBe(true);
    expect(alive(cp)).toBe(true);
  }, 120_000);

  it('retries while RBAC refuses it (403), says so, and becomes ready once allowed', async () => {
    fake = await startFakeKubeApi({ customResources: CRDS, namespaces: ['default', 'portico-system'] });
    fake.failNext({ path: '/apis/kuma.io/', status: 403, count: Infinity });
    const apiPort = await freePort();
    const cp = startCp(kubeconfigFor(Number(new URL(fake.url).port), 'forbidden'), apiPort);

    await eventually(async () => failuresLogged(cp) >= 3, 30_000, 'three refused attempts logged');
    expect(alive(cp)).toBe(true);
    expect(cp.output()).toMatch(/"level":40.*watch failed \(forbidden: RBAC does not \(yet\) allow/);
    const waiting = await readiness(apiPort);
    expect(waiting.status).toBe(503);
    expect(waiting.body.watchers['store/MeshGateway']?.lastError).toMatch(/^forbidden: .*HTTP 403/);
    // Core kinds (Secrets) were never refused: only the refused ones are waited for.
    expect(waiting.body.waitingFor).not.toContain('store/Secret');

    fake.clearFaults();
    await cp.waitFor(/control plane ready/, 60_000);
    await eventually(async () => (await readiness(apiPort)).status === 200, 30_000, 'ready once RBAC allows it');
  }, 120_000);

  it('exits non-zero with a clear message when the kubeconfig names no cluster', async () => {
    const file = path.join(dir, 'no-cluster');
    writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
    const cp = startCp(file, await freePort());
    const code = await new Promise<number | null>((resolve) => cp.proc.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(cp.output()).toContain(`Error: the control plane cannot start: ${file} names no current cluster with a server URL`);
  }, 30_000);

  it('exits non-zero with a clear message when its REST API port is taken', async () => {
    fake = await startFakeKubeApi({ customResources: CRDS, namespaces: ['default', 'portico-system'] });
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      const cp = startCp(kubeconfigFor(Number(new URL(fake.url).port), 'port-taken'), port);
      const code = await new Promise<number | null>((resolve) => cp.proc.once('exit', (c) => resolve(c)));
      expect(code).toBe(1);
      expect(cp.output()).toMatch(/Error: the control plane cannot start: listen EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  }, 30_000);
});
