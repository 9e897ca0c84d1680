import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('Mesh', spec);
  return r.ok ? [] : r.violations;
}

const BUILTIN = { name: 'ca-1', type: 'builtin' };

describe('Mesh', () => {
  it.each<[string, unknown, Violation[]]>([
    ['an unknown top-level field', { mtsl: {} }, [{ field: 'mtsl', message: 'unknown field "mtsl"' }]],
    [
      'an enabled backend that is not declared',
      { mtls: { enabledBackend: 'ca-2', backends: [BUILTIN] } },
      [{ field: 'mtls.enabledBackend', message: 'has to be set to one of the backends in the mesh' }],
    ],
    ['a backend without name', { mtls: { backends: [{ type: 'builtin' }] } }, [{ field: 'mtls.backends[0].name', message: 'cannot be empty' }]],
    ['an unknown backend mode', { mtls: { backends: [{ ...BUILTIN, mode: 'LOOSE' }] } }, [{ field: 'mtls.backends[0].mode', message: 'must be one of "STRICT", "PERMISSIVE"' }]],
  ])('rejects %s', (_name, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });

  it('accepts Kuma sections it does not interpret, as written', () => {
    const spec = {
      logging: { backends: [{ name: 'file', type: 'file', conf: { path: '/tmp/log' } }] },
      routing: { zone_egress: true },
      skipCreatingInitialPolicies: ['*'],
      mtls: { enabled_backend: 'ca-1', backends: [{ ...BUILTIN, mode: 1, dp_cert: { rotation: { expiration: '1d' } } }] },
    };
    expect(parseSpec('Mesh', spec)).toEqual({
      ok: true,
      value: {
        mtls: { enabledBackend: 'ca-1', backends: [{ ...BUILTIN, mode: 'PERMISSIVE', dpCert: { rotation: { expiration: '1d' } } }] },
        routing: { zoneEgress: true },
        logging: spec.logging,
        skipCreatingInitialPolicies: ['*'],
      },
    });
  });
});
