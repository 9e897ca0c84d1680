// Which store changes regenerate a sidecar: here, that any TrafficPermission of its own mesh does
// (docs/mesh-mtls.md §5.2: any one may become, or stop being, the policy of one of its inbounds).
import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../core/resource.js';
import { sidecarDependencies, sidecarDependsOn } from './sidecar-dependencies.js';
import type { SidecarInput } from './sidecar-input.js';

const T = '2026-01-01T00:00:00.000Z';
const meta = { version: '1', creationTime: T, modificationTime: T };

function trafficPermission(mesh: string, name: string): StoredResource<'TrafficPermission'> {
  const spec = { sources: [{ match: { 'kuma.io/service': 'web' } }], destinations: [{ match: { 'kuma.io/service': 'elsewhere' } }] };
  return { kind: 'TrafficPermission', mesh, name, spec, ...meta };
}

const input: SidecarInput = {
  mesh: { kind: 'Mesh', mesh: 'default', name: 'default', spec: {}, ...meta } as StoredResource<'Mesh'>,
  proxy: {
    kind: 'Dataplane',
    mesh: 'default',
    name: 'backend-1',
    spec: { networking: { address: '10.0.0.1', inbound: [{ port: 8080, tags: { 'kuma.io/service': 'backend' } }] } },
    ...meta,
  } as StoredResource<'Dataplane'>,
  dataplanes: [],
  trafficPermissions: [],
};

describe('sidecarDependsOn', () => {
  const deps = sidecarDependencies(input);

  it('depends on every TrafficPermission of its mesh, even one that selects none of its inbounds today', () => {
    expect(sidecarDependsOn(deps, trafficPermission('default', 'web-to-elsewhere'))).toBe(true);
  });

  it("ignores another mesh's TrafficPermissions", () => {
    expect(sidecarDependsOn(deps, trafficPermission('other', 'allow-all-other'))).toBe(false);
  });
});

describe('sidecarDependsOn a ProxyTemplate', () => {
  const deps = sidecarDependencies(input);
  const template = (mesh: string, service: string): StoredResource<'ProxyTemplate'> => ({ kind: 'ProxyTemplate', mesh, name: 'pt', spec: { selectors: [{ match: { 'kuma.io/service': service } }] }, ...meta });

  it('depends on a template whose selectors match one of its inbounds, whatever it ranks', () => {
    expect(sidecarDependsOn(deps, template('default', 'backend'))).toBe(true);
    expect(sidecarDependsOn(deps, template('default', '*'))).toBe(true);
  });

  it('ignores templates for other services and other meshes', () => {
    expect(sidecarDependsOn(deps, template('default', 'web'))).toBe(false);
    expect(sidecarDependsOn(deps, template('other', '*'))).toBe(false);
  });
});

describe('sidecarDependsOn ExternalServices', () => {
  const external = (name: string, service: string, secret?: string): StoredResource<'ExternalService'> => ({
    kind: 'ExternalService',
    mesh: 'default',
    name,
    spec: { networking: { address: 'x.example:443', disableHostDNSEntry: false, ...(secret ? { tls: { enabled: true, allowRenegotiation: false, skipHostnameVerification: false, caCert: { secret } } } : {}) }, tags: { 'kuma.io/service': service } },
    ...meta,
  });
  const withOutbound: SidecarInput = {
    ...input,
    proxy: { ...input.proxy, spec: { networking: { ...input.proxy.spec.networking, outbound: [{ port: 10001, tags: { 'kuma.io/service': 'httpbin' } }] } } } as StoredResource<'Dataplane'>,
    externalServices: [external('partner', 'partner', 'partner-ca')],
  };
  const deps = sidecarDependencies(withOutbound);
  const secretNamed = (name: string) => ({ kind: 'Secret', mesh: 'default', name, spec: { data: '' }, ...meta }) as StoredResource<'Secret'>;

  it("depends on an ExternalService of an outbound's service, not of others", () => {
    expect(sidecarDependsOn(deps, external('httpbin', 'httpbin'))).toBe(true);
    expect(sidecarDependsOn(deps, external('other', 'other'))).toBe(false);
  });

  it("depends on the Secrets its mesh's ExternalServices read", () => {
    expect(sidecarDependsOn(deps, secretNamed('partner-ca'))).toBe(true);
    expect(sidecarDependsOn(deps, secretNamed('unrelated'))).toBe(false);
  });
});
