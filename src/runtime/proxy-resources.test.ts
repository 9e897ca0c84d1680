import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { deepFreeze } from '../../test/support/deep-freeze.js';
import { parseResourceDocument } from '../api/resource-document.js';
import { toInput } from '../api-server/resource-form.js';
import { initialPolicies } from '../api/mesh-default-policies.js';
import type { ResourceInput, StoredResource } from '../core/resource.js';
import { buildStored } from '../core/stored-resource.js';
import type { CertificateFile } from '../gateway/gateway-input.js';
import { emptyGatewayResources } from '../xds/translator/translate.js';
import { proxyEnvoyResources } from './proxy-resources.js';

const EXAMPLES = new URL('../../examples/universal/', import.meta.url);
const PEM = readFileSync(new URL('../gateway/testdata/pem/example-rsa.pem', import.meta.url), 'utf8');
const NO_FILES: ReadonlyMap<string, CertificateFile> = new Map();

/** Stored resources from YAML documents, frozen like a store's. */
function load(text: string): StoredResource[] {
  return parseAllDocuments(text).map((doc, i) => {
    const parsed = parseResourceDocument(doc.toJS());
    if (!parsed.ok) throw new Error(`document ${i + 1}: ${JSON.stringify(parsed.violations)}`);
    const input = toInput(parsed.value);
    const at = '2024-01-01T00:00:00.000Z';
    return buildStored(input, { spec: input.spec, labels: input.labels, version: '1', creationTime: at, modificationTime: at });
  });
}

const example = (): StoredResource[] =>
  load(readFileSync(new URL('mesh.yaml', EXAMPLES), 'utf8') + '\n---\n' + readFileSync(new URL('gateway-dataplane.yaml', EXAMPLES), 'utf8'));

const HTTPS_GATEWAY = (source: string): string => `
type: Mesh
name: default
---
type: Dataplane
mesh: default
name: edge-1
networking:
  address: 10.0.0.1
  advertisedAddress: 192.0.2.10
  gateway: {type: BUILTIN, tags: {kuma.io/service: edge}}
---
type: MeshGateway
mesh: default
name: edge
selectors: [{match: {kuma.io/service: edge}}]
conf:
  listeners:
  - {port: 443, protocol: HTTPS, hostname: example.com, tls: {mode: TERMINATE, certificates: [${source}]}}
`;

const names = (list: readonly { name: string }[]): string[] => list.map((r) => r.name);

describe('proxyEnvoyResources', () => {
  it('translates the example gateway dataplane', () => {
    const result = proxyEnvoyResources(example(), 'default', 'edge-gateway-1', NO_FILES);
    if (!result.ok) throw new Error(result.message);
    expect(result.problems).toEqual([]);
    expect(names(result.resources.listeners)).toEqual(['edge:HTTP:8080']);
    expect(names(result.resources.routes)).toEqual(['edge:HTTP:8080:*']);
    expect(result.resources.clusters).toHaveLength(2);
    expect(names(result.resources.endpoints)).toEqual(names(result.resources.clusters));
  });

  it('does not depend on the order resources are given in', () => {
    const forward = proxyEnvoyResources(deepFreeze(example()), 'default', 'edge-gateway-1', NO_FILES);
    const backward = proxyEnvoyResources(deepFreeze(example().reverse()), 'default', 'edge-gateway-1', NO_FILES);
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
  });

  it('binds listeners to the advertised address when there is one', () => {
    const result = proxyEnvoyResources(load(HTTPS_GATEWAY(`{inlineString: ${JSON.stringify(PEM)}}`)), 'default', 'edge-1', NO_FILES);
    if (!result.ok) throw new Error(result.message);
    expect(result.resources.listeners[0]?.resource).toMatchObject({ address: { socket_address: { address: '192.0.2.10', port_value: 443 } } });
    expect(names(result.resources.secrets)).toEqual(['cert.rsa:inlineString:example.com']);
  });

  it('gives only the empty runtime to a gateway dataplane no MeshGateway selects', () => {
    const resources = example().filter((r) => r.kind !== 'MeshGateway');
    expect(proxyEnvoyResources(resources, 'default', 'edge-gateway-1', NO_FILES)).toEqual({
      ok: true,
      resources: emptyGatewayResources(),
      problems: [],
    });
  });

  it('reads file sources from the files it is given', () => {
    const resources = load(HTTPS_GATEWAY('{file: tls/edge.pem}'));
    const read = proxyEnvoyResources(resources, 'default', 'edge-1', new Map([['tls/edge.pem', { content: PEM }]]));
    if (!read.ok) throw new Error(read.message);
    expect(names(read.resources.secrets)).toEqual(['cert.rsa:file:tls/edge.pem']);
    const unreadable = proxyEnvoyResources(resources, 'default', 'edge-1', new Map([['tls/edge.pem', { error: 'ENOENT: no such file' }]]));
    expect(unreadable).toMatchObject({ ok: false, message: expect.stringContaining('ENOENT: no such file') });
  });

  it('reports a failed generation with every problem, naming the resource', () => {
    const result = proxyEnvoyResources(load(HTTPS_GATEWAY('{secret: missing}')), 'default', 'edge-1', NO_FILES);
    expect(result).toEqual({
      ok: false,
      message:
        'generating the configuration of Dataplane default/edge-1 failed; a running control plane keeps its last config:\n' +
        '  MeshGateway default/edge: conf.listeners[0].tls.certificates[0]: failed to generate TLS certificate: secret "missing" not found in mesh "default"',
    });
  });

  it('names what is missing, and configures a sidecar too', () => {
    const resources = example();
    expect(proxyEnvoyResources(resources, 'prod', 'edge-gateway-1', NO_FILES)).toEqual({ ok: false, message: 'mesh "prod" not found' });
    expect(proxyEnvoyResources(resources, 'default', 'edge-2', NO_FILES)).toEqual({
      ok: false,
      message: 'dataplane "edge-2" not found in mesh "default"',
    });
    // A sidecar gets the sidecar profile (docs/mesh-mtls.md §4).
    const sidecar = proxyEnvoyResources(resources, 'default', 'echo-a', NO_FILES);
    expect(sidecar.ok && sidecar.resources.listeners.map((l) => l.name)).toEqual(['inbound:127.0.0.1:8081']);
  });
});

/** Every Envoy route of the route configurations. */
function forwardingRoutes(configurations: readonly unknown[]): { route?: { timeout?: unknown } }[] {
  return (configurations as { resource: { virtual_hosts: { routes: { route?: { timeout?: unknown } }[] }[] } }[]).flatMap((r) => r.resource.virtual_hosts.flatMap((v) => v.routes));
}

describe('a new mesh with its default policies (docs/policies.md)', () => {
  /** The example, plus the defaults the REST API creates with its Mesh. */
  const withDefaults = (): StoredResource[] => {
    const at = '2024-01-01T00:00:00.000Z';
    const defaults = initialPolicies('default', {}).map((p) =>
      buildStored({ kind: p.kind, mesh: 'default', name: p.name, spec: p.spec } as ResourceInput, { spec: p.spec, labels: undefined, version: '1', creationTime: at, modificationTime: at }),
    );
    return [...example(), ...defaults];
  };

  it("gives the gateway Kuma's timeouts (docs/gateway.md §2.16): connect 5s, upstream idle 3600s, route timeout 15s", () => {
    const result = proxyEnvoyResources(withDefaults(), 'default', 'edge-gateway-1', NO_FILES);
    if (!result.ok) throw new Error(result.message);
    const clusters = (result.resources.clusters as unknown as { resource: { name: string; connect_timeout: unknown; typed_extension_protocol_options?: unknown } }[]).map((c) => c.resource);
    expect(clusters.length).toBeGreaterThan(0);
    for (const cluster of clusters) {
      expect(cluster.connect_timeout, cluster.name).toEqual({ seconds: 5, nanos: 0 });
      expect(JSON.stringify(cluster.typed_extension_protocol_options), cluster.name).toContain('"common_http_protocol_options":{"idle_timeout":{"seconds":3600,"nanos":0}}');
    }
    const routes = forwardingRoutes(result.resources.routes);
    const forwarding = routes.filter((r) => r.route !== undefined);
    expect(forwarding.length).toBeGreaterThan(0);
    for (const route of forwarding) expect(route.route!.timeout).toEqual({ seconds: 15, nanos: 0 });
  });

  it('without them the same gateway keeps the no-policy output: no route timeout', () => {
    const result = proxyEnvoyResources(example(), 'default', 'edge-gateway-1', NO_FILES);
    if (!result.ok) throw new Error(result.message);
    const routes = forwardingRoutes(result.resources.routes);
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.route?.timeout !== undefined)).toEqual([]);
  });
});
