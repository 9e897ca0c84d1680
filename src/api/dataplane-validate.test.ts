// docs/gateway.md §4.4 (gateway dataplanes) and the basic sidecar checks, exact fields and messages.
import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('Dataplane', spec);
  return r.ok ? [] : r.violations;
}

type Obj = Record<string, unknown>;
const INBOUND = { port: 8080, tags: { 'kuma.io/service': 'web' } };
const OUTBOUND = { port: 10001, tags: { 'kuma.io/service': 'db' } };
const gateway = (type: string | number, networking: Obj = {}, top: Obj = {}) => ({
  networking: { address: '10.0.0.1', gateway: { type, tags: { 'kuma.io/service': 'edge' } }, ...networking },
  ...top,
});
const sidecar = (inbound: Obj) => ({ networking: { address: '10.0.0.1', inbound: [inbound] } });

describe('docs/gateway.md §4.4 Dataplane gateway', () => {
  it.each<[string, unknown, Violation[]]>([
    ['BUILTIN with inbounds', gateway('BUILTIN', { inbound: [INBOUND] }), [{ field: 'networking.inbound', message: 'inbound cannot be defined for builtin gateways' }]],
    ['BUILTIN with outbounds', gateway(1, { outbound: [OUTBOUND] }), [{ field: 'networking.outbound', message: 'outbound cannot be defined for builtin gateways' }]],
    ['BUILTIN with listeners', gateway('BUILTIN', { listeners: [{}] }), [{ field: 'networking.listeners', message: 'listeners cannot be defined for builtin gateways' }]],
    ['BUILTIN with probes', gateway('BUILTIN', {}, { probes: { port: 9000 } }), [{ field: 'networking.probes', message: 'probes cannot be defined for builtin gateways' }]],
    ['DELEGATED with inbounds', gateway('DELEGATED', { inbound: [INBOUND] }), [{ field: 'networking.inbound', message: 'inbound cannot be defined for delegated gateways' }]],
    ['DELEGATED with listeners', gateway(0, { listeners: [{}] }), [{ field: 'networking.listeners', message: 'listeners cannot be defined for delegated gateways' }]],
    [
      'gateway tags without kuma.io/service',
      { networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags: { app: 'edge' } } } },
      [{ field: 'networking.gateway.tags', message: 'mandatory tag "kuma.io/service" is missing' }],
    ],
    [
      'gateway kuma.io/protocol other than tcp',
      { networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge', 'kuma.io/protocol': 'http' } } } },
      [{ field: 'networking.gateway.tags["kuma.io/protocol"]', message: 'other values than tcp are not allowed, provided value "http"' }],
    ],
  ])('%s', (_name, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });

  it.each<[string, unknown]>([
    ['a BUILTIN gateway', gateway('BUILTIN')],
    ['a DELEGATED gateway with outbounds and probes', gateway('DELEGATED', { outbound: [OUTBOUND] }, { probes: { port: 9000 } })],
    ['a gateway with type omitted (DELEGATED)', { networking: { address: '10.0.0.1', gateway: {} } }],
    ['gateway kuma.io/protocol tcp', { networking: { address: 'gw.local', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'e', 'kuma.io/protocol': 'tcp' } } } }],
  ])('accepts %s', (_name, spec) => {
    expect(violationsOf(spec)).toEqual([]);
  });
});

describe('Dataplane sidecar basics', () => {
  it.each<[string, unknown, Violation[]]>([
    ['address missing', { networking: { inbound: [INBOUND] } }, [{ field: 'networking.address', message: 'cannot be empty' }]],
    [
      'neither inbound nor gateway',
      { networking: { address: '10.0.0.1' } },
      [{ field: 'networking', message: 'has to contain at least one inbound interface or gateway' }],
    ],
    [
      'networking missing altogether',
      {},
      [
        { field: 'networking.address', message: 'cannot be empty' },
        { field: 'networking', message: 'has to contain at least one inbound interface or gateway' },
      ],
    ],
    ['inbound port 0', sidecar({ ...INBOUND, port: 0 }), [{ field: 'networking.inbound[0].port', message: 'port must be in the range [1, 65535]' }]],
    ['inbound port 65536', sidecar({ ...INBOUND, port: 65536 }), [{ field: 'networking.inbound[0].port', message: 'port must be in the range [1, 65535]' }]],
    ['inbound servicePort 70000', sidecar({ ...INBOUND, service_port: 70000 }), [{ field: 'networking.inbound[0].servicePort', message: 'port must be in the range [1, 65535]' }]],
    ['inbound without kuma.io/service', sidecar({ port: 8080, tags: { app: 'web' } }), [{ field: 'networking.inbound[0].tags', message: 'mandatory tag "kuma.io/service" is missing' }]],
    [
      'outbound port 0',
      { networking: { address: '10.0.0.1', inbound: [INBOUND], outbound: [{ ...OUTBOUND, port: 0 }] } },
      [{ field: 'networking.outbound[0].port', message: 'port must be in the range [1, 65535]' }],
    ],
  ])('%s', (_name, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });

  it('normalises snake_case sidecar fields and fills defaults', () => {
    const r = parseSpec('Dataplane', {
      networking: {
        address: '10.0.0.1',
        advertised_address: '1.2.3.4',
        inbound: [{ port: 8080, service_port: 80, service_address: '127.0.0.1', tags: { 'kuma.io/service': 'web' }, state: 1 }],
      },
    });
    expect(r).toEqual({
      ok: true,
      value: {
        networking: {
          address: '10.0.0.1',
          advertisedAddress: '1.2.3.4',
          inbound: [{ port: 8080, servicePort: 80, serviceAddress: '127.0.0.1', tags: { 'kuma.io/service': 'web' }, state: 'NotReady' }],
          outbound: [],
        },
      },
    });
  });

  it('defaults an omitted gateway type to DELEGATED', () => {
    const r = parseSpec('Dataplane', { networking: { address: '10.0.0.1', gateway: { tags: { 'kuma.io/service': 'edge' } } } });
    expect(r.ok && r.value.networking.gateway).toEqual({ type: 'DELEGATED', tags: { 'kuma.io/service': 'edge' } });
  });
});
