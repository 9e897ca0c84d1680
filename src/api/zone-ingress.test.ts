import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import { advertisedEndpoint, validateZoneIngress, type ZoneIngressSpec } from './zone-ingress.js';

const base: ZoneIngressSpec = { networking: { address: '192.168.0.10', port: 10001, advertisedAddress: '34.1.2.3', advertisedPort: 10001 } };

describe('validateZoneIngress (docs/multizone.md §7.1, Kuma messages)', () => {
  const cases: Array<{ what: string; spec: ZoneIngressSpec; violations: Array<{ field: string; message: string }> }> = [
    { what: 'a complete ingress', spec: base, violations: [] },
    { what: 'no advertised address or port (a load balancer still pending)', spec: { networking: { address: '10.0.0.1', port: 10001 } }, violations: [] },
    { what: 'a DNS name as advertised address', spec: { networking: { address: '10.0.0.1', port: 10001, advertisedAddress: 'ingress.zone-1.example.com', advertisedPort: 443 } }, violations: [] },
    {
      what: 'an advertised port without an address',
      spec: { networking: { address: '10.0.0.1', port: 10001, advertisedPort: 10001 } },
      violations: [{ field: 'networking.advertisedAddress', message: 'has to be defined with advertisedPort' }],
    },
    {
      what: 'an advertised address without a port',
      spec: { networking: { address: '10.0.0.1', port: 10001, advertisedAddress: '34.1.2.3' } },
      violations: [{ field: 'networking.advertisedPort', message: 'has to be defined with advertisedAddress' }],
    },
    {
      what: 'the admin port on the listener port',
      spec: { networking: { ...base.networking, admin: { port: 10001 } } },
      violations: [{ field: 'networking.admin.port', message: 'must differ from port' }],
    },
    {
      what: 'addresses that are neither IPs nor DNS names',
      spec: { networking: { address: 'not an address', port: 10001, advertisedAddress: '-bad-', advertisedPort: 10001 } },
      violations: [
        { field: 'networking.address', message: 'address has to be valid IP address or domain name' },
        { field: 'networking.advertisedAddress', message: 'address has to be valid IP address or domain name' },
      ],
    },
    {
      what: 'ports out of range',
      spec: { networking: { address: '10.0.0.1', port: 70000, advertisedAddress: '34.1.2.3', advertisedPort: 65536 } },
      violations: [
        { field: 'networking.port', message: 'port must be in the range [1, 65535]' },
        { field: 'networking.advertisedPort', message: 'port must be in the range [1, 65535]' },
      ],
    },
    {
      what: 'an available service without kuma.io/service, at Kuma\'s singular path',
      spec: { ...base, availableServices: [{ tags: { 'kuma.io/service': 'a' }, instances: 1, mesh: 'default' }, { tags: { version: 'v1' }, instances: 1, mesh: 'default' }] },
      violations: [{ field: 'availableService[1].tags', message: 'mandatory tag "kuma.io/service" is missing' }],
    },
  ];
  for (const c of cases) it(c.what, () => expect(validateZoneIngress(c.spec)).toEqual(c.violations));

  it('decodes Kuma\'s universal document through the kind descriptor', () => {
    const parsed = parseSpec('ZoneIngress', {
      zone: 'zone-1',
      networking: { address: '192.168.0.10', port: 10001, advertisedAddress: '34.1.2.3', advertisedPort: 10001, admin: { port: 9901 } },
      availableServices: [{ mesh: 'default', instances: 2, tags: { 'kuma.io/service': 'backend', 'kuma.io/zone': 'zone-1' } }],
    }, { name: 'ingress-1', mesh: '' });
    expect(parsed.ok).toBe(true);
  });

  it('reports unknown fields with their path', () => {
    const parsed = parseSpec('ZoneIngress', { networking: { adress: 'x' } }, { name: 'ingress-1', mesh: '' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.violations.map((v) => v.field)).toContain('networking.adress');
  });

  it('advertisedEndpoint needs both fields', () => {
    expect(advertisedEndpoint(base)).toEqual({ address: '34.1.2.3', port: 10001 });
    expect(advertisedEndpoint({ networking: { address: '1.2.3.4', port: 1 } })).toBeUndefined();
  });
});
