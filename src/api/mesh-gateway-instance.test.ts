// docs/gateway.md §1.4 (spec, defaults) and §4.5 (webhook rules) for MeshGatewayInstance.
import { describe, expect, it } from 'vitest';
import { parseMeshGatewayInstanceSpec } from './mesh-gateway-instance.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseMeshGatewayInstanceSpec(spec);
  return r.ok ? [] : r.violations;
}

describe('MeshGatewayInstance', () => {
  it('defaults replicas to 1, serviceType to LoadBalancer and tags to none', () => {
    expect(parseMeshGatewayInstanceSpec({})).toEqual({ ok: true, value: { replicas: 1, serviceType: 'LoadBalancer', tags: {} } });
    expect(parseMeshGatewayInstanceSpec(undefined)).toMatchObject({ ok: true, value: { replicas: 1 } });
  });

  it('keeps every field of a full spec, in declaration order', () => {
    const spec = {
      tags: { team: 'edge' },
      podTemplate: {
        metadata: { annotations: { a: 'b' }, labels: { l: 'v' } },
        spec: { serviceAccountName: 'gw', securityContext: { fsGroup: 5678 }, container: { securityContext: { readOnlyRootFilesystem: true } } },
      },
      serviceTemplate: { metadata: { labels: { x: 'y' } }, spec: { loadBalancerIP: '10.0.0.9' } },
      resources: { limits: { cpu: 2, memory: '512Mi' }, requests: { cpu: '50m', 'ephemeral-storage': '1G' }, claims: [{ name: 'gpu' }] },
      serviceType: 'NodePort',
      replicas: 3,
    };
    const r = parseMeshGatewayInstanceSpec(spec);
    expect(r).toEqual({ ok: true, value: spec });
    expect(r.ok && Object.keys(r.value)).toEqual(['replicas', 'serviceType', 'resources', 'serviceTemplate', 'podTemplate', 'tags']);
  });

  it.each<[string, unknown, Violation[]]>([
    ['kuma.io/service in tags (docs/gateway.md §4.5)', { tags: { 'kuma.io/service': 'x' } }, [{ field: 'tags', message: '"kuma.io/service" must not be defined' }]],
    [
      'an invalid tag value',
      { tags: { team: 'a/b' } },
      [{ field: 'tags["team"]', message: 'tag value must consist of alphanumeric characters, dots, dashes and underscores' }],
    ],
    ['an empty tag value', { tags: { team: '' } }, [{ field: 'tags["team"]', message: 'tag value must be non-empty' }]],
    ['zero replicas', { replicas: 0 }, [{ field: 'replicas', message: 'must be in the range [1, 2147483647]' }]],
    ['a fractional replica count', { replicas: 1.5 }, [{ field: 'replicas', message: 'must be an integer' }]],
    ['an unknown service type', { serviceType: 'ExternalName' }, [{ field: 'serviceType', message: 'must be one of "LoadBalancer", "ClusterIP", "NodePort"' }]],
    ['an unknown field', { replica: 2 }, [{ field: 'replica', message: 'unknown field "replica"' }]],
    ['a snake_case spelling (Kubernetes shapes have one spelling)', { service_type: 'NodePort' }, [{ field: 'service_type', message: 'unknown field "service_type"' }]],
    ['an unknown pod template field', { podTemplate: { spec: { nodeName: 'n1' } } }, [{ field: 'podTemplate.spec.nodeName', message: 'unknown field "nodeName"' }]],
    [
      'malformed resources',
      { resources: { limits: { cpu: 'lots' }, requests: [], claims: [{ request: 'r' }, 'x'], maximum: {} } },
      [
        { field: 'resources.limits["cpu"]', message: 'must be a quantity such as 500m, 64Mi or 2' },
        { field: 'resources.requests', message: 'must be a map' },
        { field: 'resources.claims[0].name', message: 'cannot be empty' },
        { field: 'resources.claims[1]', message: 'must be an object' },
        { field: 'resources.maximum', message: 'unknown field "maximum"' },
      ],
    ],
    ['resources that are not an object', { resources: 'big' }, [{ field: 'resources', message: 'must be an object' }]],
  ])('rejects %s', (_name, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });

  it('reports every violation at once, decode errors first', () => {
    expect(violationsOf({ replicas: 'two', tags: { 'kuma.io/service': 'x', '': 'y' } })).toEqual([
      { field: 'replicas', message: 'must be an integer' },
      { field: 'tags', message: 'tag name must be non-empty' },
      { field: 'tags', message: '"kuma.io/service" must not be defined' },
    ]);
  });
});
