import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import type { ProblemBody } from './problem.js';
import { createRouter } from './router.js';

describe('PUT of a resource', () => {
  it("refuses, storing nothing, an update switching a Mesh's CA while mTLS stays on", async () => {
    const store = new MemoryStore();
    const router = createRouter({ store, logger: pino({ level: 'silent' }), isReady: () => true, version: '1' });
    const put = (backend: string) =>
      router({
        method: 'PUT',
        url: new URL('http://api.test/meshes/prod'),
        headers: { host: '127.0.0.1', 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'Mesh', name: 'prod', mtls: { enabledBackend: backend, backends: [{ name: backend || 'ca-2', type: 'builtin' }] } }),
        remoteAddress: '127.0.0.1',
      });
    expect((await put('ca-1')).status).toBe(201);
    const stored = await store.get({ kind: 'Mesh', mesh: 'prod', name: 'prod' });
    const refused = await put('ca-2');
    expect(refused.status).toBe(400);
    expect((refused.body as ProblemBody).invalid_parameters).toEqual([
      { field: 'mtls.enabledBackend', reason: 'Changing CA when mTLS is enabled is forbidden. Disable mTLS first and then change the CA' },
    ]);
    expect(await store.get({ kind: 'Mesh', mesh: 'prod', name: 'prod' })).toEqual(stored);
    // Disable, then enable the other backend: the documented path.
    expect((await put('')).status).toBe(200);
    expect((await put('ca-2')).status).toBe(200);
  });
});
