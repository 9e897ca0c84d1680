import { describe, expect, it } from 'vitest';
import { parseSpec, updateViolations } from './resource-kinds.js';
import { builtinCaConf, enabledMtlsBackend } from './mesh-validate.js';
import type { MeshSpec } from './mesh.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown, name = 'default'): readonly Violation[] {
  const r = parseSpec('Mesh', spec, { name, mesh: name });
  return r.ok ? [] : r.violations;
}

const BUILTIN = { name: 'ca-1', type: 'builtin' };

describe('Mesh validation (docs/mesh-mtls.md §1.2)', () => {
  it.each<[string, unknown, Violation[]]>([
    [
      'two backends',
      { mtls: { backends: [BUILTIN, { ...BUILTIN, name: 'ca-2' }] } },
      [{ field: 'mtls.backends', message: 'cannot have more than 1 backends' }],
    ],
    [
      'two backends with one name',
      { mtls: { backends: [BUILTIN, BUILTIN] } },
      [
        { field: 'mtls.backends', message: 'cannot have more than 1 backends' },
        { field: 'mtls.backends[1].name', message: '"ca-1" name is already used for another backend' },
      ],
    ],
    ['a dpCert without expiration', { mtls: { backends: [{ ...BUILTIN, dpCert: {} }] } }, [{ field: 'mtls.dpcert.rotation.expiration', message: 'has to be a valid format' }]],
    [
      'a compound dpCert expiration',
      { mtls: { backends: [{ ...BUILTIN, dpCert: { rotation: { expiration: '1d12h' } } }] } },
      [{ field: 'mtls.dpcert.rotation.expiration', message: 'has to be a valid format' }],
    ],
    ['zone egress without mTLS', { routing: { zoneEgress: true } }, [{ field: 'mtls', message: 'has to be set when zoneEgress enabled' }]],
    ['an unknown backend type', { mtls: { backends: [{ name: 'v', type: 'vault' }] } }, [{ field: 'mtls.backends[0].type', message: 'could not find installed plugin for this type' }]],
    [
      'a builtin backend whose secret name is not a DNS name',
      { mtls: { backends: [{ name: 'CA_1', type: 'builtin' }] } },
      [{ field: 'mtls.backends[0].name', message: '"CA_1" name must be valid dns name' }],
    ],
    [
      'a builtin backend whose secret name is too long',
      { mtls: { backends: [{ name: 'a'.repeat(240), type: 'builtin' }] } },
      [{ field: 'mtls.backends[0].name', message: 'Backend name is too long. Max length: 255' }],
    ],
    [
      'a builtin conf with an unknown field',
      { mtls: { backends: [{ ...BUILTIN, conf: { caCert: { RSAbits: 2048, bits: 1 } } }] } },
      [{ field: 'mtls.backends[0].conf', message: 'could not convert backend config: caCert: unknown field "bits"' }],
    ],
    [
      'a builtin conf with a weak key',
      { mtls: { backends: [{ ...BUILTIN, conf: { caCert: { RSAbits: 1024 } } }] } },
      [{ field: 'mtls.backends[0].conf.caCert.RSAbits', message: 'must be between 2048 and 8192' }],
    ],
    [
      'a builtin conf with a bad expiration',
      { mtls: { backends: [{ ...BUILTIN, conf: { caCert: { expiration: '10 years' } } }] } },
      [{ field: 'mtls.backends[0].conf.caCert.expiration', message: 'has to be a valid format' }],
    ],
    [
      'a provided backend without cert and key',
      { mtls: { backends: [{ name: 'p', type: 'provided', conf: {} }] } },
      [
        { field: 'mtls.backends[0].conf.cert', message: 'has to be defined' },
        { field: 'mtls.backends[0].conf.key', message: 'has to be defined' },
      ],
    ],
    [
      'a provided data source with two sources',
      { mtls: { backends: [{ name: 'p', type: 'provided', conf: { cert: { secret: 'a', file: '/b' }, key: { secret: 'k' } } }] } },
      [{ field: 'mtls.backends[0].conf.cert', message: 'has to have exactly one of secret, file, inline, inlineString' }],
    ],
  ])('rejects %s', (_name, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });

  it('rejects a mesh name over 63 characters', () => {
    expect(violationsOf({}, 'm'.repeat(64))).toEqual([{ field: 'name', message: 'cannot be longer than 63 characters' }]);
    expect(violationsOf({}, 'm'.repeat(63))).toEqual([]);
  });

  it('skips the CA plugin checks, and only those, with skipValidation', () => {
    const spec = { mtls: { skipValidation: true, backends: [{ name: 'p', type: 'provided', conf: {} }, { name: 'x', type: 'vault' }] } };
    expect(violationsOf(spec)).toEqual([
      { field: 'mtls.backends', message: 'cannot have more than 1 backends' },
      { field: 'mtls.backends[1].type', message: 'could not find installed plugin for this type' },
    ]);
  });

  it('accepts the documented builtin and provided shapes', () => {
    expect(violationsOf({ mtls: { enabledBackend: 'ca-1', backends: [{ ...BUILTIN, mode: 'PERMISSIVE', dpCert: { rotation: { expiration: '1d' } }, conf: { caCert: { RSAbits: 2048, expiration: '10y' } } }] } })).toEqual([]);
    expect(violationsOf({ mtls: { backends: [{ name: 'p', type: 'provided', conf: { cert: { secret: 'ca-cert' }, key: { inline_string: 'k' } } }] } })).toEqual([]);
  });

  it('forbids switching the CA while mTLS stays on, and allows every other transition', () => {
    const on = (backend: string): MeshSpec => ({ mtls: { enabledBackend: backend, backends: [{ name: backend, type: 'builtin' }] } });
    const off: MeshSpec = { mtls: { backends: [{ name: 'ca-2', type: 'builtin' }] } };
    expect(updateViolations('Mesh', on('ca-1'), on('ca-2'))).toEqual([
      { field: 'mtls.enabledBackend', message: 'Changing CA when mTLS is enabled is forbidden. Disable mTLS first and then change the CA' },
    ]);
    expect(updateViolations('Mesh', on('ca-1'), off)).toEqual([]);
    expect(updateViolations('Mesh', off, on('ca-2'))).toEqual([]);
    expect(updateViolations('Mesh', on('ca-1'), on('ca-1'))).toEqual([]);
  });

  it('reads builtin settings with defaults, and names the enabled backend', () => {
    expect(builtinCaConf(undefined)).toEqual({ ok: true, settings: { rsaBits: 2048, lifetimeMs: 10 * 365 * 86_400_000 }, violations: [] });
    expect(builtinCaConf({ ca_cert: { RSAbits: 4096, expiration: '1y' } })).toEqual({ ok: true, settings: { rsaBits: 4096, lifetimeMs: 365 * 86_400_000 }, violations: [] });
    expect(enabledMtlsBackend({ mtls: { enabledBackend: 'a', backends: [{ name: 'a', type: 'builtin' }] } })?.name).toBe('a');
    expect(enabledMtlsBackend({ mtls: { enabledBackend: '', backends: [{ name: 'a', type: 'builtin' }] } })).toBeUndefined();
  });
});
