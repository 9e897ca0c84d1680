// The watcher against the fake API server, through the real client-node Watch: list+watch events,
// the 410 relist diff, restarts after dropped watches and failing lists, and the resync.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compileForChild, type ChildBuild } from '../../../test/support/compile-for-child.js';
import { startFakeKubeApi, type FakeKubeApi, type Obj } from '../../../test/support/fake-kube-api/index.js';
import { kubeRequest } from './kube-request.js';
import { startWatcher, type ResourceWatcher } from './resource-watcher.js';

const logger = pino({ level: 'silent' });
const PATH = '/api/v1/namespaces/default/configmaps';
const FAST = { initialMs: 10, maxMs: 40 };
const settle = { timeout: 10_000, interval: 10 };

type ConfigMap = KubernetesObject & { data?: Record<string, string> };

let api: FakeKubeApi;
let watcher: ResourceWatcher<ConfigMap> | undefined;
let events: string[];

function configMap(name: string, value = 'v1'): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { value } };
}

async function update(name: string, value: string): Promise<void> {
  const current = await kubeRequest<ConfigMap>(api.kubeConfig(), { path: `${PATH}/${name}` });
  await kubeRequest(api.kubeConfig(), { method: 'PUT', path: `${PATH}/${name}`, body: { ...current, data: { value } } });
}

async function remove(name: string): Promise<void> {
  await kubeRequest(api.kubeConfig(), { method: 'DELETE', path: `${PATH}/${name}` });
}

function start(options: { resyncMs?: number } = {}): ResourceWatcher<ConfigMap> {
  const w = startWatcher<ConfigMap>({ kubeConfig: api.kubeConfig(), path: PATH, logger, backoff: FAST, resyncMs: options.resyncMs ?? 0 });
  w.on('add', (o) => events.push(`add ${o.metadata?.name}=${o.data?.['value']}`));
  w.on('update', (o, old) => events.push(`update ${o.metadata?.name}=${old.data?.['value']}->${o.data?.['value']}`));
  w.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
  watcher = w;
  return w;
}

function names(w: ResourceWatcher<ConfigMap>): string[] {
  return w.list().map((o) => `${o.metadata?.name}=${o.data?.['value']}`);
}

beforeEach(async () => {
  api = await startFakeKubeApi();
  events = [];
});

afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
  await api.close();
});

describe('startWatcher', () => {
  it('lists, then reports adds, updates and deletes from the watch in order', async () => {
    api.seed([configMap('a'), configMap('b')]);
    const w = start();
    await w.synced;
    expect(events).toEqual(['add a=v1', 'add b=v1']);
    expect(w.get('default', 'a')).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
    expect(Object.isFrozen(w.get('default', 'a'))).toBe(true);
    await api.waitForWatches(1);
    api.seed([configMap('c')]);
    await update('a', 'v2');
    await update('a', 'v3');
    await remove('b');
    await vi.waitFor(() => expect(events).toHaveLength(6), settle);
    expect(events.slice(2)).toEqual(['add c=v1', 'update a=v1->v2', 'update a=v2->v3', 'delete b']);
    expect(names(w)).toEqual(['a=v3', 'c=v1']);
  });

  it('after a 410 relists and reports only the difference: deleted while away, changed; unchanged is silent', async () => {
    api.seed([configMap('kept'), configMap('gone'), configMap('changed')]);
    const w = start();
    await w.synced;
    await api.waitForWatches(1);
    const listsBefore = api.countRequests({ verb: 'list' });
    // Hold the client's automatic re-watch, change things, forget the history, then let it in.
    api.failNext({ verb: 'watch', hang: true });
    expect(api.dropWatches('end')).toBe(1);
    await vi.waitFor(() => expect(api.heldRequests()).toBe(1), settle);
    await remove('gone');
    await update('changed', 'v2');
    api.compact();
    api.releaseHung('proceed');
    await vi.waitFor(() => expect(events).toHaveLength(5), settle);
    expect(events.slice(3)).toEqual(['delete gone', 'update changed=v1->v2']);
    expect(api.countRequests({ verb: 'list' })).toBe(listsBefore + 1);
    expect(names(w)).toEqual(['changed=v2', 'kept=v1']);
  });

  it('restarts after the watch connection is reset and delivers what changed meanwhile', async () => {
    api.seed([configMap('a')]);
    const w = start();
    await w.synced;
    await api.waitForWatches(1);
    api.dropWatches('reset');
    await update('a', 'v2');
    await vi.waitFor(() => expect(events).toContain('update a=v1->v2'), settle);
    await api.waitForWatches(1);
    api.seed([configMap('b')]);
    await vi.waitFor(() => expect(events).toContain('add b=v1'), settle);
    expect(events).not.toContain('delete a');
  });

  it('keeps serving the cache while lists fail with 5xx, retrying until one succeeds', async () => {
    api.seed([configMap('a'), configMap('b')]);
    const w = start();
    await w.synced;
    await api.waitForWatches(1);
    const listsBefore = api.countRequests({ verb: 'list' });
    api.failNext({ verb: 'list', status: 500, count: Infinity });
    api.failNext({ verb: 'watch', status: 503, count: Infinity });
    api.dropWatches('reset');
    await vi.waitFor(() => expect(api.countRequests({ verb: 'list', path: PATH })).toBeGreaterThanOrEqual(listsBefore + 3), settle);
    expect(names(w)).toEqual(['a=v1', 'b=v1']);
    expect(w.health()).toMatchObject({ synced: true, healthy: false });
    await remove('b');
    api.clearFaults();
    await vi.waitFor(() => expect(events).toContain('delete b'), settle);
    expect(events.filter((e) => e.startsWith('delete'))).toEqual(['delete b']);
    expect(names(w)).toEqual(['a=v1']);
    expect(w.health()).toMatchObject({ synced: true, healthy: true, consecutiveFailures: 0 });
  });

  it('does not resolve synced until a first list succeeds', async () => {
    api.seed([configMap('a')]);
    api.failNext({ verb: 'list', status: 500, count: Infinity });
    const w = start();
    let synced = false;
    void w.synced.then(() => (synced = true));
    await vi.waitFor(() => expect(api.countRequests({ verb: 'list' })).toBeGreaterThanOrEqual(2), settle);
    expect(synced).toBe(false);
    expect(w.list()).toEqual([]);
    api.clearFaults();
    await w.synced;
    expect(names(w)).toEqual(['a=v1']);
  });

  it('re-lists periodically and heals a change the watch never delivered', async () => {
    api.seed([configMap('a'), configMap('b')]);
    // The first watch request is held unanswered: only the resync can see what happens next.
    api.failNext({ verb: 'watch', hang: true });
    const w = start({ resyncMs: 100 });
    await w.synced;
    await vi.waitFor(() => expect(api.heldRequests()).toBe(1), settle);
    await update('a', 'v2');
    await vi.waitFor(() => expect(events).toContain('update a=v1->v2'), settle);
    expect(events).toEqual(['add a=v1', 'add b=v1', 'update a=v1->v2']);
  });

  it('rejects synced when stopped before the first list, and stops watching', async () => {
    api.failNext({ verb: 'list', hang: true });
    const w = start();
    await vi.waitFor(() => expect(api.heldRequests()).toBe(1), settle);
    await w.stop();
    await expect(w.synced).rejects.toThrow(/stopped before the first list/);
    api.releaseHung('proceed');
    await vi.waitFor(() => expect(api.requests().find((r) => r.verb === 'list')?.status).toBe(200), settle);
    // A negative can only be checked after a pause: no watch may follow the stale list.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(api.countRequests({ verb: 'watch' })).toBe(0);
  });

  it('gives list items without kind the kind of the list', async () => {
    api.seed([configMap('a')]);
    const w = start();
    await w.synced;
    expect(w.list().map((o) => [o.apiVersion, o.kind])).toEqual([['v1', 'ConfigMap']]);
  });
});

describe('startWatcher in a process of its own', () => {
  let build: ChildBuild | undefined;
  afterEach(() => build?.remove());

  it('keeps the process alive while retrying an unreachable API server, and syncs once it answers', async () => {
    build = compileForChild(fileURLToPath(new URL('../../../test/support/watcher-child.ts', import.meta.url)));
    await api.close();
    const port = Number(new URL(api.url).port);
    const child = spawn(process.execPath, [build.entry, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Only the watcher's restart timer is left to keep this process alive between attempts.
    await vi.waitFor(() => expect(out).toContain('failures 3'), { timeout: 20_000, interval: 20 });
    expect(child.exitCode).toBeNull();
    api = await startFakeKubeApi({ port });
    expect(await exited).toBe(0);
    expect(out).toContain('synced');
  }, 30_000);
});
