import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRouter } from '../api-server/router.js';
import type { ProblemBody } from '../api-server/problem.js';
import { createBuiltinCa } from '../ca/mesh-ca.js';
import { MemoryStore } from '../core/memory-store.js';
import { meshCaChecks } from './mesh-ca-checks.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('provided mesh CA checks on write (docs/mesh-mtls.md §1.2)', () => {
  it('refuses, storing nothing, a Mesh whose provided CA cannot be loaded or is no key pair; accepts a good one', async () => {
    const store = new MemoryStore();
    const router = createRouter({ store, logger: pino({ level: 'silent' }), isReady: () => true, version: '1', checks: meshCaChecks(store, async () => new Map()) });
    const put = (conf: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      router({
        method: 'PUT',
        url: new URL('http://api.test/meshes/prod'),
        headers: { host: '127.0.0.1', 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'Mesh', name: 'prod', mtls: { enabledBackend: 'p', backends: [{ name: 'p', type: 'provided', conf }], ...extra } }),
        remoteAddress: '127.0.0.1',
      });
    const a = await createBuiltinCa('a', { rsaBits: 2048, lifetimeMs: 86_400_000, now: new Date() });
    const b = await createBuiltinCa('b', { rsaBits: 2048, lifetimeMs: 86_400_000, now: new Date() });

    const missing = await put({ cert: { secret: 'ca-cert' }, key: { inline: b64(a.keyPem) } });
    expect(missing.status).toBe(400);
    expect((missing.body as ProblemBody).invalid_parameters).toEqual([
      { field: 'mtls.backends[0].conf.cert', reason: 'the provided CA cert of mesh "prod": secret "ca-cert" not found' },
      { field: 'mtls.backends[0].conf.key', reason: 'the provided CA cert of mesh "prod": secret "ca-cert" not found' },
    ]);
    const mismatched = await put({ cert: { inlineString: a.certPem }, key: { inline: b64(b.keyPem) } });
    expect((mismatched.body as ProblemBody).invalid_parameters).toEqual([
      { field: 'mtls.backends[0].conf.cert', reason: 'not a valid TLS key pair: the private key does not match the certificate' },
    ]);
    expect(await store.list('Mesh')).toEqual([]);
    // skipValidation skips exactly these checks.
    expect((await put({ cert: { inlineString: a.certPem }, key: { inline: b64(b.keyPem) } }, { skipValidation: true })).status).toBe(201);
    expect((await put({ cert: { inlineString: a.certPem }, key: { inline: b64(a.keyPem) } })).status).toBe(200);
  });
});
