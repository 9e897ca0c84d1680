// docs/gateway.md §4.2: one row per MeshGateway rule, each with its exact field and message.
import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('MeshGateway', spec);
  return r.ok ? [] : r.violations;
}

const SELECTORS = [{ match: { 'kuma.io/service': 'gw' } }];
const TERMINATE = { mode: 'TERMINATE', certificates: [{ secret: 'cert' }] };
const gateway = (...listeners: Record<string, unknown>[]) => ({ selectors: SELECTORS, conf: { listeners } });
const http = (extra: Record<string, unknown> = {}) => ({ port: 80, protocol: 'HTTP', ...extra });
const L0 = 'conf.listeners[0]';

describe('docs/gateway.md §4.2 MeshGateway', () => {
  it.each<[string, unknown, Violation[]]>([
    ['no selectors', { selectors: [], conf: { listeners: [http()] } }, [{ field: 'selectors', message: 'must have at least one element' }]],
    [
      'a selector with no tags',
      { selectors: [{ match: {} }], conf: { listeners: [http()] } },
      [{ field: 'selectors[0].match', message: 'must have at least one tag' }],
    ],
    [
      'a selector without kuma.io/service',
      { selectors: [{ match: { app: 'gw' } }], conf: { listeners: [http()] } },
      [{ field: 'selectors[0].match', message: 'mandatory tag "kuma.io/service" is missing' }],
    ],
    [
      'more than one selector on a cross-mesh gateway',
      { selectors: [...SELECTORS, ...SELECTORS, ...SELECTORS], conf: { listeners: [http({ crossMesh: true })] } },
      [
        { field: 'selectors[1]', message: 'there can be at most one selector' },
        { field: 'selectors[2]', message: 'there can be at most one selector' },
      ],
    ],
    ...(['kuma.io/service', 'kuma.io/protocol', 'kuma.io/zone', 'kuma.io/external-service-name'].map((key) => [
      `gateway tags with reserved key ${key}`,
      { selectors: SELECTORS, tags: { [key]: 'x' }, conf: { listeners: [http()] } },
      [{ field: `tags["${key}"]`, message: `tag name must not be "${key}"` }],
    ]) as [string, unknown, Violation[]][]),
    ['conf missing', { selectors: SELECTORS }, [{ field: 'conf', message: 'cannot be empty' }]],
    ['no listeners', { selectors: SELECTORS, conf: { listeners: [] } }, [{ field: 'conf.listeners', message: 'cannot be empty' }]],
    [
      'hostname too long',
      gateway(http({ hostname: `${'a'.repeat(60)}.`.repeat(5) + 'com' })),
      [{ field: `${L0}.hostname`, message: 'must be at most 253 characters' }],
    ],
    ['wildcard with an invalid domain', gateway(http({ hostname: '*.Example.com' })), [{ field: `${L0}.hostname`, message: 'invalid wildcard domain' }]],
    ['wildcard not leftmost', gateway(http({ hostname: 'a.*.com' })), [{ field: `${L0}.hostname`, message: 'invalid hostname' }]],
    ['uppercase hostname', gateway(http({ hostname: 'Shop.example.com' })), [{ field: `${L0}.hostname`, message: 'invalid hostname' }]],
    ['label over 63 characters', gateway(http({ hostname: `${'a'.repeat(64)}.com` })), [{ field: `${L0}.hostname`, message: 'invalid hostname' }]],
    ['port 0', gateway(http({ port: 0 })), [{ field: `${L0}.port`, message: 'port must be in the range [1, 65535]' }]],
    ['port 65536', gateway(http({ port: 65536 })), [{ field: `${L0}.port`, message: 'port must be in the range [1, 65535]' }]],
    ['port -1', gateway(http({ port: -1 })), [{ field: `${L0}.port`, message: 'port must be in the range [1, 65535]' }]],
    ['port missing', gateway({ protocol: 'HTTP' }), [{ field: `${L0}.port`, message: 'port must be in the range [1, 65535]' }]],
    ['protocol NONE', gateway(http({ protocol: 'NONE' })), [{ field: `${L0}.protocol`, message: 'cannot be empty' }]],
    ...(['TCP', 'TLS'].map((protocol) => [
      `crossMesh on a ${protocol} listener (D8)`,
      gateway(http({ protocol, crossMesh: true })),
      [{ field: `${L0}.protocol`, message: 'protocol is not supported with crossMesh' }],
    ]) as [string, unknown, Violation[]][]),
    [
      'crossMesh on an HTTPS listener reports only the protocol, not its TLS',
      gateway(http({ protocol: 'HTTPS', crossMesh: true, tls: { mode: 'PASSTHROUGH' } })),
      [{ field: `${L0}.protocol`, message: 'protocol is not supported with crossMesh' }],
    ],
    ['HTTPS without tls', gateway(http({ protocol: 'HTTPS' })), [{ field: `${L0}.tls`, message: 'cannot be empty' }]],
    [
      'HTTPS with PASSTHROUGH',
      gateway(http({ protocol: 'HTTPS', tls: { mode: 'PASSTHROUGH' } })),
      [{ field: `${L0}.tls.mode`, message: 'mode is not supported on HTTPS listeners' }],
    ],
    ['tls with mode NONE', gateway(http({ protocol: 'TLS', tls: { mode: 'NONE' } })), [{ field: `${L0}.tls.mode`, message: 'cannot be empty' }]],
    [
      'TERMINATE without certificates',
      gateway(http({ protocol: 'HTTPS', tls: { mode: 'TERMINATE' } })),
      [{ field: `${L0}.tls.certificates`, message: 'cannot be empty in TLS termination mode' }],
    ],
    [
      'TERMINATE with three certificates',
      gateway(http({ protocol: 'HTTPS', tls: { mode: 'TERMINATE', certificates: [{ secret: 'a' }, { secret: 'b' }, { secret: 'c' }] } })),
      [{ field: `${L0}.tls.certificates`, message: 'cannot have more than 2 certificates' }],
    ],
    ['cross-mesh HTTP listener with a TLS mode', gateway(http({ crossMesh: true, tls: TERMINATE })), [{ field: `${L0}.tls`, message: 'must be empty with crossMesh' }]],
    [
      'cross-mesh HTTP listener with certificates only',
      gateway(http({ crossMesh: true, tls: { certificates: [{ secret: 'a' }] } })),
      [{ field: `${L0}.tls`, message: 'must be empty with crossMesh' }],
    ],
    [
      'listener tags with a reserved key',
      gateway(http({ tags: { 'kuma.io/zone': 'eu' } })),
      [{ field: `${L0}.tags["kuma.io/zone"]`, message: 'tag name must not be "kuma.io/zone"' }],
    ],
    [
      'listeners of one port with different protocols',
      gateway(http({ hostname: 'a.example.com' }), http({ protocol: 'TCP' }), http({ port: 81 })),
      [
        { field: 'conf.listeners[0]', message: 'protocol conflicts with other listeners on this port' },
        { field: 'conf.listeners[1]', message: 'protocol conflicts with other listeners on this port' },
      ],
    ],
    [
      'two listeners of one port with hostnames "" and "*"',
      gateway(http(), http({ hostname: '*' }), http({ hostname: 'a.example.com' })),
      [
        { field: 'conf.listeners[0]', message: 'multiple listeners for hostname on this port' },
        { field: 'conf.listeners[1]', message: 'multiple listeners for hostname on this port' },
      ],
    ],
    [
      'distinct non-zero connection limits on one port',
      gateway(
        http({ hostname: 'a.example.com', resources: { connectionLimit: 10 } }),
        http({ hostname: 'b.example.com', resources: { connectionLimit: 20 } }),
        http({ hostname: 'c.example.com' }),
      ),
      [
        { field: 'conf.listeners[0].resources.connectionLimit', message: 'conflicting values for this port' },
        { field: 'conf.listeners[1].resources.connectionLimit', message: 'conflicting values for this port' },
      ],
    ],
  ])('%s', (_name, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });

  it.each<[string, unknown]>([
    ['hostname "*"', gateway(http({ hostname: '*' }))],
    ['a wildcard hostname', gateway(http({ hostname: '*.example.com' }))],
    ['a hostname of exactly 253 characters', gateway(http({ hostname: `${'a'.repeat(63)}.`.repeat(3) + 'a'.repeat(61) }))],
    ['TLS PASSTHROUGH', gateway(http({ protocol: 'TLS', tls: { mode: 'PASSTHROUGH' } }))],
    ['TLS listener without tls (a generation-time error, docs/gateway.md §4.6)', gateway(http({ protocol: 'TLS' }))],
    ['a cross-mesh HTTP listener with empty tls', gateway(http({ crossMesh: true, tls: {} }))],
    ['two certificates', gateway(http({ protocol: 'HTTPS', tls: { mode: 'TERMINATE', certificates: [{ secret: 'rsa' }, { file: '/ec.pem' }] } }))],
    [
      'one port, distinct hostnames, one limit and an unlimited listener',
      gateway(http({ hostname: 'a.example.com', resources: { connectionLimit: 5 } }), http({ hostname: 'b.example.com' })),
    ],
  ])('accepts %s', (_name, spec) => {
    expect(violationsOf(spec)).toEqual([]);
  });
});
