import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseResourceDocument, type ParsedResource } from './resource-document.js';
import { RESOURCE_KIND_NAMES } from './resource-kinds.js';
import type { Violation } from './violation.js';

function fixture(name: string): unknown {
  return parse(readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8'), { uniqueKeys: true });
}

function parsed(doc: unknown): ParsedResource {
  const r = parseResourceDocument(doc);
  if (!r.ok) throw new Error(`unexpected violations: ${JSON.stringify(r.violations)}`);
  return r.value;
}

function violationsOf(doc: unknown): readonly Violation[] {
  const r = parseResourceDocument(doc);
  return r.ok ? [] : r.violations;
}

const GATEWAY_SPEC = {
  selectors: [{ match: { 'kuma.io/service': 'edge' } }],
  conf: { listeners: [{ port: 80, protocol: 'HTTP' }] },
};

/** Every stored kind, as the unknown-kind message lists them (the list itself is checked in resource-kinds.test.ts). */
const KNOWN_KINDS = `must be one of ${RESOURCE_KIND_NAMES.map((k) => JSON.stringify(k)).join(', ')}`;

describe('docs/gateway.md examples parse cleanly', () => {
  it('parses the docs/gateway.md §1.1 MeshGateway in universal form', () => {
    const r = parsed(fixture('mesh-gateway-edge.yaml'));
    expect(r.kind).toBe('MeshGateway');
    if (r.kind !== 'MeshGateway') return;
    expect([r.mesh, r.name]).toEqual(['default', 'edge']);
    expect(r.spec.conf?.listeners[1]).toEqual({
      port: 443,
      protocol: 'HTTPS',
      hostname: '*.example.com',
      tls: { mode: 'TERMINATE', certificates: [{ secret: 'example-com-tls' }] },
      tags: { port: 'https/443' },
      crossMesh: false,
      resources: { connectionLimit: 10000 },
    });
  });

  it('parses the docs/gateway.md §1.1 MeshGateway in Kubernetes form to the same resource', () => {
    const k8s = parsed(fixture('mesh-gateway-edge.k8s.yaml'));
    const universal = parsed(fixture('mesh-gateway-edge.yaml'));
    expect(k8s).toEqual({ ...universal, labels: { team: 'platform' } });
  });

  it('parses the docs/gateway.md §1.2 MeshGatewayRoute with snake_case filters normalised', () => {
    const r = parsed(fixture('mesh-gateway-route-shop.yaml'));
    if (r.kind !== 'MeshGatewayRoute') throw new Error(`kind ${r.kind}`);
    const rules = r.spec.conf.http?.rules ?? [];
    expect(rules[0]?.filters).toEqual([{ requestHeader: { set: [{ name: 'x-route', value: 'shop-api' }], add: [], remove: [] } }]);
    expect(rules[1]?.filters).toEqual([{ redirect: { scheme: 'https', hostname: 'shop.example.com', statusCode: 301 } }]);
  });

  it('parses the docs/gateway.md §1.3 gateway Dataplane', () => {
    const r = parsed(fixture('dataplane-gateway.yaml'));
    expect(r.kind === 'Dataplane' && r.spec.networking.gateway).toEqual({ type: 'BUILTIN', tags: { 'kuma.io/service': 'edge-gateway' } });
  });

  it('parses the docs/gateway.md §1.5 Mesh, ignoring output-only timestamps, with mesh equal to its name', () => {
    const r = parsed(fixture('mesh-mtls.yaml'));
    expect([r.kind, r.mesh, r.name]).toEqual(['Mesh', 'default', 'default']);
    expect(r.kind === 'Mesh' && r.spec.mtls?.backends?.[0]?.conf).toEqual({ caCert: { RSAbits: 2048, expiration: '10y' } });
  });

  it("ignores the output-only fields kumactl 2.x sends back on apply (kri, times), as Kuma's server does", () => {
    const doc = { type: 'MeshGateway', mesh: 'default', name: 'edge', kri: 'kri_mgw_default___edge_', creationTime: '2025-01-01T00:00:00Z', modificationTime: '2025-01-01T00:00:00Z', ...GATEWAY_SPEC };
    const r = parsed(doc);
    expect([r.kind, r.name]).toEqual(['MeshGateway', 'edge']);
    expect(JSON.stringify(r.spec)).not.toContain('kri');
    expect(violationsOf({ ...doc, krii: 'typo' })).toEqual([expect.objectContaining({ field: 'krii' })]);
  });
});

describe('document forms', () => {
  it('keeps universal labels', () => {
    const r = parsed({ type: 'MeshGateway', mesh: 'm1', name: 'g', labels: { team: 'a' }, ...GATEWAY_SPEC });
    expect([r.mesh, r.labels]).toEqual(['m1', { team: 'a' }]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['top-level mesh', { mesh: 'prod' }, 'prod'],
    ['the kuma.io/mesh label', { metadata: { name: 'g', labels: { 'kuma.io/mesh': 'staging' } } }, 'staging'],
    ['nothing (defaults to "default")', {}, 'default'],
  ])('takes a Kubernetes mesh from %s', (_name, extra, mesh) => {
    const doc = { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGateway', metadata: { name: 'g' }, spec: GATEWAY_SPEC, ...extra };
    expect(parsed(doc).mesh).toBe(mesh);
  });

  it('accepts a Kubernetes Mesh without spec', () => {
    expect(parsed({ apiVersion: 'kuma.io/v1alpha1', kind: 'Mesh', metadata: { name: 'default' } })).toEqual({
      kind: 'Mesh',
      name: 'default',
      mesh: 'default',
      labels: {},
      spec: {},
    });
  });
});

describe('document violations', () => {
  const k8s = (extra: Record<string, unknown>) => ({
    apiVersion: 'kuma.io/v1alpha1',
    kind: 'MeshGateway',
    metadata: { name: 'g' },
    spec: GATEWAY_SPEC,
    ...extra,
  });
  const universal = (extra: Record<string, unknown>) => ({ type: 'MeshGateway', mesh: 'default', name: 'g', ...GATEWAY_SPEC, ...extra });

  it.each<[string, unknown, Violation[]]>([
    ['a document that is not an object', ['a'], [{ field: '', message: 'must be an object' }]],
    ['universal without type', { name: 'x' }, [{ field: 'type', message: 'cannot be empty' }]],
    ['universal with an unknown type', universal({ type: 'MeshGatewayInstance' }), [{ field: 'type', message: KNOWN_KINDS }]],
    ['universal mesh-scoped kind without mesh', universal({ mesh: undefined }), [{ field: 'mesh', message: 'cannot be empty' }]],
    ['universal without name', universal({ name: '' }), [{ field: 'name', message: 'cannot be empty' }]],
    [
      'a name with a space',
      universal({ name: 'my gw' }),
      [{ field: 'name', message: 'must consist of alphanumeric characters, ".", "-" or "_", and start and end with an alphanumeric character' }],
    ],
    [
      'a name ending in a dash',
      universal({ name: 'gw-' }),
      [{ field: 'name', message: 'must consist of alphanumeric characters, ".", "-" or "_", and start and end with an alphanumeric character' }],
    ],
    ['a name of 254 characters', universal({ name: 'a'.repeat(254) }), [{ field: 'name', message: 'must be at most 253 characters' }]],
    ['a numeric name', universal({ name: 7 }), [{ field: 'name', message: 'must be a string' }]],
    ['universal unknown top-level field', universal({ listners: [] }), [{ field: 'listners', message: 'unknown field "listners"' }]],
    ['a universal Mesh with a mesh field', { type: 'Mesh', name: 'default', mesh: 'x' }, [{ field: 'mesh', message: 'unknown field "mesh"' }]],
    ['universal labels with a non-string value', universal({ labels: { a: 1 } }), [{ field: 'labels["a"]', message: 'must be a string' }]],
    ['Kubernetes with another apiVersion', k8s({ apiVersion: 'kuma.io/v1' }), [{ field: 'apiVersion', message: 'must be "kuma.io/v1alpha1"' }]],
    ['Kubernetes without apiVersion', k8s({ apiVersion: undefined }), [{ field: 'apiVersion', message: 'cannot be empty' }]],
    ['Kubernetes with an unknown kind', k8s({ kind: 'Gateway' }), [{ field: 'kind', message: KNOWN_KINDS }]],
    ['Kubernetes without metadata.name', k8s({ metadata: {} }), [{ field: 'metadata.name', message: 'cannot be empty' }]],
    ['Kubernetes unknown metadata field', k8s({ metadata: { name: 'g', lables: {} } }), [{ field: 'metadata.lables', message: 'unknown field "lables"' }]],
    ['Kubernetes unknown top-level field', k8s({ status: {} }), [{ field: 'status', message: 'unknown field "status"' }]],
    ['Kubernetes Mesh with a mesh field', { apiVersion: 'kuma.io/v1alpha1', kind: 'Mesh', metadata: { name: 'm' }, mesh: 'x' }, [{ field: 'mesh', message: 'unknown field "mesh"' }]],
    ['Kubernetes spec that is not an object', k8s({ spec: 'x' }), [{ field: 'spec', message: 'must be an object' }]],
    [
      'Kubernetes mesh label contradicting the mesh field',
      k8s({ mesh: 'a', metadata: { name: 'g', labels: { 'kuma.io/mesh': 'b' } } }),
      [{ field: 'metadata.labels["kuma.io/mesh"]', message: 'must equal mesh "a"' }],
    ],
    [
      'Kubernetes spec violations keep spec-relative paths',
      k8s({ spec: { ...GATEWAY_SPEC, selectors: [] } }),
      [{ field: 'selectors', message: 'must have at least one element' }],
    ],
    [
      'document and spec violations together, document first',
      universal({ name: '', selectors: [] }),
      [
        { field: 'name', message: 'cannot be empty' },
        { field: 'selectors', message: 'must have at least one element' },
      ],
    ],
  ])('%s', (_name, doc, expected) => {
    expect(violationsOf(doc)).toEqual(expected);
  });

  it('collects decode and semantic violations together, without restating a decode error', () => {
    const doc = universal({ conf: { listeners: [{ port: '80a', protocol: 'HTTP' }, { port: 70000, protocol: 'NONE' }] } });
    expect(violationsOf(doc)).toEqual([
      { field: 'conf.listeners[0].port', message: 'must be an integer' },
      { field: 'conf.listeners[1].port', message: 'port must be in the range [1, 65535]' },
      { field: 'conf.listeners[1].protocol', message: 'cannot be empty' },
    ]);
  });
});
