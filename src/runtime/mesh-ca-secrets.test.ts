import { X509Certificate, createPrivateKey } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICIES } from '../api/mesh-default-policies.js';
import { createRouter, type Router } from '../api-server/router.js';
import { MemoryStore } from '../core/memory-store.js';
import { MeshCaReconciler } from './mesh-ca-secrets.js';
import { meshCompanions } from './mesh-companions.js';

const silent = pino({ level: 'silent' });

function routerFor(store: MemoryStore): Router {
  return createRouter({ store, logger: silent, isReady: () => true, version: '1', companions: meshCompanions(store) });
}

function request(router: Router, method: string, path: string, body = '', contentType = 'application/json') {
  return router({ method, url: new URL(`http://api.test${path}`), headers: { host: '127.0.0.1', 'content-type': contentType }, body, remoteAddress: '127.0.0.1' });
}

const meshWith = (conf: Record<string, unknown> = {}) => JSON.stringify({ type: 'Mesh', name: 'prod', mtls: { backends: [{ name: 'ca-1', type: 'builtin', conf }] } });

async function secretPem(store: MemoryStore, name: string): Promise<string | undefined> {
  const s = await store.get({ kind: 'Secret', mesh: 'prod', name });
  return s && Buffer.from(s.spec.data, 'base64').toString('utf8');
}

describe('builtin CA secrets', () => {
  it('are created with the Mesh write that declares the backend, and never regenerated', async () => {
    const store = new MemoryStore();
    const router = routerFor(store);
    expect((await request(router, 'PUT', '/meshes/prod', meshWith())).status).toBe(201);
    const certPem = await secretPem(store, 'prod.ca-builtin-cert-ca-1');
    const keyPem = await secretPem(store, 'prod.ca-builtin-key-ca-1');
    const cert = new X509Certificate(certPem!);
    expect(cert.subject.split('\n')).toEqual(['O=Kuma', 'OU=Mesh', 'CN=prod']);
    expect(cert.checkPrivateKey(createPrivateKey(keyPem!))).toBe(true);
    // A changed conf has no effect on an existing CA (docs/mesh-mtls.md §1.3).
    const versions = (await store.list('Secret', { mesh: 'prod' })).map((s) => s.version);
    expect((await request(router, 'PUT', '/meshes/prod', meshWith({ caCert: { RSAbits: 4096 } }))).status).toBe(200);
    expect((await store.list('Secret', { mesh: 'prod' })).map((s) => s.version)).toEqual(versions);
    expect(await secretPem(store, 'prod.ca-builtin-cert-ca-1')).toBe(certPem);
  });

  it('are created by apply in the same commit as the Mesh', async () => {
    const store = new MemoryStore();
    const commits: number[] = [];
    const commit = store.commit.bind(store);
    store.commit = (ops) => {
      commits.push(ops.length);
      return commit(ops);
    };
    const res = await request(routerFor(store), 'POST', '/apply', 'type: Mesh\nname: prod\nmtls:\n  backends:\n  - name: ca-1\n    type: builtin\n', 'application/yaml');
    expect(res.status).toBe(200);
    // The Mesh, its two CA Secrets and its default policies (mesh-companions.test.ts).
    expect(commits).toEqual([3 + DEFAULT_POLICIES.length]);
    expect((await store.list('Secret', { mesh: 'prod' })).map((s) => s.name)).toEqual(['prod.ca-builtin-cert-ca-1', 'prod.ca-builtin-key-ca-1']);
  });

  it('are not created when the Mesh is refused', async () => {
    const store = new MemoryStore();
    const res = await request(routerFor(store), 'PUT', '/meshes/prod', JSON.stringify({ type: 'Mesh', name: 'prod', mtls: { enabledBackend: 'x', backends: [{ name: 'ca-1', type: 'builtin' }] } }));
    expect(res.status).toBe(400);
    expect(await store.list('Secret')).toEqual([]);
    expect(await store.list('Mesh')).toEqual([]);
  });

  it('go with the Mesh, and do not keep it from being deleted', async () => {
    const store = new MemoryStore();
    const router = routerFor(store);
    await request(router, 'PUT', '/meshes/prod', meshWith());
    await store.put({ kind: 'Secret', mesh: 'prod', name: 'user-secret', spec: { data: 'eA==' } });
    const blocked = await request(router, 'DELETE', '/meshes/prod');
    expect(blocked.status).toBe(400);
    expect(JSON.stringify(blocked.body)).toContain('mesh is in use by secrets: user-secret"');
    await store.delete({ kind: 'Secret', mesh: 'prod', name: 'user-secret' });
    expect((await request(router, 'DELETE', '/meshes/prod')).status).toBe(200);
    expect(await store.list('Secret')).toEqual([]);
  });

  it('are created by the reconciler for Meshes written without the REST API, and a half pair is replaced', async () => {
    const store = new MemoryStore();
    await store.put({ kind: 'Mesh', mesh: 'old', name: 'old', spec: { mtls: { backends: [{ name: 'ca', type: 'builtin' }] } } });
    const reconciler = new MeshCaReconciler(store, silent);
    const stop = await reconciler.start();
    await reconciler.idle();
    expect((await store.list('Secret', { mesh: 'old' })).map((s) => s.name)).toEqual(['old.ca-builtin-cert-ca', 'old.ca-builtin-key-ca']);
    await store.delete({ kind: 'Secret', mesh: 'old', name: 'old.ca-builtin-key-ca' });
    const certBefore = await store.get({ kind: 'Secret', mesh: 'old', name: 'old.ca-builtin-cert-ca' });
    // A Mesh write (here: a second backend, disabled) makes the reconciler look again.
    await store.put({ kind: 'Mesh', mesh: 'old', name: 'old', spec: { mtls: { backends: [{ name: 'ca', type: 'builtin' }], skipValidation: false } } });
    await reconciler.idle();
    const after = await store.list('Secret', { mesh: 'old' });
    expect(after.map((s) => s.name)).toEqual(['old.ca-builtin-cert-ca', 'old.ca-builtin-key-ca']);
    expect(after[0]!.spec.data).not.toBe(certBefore!.spec.data);
    const cert = new X509Certificate(Buffer.from(after[0]!.spec.data, 'base64').toString());
    expect(cert.checkPrivateKey(createPrivateKey(Buffer.from(after[1]!.spec.data, 'base64').toString()))).toBe(true);
    await stop();
  });
});
