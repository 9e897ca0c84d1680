import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseMeshGatewayInstanceSpec } from '../api/mesh-gateway-instance.js';
import { parseSpec, type ResourceKindName } from '../api/resource-kinds.js';
import { renderCrdFiles, renderCrdManifest } from './crd-files.js';
import { desiredCrds, type CustomResourceDefinition } from './crds.js';
import type { JsonSchemaProps } from './openapi-schema.js';
import { structuralProblems, valueProblems } from './testdata/structural-schema.js';

const crds = desiredCrds();

function crd(kind: string): CustomResourceDefinition {
  const found = crds.find((c) => c.spec.names.kind === kind);
  if (!found) throw new Error(`no CRD for ${kind}`);
  return found;
}

function rootSchema(kind: string): JsonSchemaProps {
  const version = crd(kind).spec.versions[0];
  if (!version) throw new Error(`no version for ${kind}`);
  return version.schema.openAPIV3Schema;
}

/** What the schema rejects in a Kubernetes object of `kind` (metadata is checked by the API server itself). */
function problems(kind: string, object: Record<string, unknown>): string[] {
  return valueProblems(rootSchema(kind), { apiVersion: 'kuma.io/v1alpha1', kind, ...object });
}

describe('desiredCrds', () => {
  it('declares Kuma names, scopes and categories', () => {
    expect(crds.map((c) => [c.metadata.name, c.spec.scope, c.spec.names.shortNames ?? []])).toEqual([
      ['meshes.kuma.io', 'Cluster', []],
      ['dataplanes.kuma.io', 'Namespaced', ['dp']],
      ['meshgateways.kuma.io', 'Cluster', ['mgw']],
      ['meshgatewayroutes.kuma.io', 'Cluster', ['mgwr']],
      ['trafficpermissions.kuma.io', 'Cluster', []],
      ['timeouts.kuma.io', 'Cluster', []],
      ['retries.kuma.io', 'Cluster', []],
      ['circuitbreakers.kuma.io', 'Cluster', []],
      ['healthchecks.kuma.io', 'Cluster', []],
      ['faultinjections.kuma.io', 'Cluster', []],
      ['ratelimits.kuma.io', 'Cluster', []],
      ['trafficlogs.kuma.io', 'Cluster', []],
      ['traffictraces.kuma.io', 'Cluster', []],
      ['proxytemplates.kuma.io', 'Cluster', []],
      ['externalservices.kuma.io', 'Cluster', []],
      ['zones.kuma.io', 'Cluster', []],
      ['zoneinsights.kuma.io', 'Cluster', []],
      ['zoneingresses.kuma.io', 'Cluster', []],
      ['meshgatewayinstances.kuma.io', 'Namespaced', ['mgi']],
    ]);
    for (const c of crds) {
      expect(c.spec.group).toBe('kuma.io');
      expect(c.spec.names.categories).toEqual(['kuma']);
      expect(c.spec.names.listKind).toBe(`${c.spec.names.kind}List`);
      expect(c.spec.versions.map((v) => [v.name, v.served, v.storage])).toEqual([['v1alpha1', true, true]]);
    }
  });

  it('emits structural schemas', () => {
    for (const c of crds) expect(structuralProblems(rootSchema(c.spec.names.kind)), c.metadata.name).toEqual([]);
  });

  it('puts mesh at the top level of the mesh-scoped protobuf kinds only', () => {
    const withMesh = crds.filter((c) => rootSchema(c.spec.names.kind).properties?.['mesh']).map((c) => c.spec.names.kind);
    expect(withMesh).toEqual(['Dataplane', 'MeshGateway', 'MeshGatewayRoute', 'TrafficPermission', 'Timeout', 'Retry', 'CircuitBreaker', 'HealthCheck', 'FaultInjection', 'RateLimit', 'TrafficLog', 'TrafficTrace', 'ProxyTemplate', 'ExternalService']);
  });

  it('gives gateways, routes and instances a status subresource with keyed conditions', () => {
    const withStatus = crds.filter((c) => c.spec.versions[0]?.subresources).map((c) => c.spec.names.kind);
    expect(withStatus).toEqual(['MeshGateway', 'MeshGatewayRoute', 'MeshGatewayInstance']);
    for (const kind of withStatus) {
      expect(rootSchema(kind).properties?.['status']?.properties?.['conditions']).toMatchObject({
        'x-kubernetes-list-map-keys': ['type'],
        'x-kubernetes-list-type': 'map',
      });
    }
    expect(Object.keys(rootSchema('MeshGatewayInstance').properties?.['status']?.properties ?? {})).toEqual(['conditions', 'loadBalancer']);
  });

  it('shows mesh, condition and age columns', () => {
    const columns = (kind: string) => crd(kind).spec.versions[0]?.additionalPrinterColumns.map((c) => `${c.name}=${c.jsonPath}`);
    expect(columns('MeshGateway')).toEqual([
      'Mesh=.mesh',
      'Accepted=.status.conditions[?(@.type=="Accepted")].status',
      'Programmed=.status.conditions[?(@.type=="Programmed")].status',
      'Age=.metadata.creationTimestamp',
    ]);
    expect(columns('MeshGatewayRoute')).toEqual(['Mesh=.mesh', 'Accepted=.status.conditions[?(@.type=="Accepted")].status', 'Age=.metadata.creationTimestamp']);
    expect(columns('MeshGatewayInstance')?.[0]).toBe('Ready=.status.conditions[?(@.type=="Ready")].status');
    for (const c of crds) expect(c.spec.versions[0]?.additionalPrinterColumns.at(-1)?.name).toBe('Age');
  });

  it('gives MeshGatewayInstance the defaults and bounds of docs/gateway.md §1.4', () => {
    const spec = rootSchema('MeshGatewayInstance').properties?.['spec']?.properties ?? {};
    expect(spec['replicas']).toMatchObject({ type: 'integer', format: 'int32', default: 1, minimum: 1 });
    expect(spec['serviceType']).toMatchObject({ type: 'string', default: 'LoadBalancer', enum: ['LoadBalancer', 'ClusterIP', 'NodePort'] });
    expect(problems('MeshGatewayInstance', { spec: { replicas: 0 } })).toEqual(['<root>.spec.replicas: below 1']);
    expect(problems('MeshGatewayInstance', { spec: { serviceType: 'ExternalName' } })).toHaveLength(1);
    expect(problems('MeshGatewayInstance', { spec: { replicas: '2' } })).toEqual(['<root>.spec.replicas: must be of type integer']);
  });
});

// The schema must never be the reason a manifest that the decoder (and Kuma) accepts fails.
describe('every spec the decoder accepts passes the CRD schema', () => {
  const repo = path.resolve(import.meta.dirname, '..', '..');
  const specOf = (doc: Record<string, unknown>): Record<string, unknown> => {
    const { type: _t, name: _n, mesh: _m, labels: _l, creationTime: _c, modificationTime: _mt, ...spec } = doc;
    return spec;
  };
  const universal = (file: string): Record<string, unknown>[] =>
    parseAllDocuments(readFileSync(file, 'utf8')).flatMap((d) => {
      const v = d.toJS() as Record<string, unknown> | null;
      if (!v) return [];
      return Array.isArray(v['resources']) ? (v['resources'] as Record<string, unknown>[]) : [v];
    });
  const dirs = ['src/api/testdata', 'src/gateway/testdata', 'examples/universal'].map((d) => path.join(repo, d));
  const files = dirs.flatMap((d) => {
    try {
      return readdirSync(d).filter((f) => f.endsWith('.yaml') && !f.endsWith('.out.yaml')).map((f) => path.join(d, f));
    } catch {
      return [];
    }
  });
  const KINDS: readonly ResourceKindName[] = ['Mesh', 'Dataplane', 'MeshGateway', 'MeshGatewayRoute', 'TrafficPermission', 'ExternalService'];
  const cases = files.flatMap((f) =>
    universal(f)
      .filter((doc) => KINDS.includes(doc['type'] as ResourceKindName))
      .map((doc, i) => [`${path.relative(repo, f)}#${i}`, doc['type'] as ResourceKindName, specOf(doc)] as const),
  );

  it('the resources of the api and gateway test fixtures and the examples', () => {
    const accepted = cases.filter(([, kind, spec]) => parseSpec(kind, spec).ok);
    expect(accepted.length).toBeGreaterThan(100);
    const rejected = accepted.flatMap(([name, kind, spec]) =>
      problems(kind, { ...(kind === 'Mesh' ? {} : { mesh: 'default' }), spec }).map((p) => `${name}: ${p}`),
    );
    expect(rejected).toEqual([]);
  });

  const kumaSpellings: readonly [string, ResourceKindName, Record<string, unknown>][] = [
    [
      'numeric enums and quoted integers',
      'MeshGateway',
      {
        selectors: [{ match: { 'kuma.io/service': 'gw' } }],
        conf: { listeners: [{ port: '8443', protocol: 5, tls: { mode: 1, certificates: [{ secret: 'cert' }] }, cross_mesh: false }] },
      },
    ],
    [
      'snake_case fields throughout a route',
      'MeshGatewayRoute',
      {
        selectors: [{ match: { 'kuma.io/service': 'gw' } }],
        conf: {
          http: {
            rules: [
              {
                matches: [{ path: { match: 1, value: '/a' }, query_parameters: [{ match: 'REGEX', name: 'q', value: '.*' }], method: 3 }],
                filters: [{ request_header: { set: [{ name: 'a', value: 'b' }] } }, { rewrite: { replace_prefix_match: '/', host_to_backend_hostname: true } }],
                backends: [{ weight: '10', destination: { 'kuma.io/service': 'web' } }],
              },
            ],
          },
        },
      },
    ],
    ['a gateway dataplane with a numeric type', 'Dataplane', { networking: { address: '10.0.0.1', gateway: { type: 1, tags: { 'kuma.io/service': 'gw' } } } }],
    ['a mesh with snake_case mTLS fields', 'Mesh', { mtls: { enabled_backend: 'ca', backends: [{ name: 'ca', type: 'builtin', mode: 1, dp_cert: { rotation: { expiration: '1d' } } }] } }],
  ];

  it.each(kumaSpellings)('%s', (_name, kind, spec) => {
    expect(parseSpec(kind, spec)).toMatchObject({ ok: true });
    expect(problems(kind, { ...(kind === 'Mesh' ? {} : { mesh: 'default' }), spec })).toEqual([]);
  });

  it('a full MeshGatewayInstance', () => {
    const spec = {
      replicas: 2,
      serviceType: 'NodePort',
      resources: { limits: { cpu: 1, memory: '512Mi' }, requests: { cpu: '50m' } },
      serviceTemplate: { metadata: { annotations: { a: 'b' }, labels: { l: 'v' } }, spec: { loadBalancerIP: '10.0.0.9' } },
      podTemplate: {
        metadata: { labels: { team: 'edge' } },
        spec: { serviceAccountName: 'gw', securityContext: { fsGroup: 5678 }, container: { securityContext: { readOnlyRootFilesystem: true } } },
      },
      tags: { team: 'edge' },
    };
    expect(parseMeshGatewayInstanceSpec(spec)).toMatchObject({ ok: true });
    expect(problems('MeshGatewayInstance', { spec })).toEqual([]);
  });

  it('still rejects what no decoder accepts: unknown fields, unknown enum values, wrong types', () => {
    const gw = (listener: Record<string, unknown>) => ({ mesh: 'default', spec: { conf: { listeners: [listener] } } });
    expect(problems('MeshGateway', gw({ port: 80, protocol: 'HTTP', hostnme: 'x' }))).toEqual(['<root>.spec.conf.listeners[0].hostnme: unknown field']);
    expect(problems('MeshGateway', gw({ port: 80, protocol: 'UDP' }))).toEqual(['<root>.spec.conf.listeners[0].protocol: "UDP" is not one of the enum values']);
    expect(problems('MeshGateway', gw({ port: 80, protocol: 2 }))).toHaveLength(1);
    expect(problems('MeshGateway', gw({ port: 'eighty', protocol: 'HTTP' }))).toHaveLength(1);
    expect(problems('MeshGateway', gw({ port: 80, protocol: 'HTTP', crossMesh: 'yes' }))).toHaveLength(1);
  });
});

describe('rendered YAML', () => {
  it('reads back as the same objects under kubectl’s YAML 1.1', () => {
    const docs = parseAllDocuments(renderCrdManifest(), { version: '1.1' }).map((d) => d.toJS() as unknown);
    expect(docs).toEqual(JSON.parse(JSON.stringify(crds)));
  });

  it('names files kuma.io_<plural>.yaml, one CRD each, sorted', () => {
    const files = renderCrdFiles();
    expect(files.map((f) => f.fileName)).toEqual([
      'kuma.io_circuitbreakers.yaml',
      'kuma.io_dataplanes.yaml',
      'kuma.io_externalservices.yaml',
      'kuma.io_faultinjections.yaml',
      'kuma.io_healthchecks.yaml',
      'kuma.io_meshes.yaml',
      'kuma.io_meshgatewayinstances.yaml',
      'kuma.io_meshgatewayroutes.yaml',
      'kuma.io_meshgateways.yaml',
      'kuma.io_proxytemplates.yaml',
      'kuma.io_ratelimits.yaml',
      'kuma.io_retries.yaml',
      'kuma.io_timeouts.yaml',
      'kuma.io_trafficlogs.yaml',
      'kuma.io_trafficpermissions.yaml',
      'kuma.io_traffictraces.yaml',
      'kuma.io_zoneingresses.yaml',
      'kuma.io_zoneinsights.yaml',
      'kuma.io_zones.yaml',
    ]);
    for (const f of files) expect((parse(f.content, { version: '1.1' }) as CustomResourceDefinition).metadata.name.endsWith('.kuma.io')).toBe(true);
  });

  it('stays far below the 256 KiB that client-side kubectl apply can annotate', () => {
    for (const f of renderCrdFiles()) expect(JSON.stringify(parse(f.content)).length, f.fileName).toBeLessThan(128 * 1024);
  });

  it('is deterministic', () => {
    expect(renderCrdManifest()).toBe(renderCrdManifest(desiredCrds()));
  });
});
