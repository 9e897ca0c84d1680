import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import { MESH_DEFAULTS_GENERATED_LABEL, MeshDefaultsReconciler } from './mesh-defaults-reconciler.js';

const silent = pino({ level: 'silent' });

describe('MeshDefaultsReconciler (Kubernetes-created meshes, docs/mesh-mtls.md §5.5)', () => {
  it('creates allow-all-<mesh> once, marks the Mesh, and never brings back a deleted default', async () => {
    const store = new MemoryStore();
    await store.put({ kind: 'Mesh', mesh: 'a', name: 'a', spec: {} });
    await store.put({ kind: 'Mesh', mesh: 'b', name: 'b', spec: { skipCreatingInitialPolicies: ['TrafficPermission'] } });
    const reconciler = new MeshDefaultsReconciler(store, silent);
    const stop = await reconciler.start();
    await reconciler.idle();
    expect((await store.list('TrafficPermission')).map((p) => `${p.mesh}/${p.name}`)).toEqual(['a/allow-all-a']);
    // b skipped TrafficPermission only.
    expect((await store.list('Timeout')).map((p) => `${p.mesh}/${p.name}`)).toEqual(['a/timeout-all-a', 'b/timeout-all-b']);
    for (const m of await store.list('Mesh')) expect(m.labels?.[MESH_DEFAULTS_GENERATED_LABEL]).toBe('true');
    // Deleted by the user: a later Mesh write, or another replica starting, leaves it deleted.
    await store.delete({ kind: 'TrafficPermission', mesh: 'a', name: 'allow-all-a' });
    const mesh = (await store.get({ kind: 'Mesh', mesh: 'a', name: 'a' }))!;
    await store.put({ kind: 'Mesh', mesh: 'a', name: 'a', spec: { logging: {} }, labels: mesh.labels ?? {} });
    const another = new MeshDefaultsReconciler(store, silent);
    const stopAnother = await another.start();
    await Promise.all([reconciler.idle(), another.idle()]);
    expect(await store.list('TrafficPermission')).toEqual([]);
    await stop();
    await stopAnother();
  });

  it('with default policies turned off, creates none and still marks the Mesh', async () => {
    const store = new MemoryStore();
    await store.put({ kind: 'Mesh', mesh: 'a', name: 'a', spec: {} });
    const reconciler = new MeshDefaultsReconciler(store, silent, false);
    const stop = await reconciler.start();
    await reconciler.idle();
    expect(await store.list('TrafficPermission')).toEqual([]);
    expect(await store.list('Timeout')).toEqual([]);
    expect((await store.get({ kind: 'Mesh', mesh: 'a', name: 'a' }))?.labels?.[MESH_DEFAULTS_GENERATED_LABEL]).toBe('true');
    await stop();
  });
});
