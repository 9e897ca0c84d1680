// Which store changes regenerate a gateway because of ExternalServices (docs/gateway.md §2.15, §2.16):
// the ExternalServices of its destinations' services, their TLS Secrets, and, once one of them
// exists, every TrafficPermission of the mesh.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StoredResource } from '../core/resource.js';
import { gatewayDependencies, gatewayDependsOn } from './gateway-dependencies.js';
import { gatewayInput, type RawCase } from './testdata/load-case.js';
import { translateGateway } from './translate-gateway.js';

const T = '2026-01-01T00:00:00.000Z';
const meta = { version: '1', creationTime: T, modificationTime: T };

function caseInput(name: string) {
  return gatewayInput(parse(readFileSync(path.join(import.meta.dirname, 'testdata', `${name}.in.yaml`), 'utf8')) as RawCase);
}
function external(name: string, service: string): StoredResource<'ExternalService'> {
  return { kind: 'ExternalService', mesh: 'default', name, spec: { networking: { address: 'x.example:80', disableHostDNSEntry: false }, tags: { 'kuma.io/service': service } }, ...meta };
}
const permission = { kind: 'TrafficPermission', mesh: 'default', name: 'p', spec: { sources: [], destinations: [] }, ...meta } as StoredResource<'TrafficPermission'>;
const secretNamed = (name: string) => ({ kind: 'Secret', mesh: 'default', name, spec: { data: '' }, ...meta }) as StoredResource<'Secret'>;

describe('gatewayDependsOn ExternalServices', () => {
  const input = caseInput('external-service-clusters');
  const deps = gatewayDependencies(input, translateGateway(input));

  it("depends on ExternalServices of its destinations' services only", () => {
    expect(gatewayDependsOn(deps, external('httpbin-2', 'httpbin'))).toBe(true);
    expect(gatewayDependsOn(deps, external('backend-es', 'backend'))).toBe(true);
    expect(gatewayDependsOn(deps, external('elsewhere', 'elsewhere'))).toBe(false);
  });

  it('depends on the Secrets ExternalService TLS sources read, even a missing one', () => {
    expect(gatewayDependsOn(deps, secretNamed('partner-ca'))).toBe(true);
    expect(gatewayDependsOn(deps, secretNamed('no-such-secret'))).toBe(true);
    expect(gatewayDependsOn(deps, secretNamed('unrelated'))).toBe(false);
  });

  it('depends on TrafficPermissions once an ExternalService names a destination service, not before', () => {
    expect(gatewayDependsOn(deps, permission)).toBe(true);
    const plain = caseInput('basic-http-path-routing');
    expect(gatewayDependsOn(gatewayDependencies(plain, translateGateway(plain)), permission)).toBe(false);
  });
});
