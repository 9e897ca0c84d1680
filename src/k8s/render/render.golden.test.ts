// Golden tests of the MeshGatewayInstance renderers. Each case is testdata/<case>.in.yaml:
//
//   instance: {name, namespace, uid?, generation?, annotations?, spec}   # spec as a user writes it
//   mesh: <resolved mesh>
//   listenerPorts: [..]            # distinct ports of the selected MeshGateway, listener order
//   existingService: {...}         # optional, as the API server returns it
//   existingDeployment: {...}      # optional
//   settings: {...}                # optional overrides of defaultGatewayPodSettings
//
// The output is `{service, deployment}`. The input is deep-frozen (a mutation throws), rendered
// twice (identical bytes), and checked for the invariants every rendering must satisfy.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../../test/support/deep-freeze.js';
import { expectGolden, goldenCases } from '../../../test/support/golden.js';
import { parseMeshGatewayInstanceSpec } from '../../api/mesh-gateway-instance.js';
import { desiredDeployment } from './deployment.js';
import {
  defaultGatewayPodSettings,
  instanceTags,
  type GatewayInstanceRenderInput,
  type GatewayPodSettings,
} from './gateway-instance-input.js';
import type { Deployment, Service } from './kube-objects.js';
import { desiredService } from './service.js';

interface RawCase {
  instance: { name: string; namespace: string; uid?: string; generation?: number; annotations?: Record<string, string>; spec?: unknown };
  mesh: string;
  listenerPorts: number[];
  existingService?: Service;
  existingDeployment?: Deployment;
  settings?: Partial<GatewayPodSettings>;
}

/** Settings every case starts from: the defaults plus fixed deployment-specific values. */
const TEST_SETTINGS: GatewayPodSettings = defaultGatewayPodSettings({
  image: 'docker.io/portico/gateway:0.1.0',
  controlPlaneUrl: 'https://portico-control-plane.portico-system:5678',
  caCert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
});

function renderInput(raw: RawCase): GatewayInstanceRenderInput {
  const parsed = parseMeshGatewayInstanceSpec(raw.instance.spec ?? {});
  if (!parsed.ok) throw new Error(`invalid spec in case: ${JSON.stringify(parsed.violations)}`);
  const { name, namespace } = raw.instance;
  return {
    instance: {
      name,
      namespace,
      uid: raw.instance.uid ?? `uid-${name}`,
      generation: raw.instance.generation ?? 1,
      annotations: raw.instance.annotations ?? {},
      spec: parsed.value,
    },
    mesh: raw.mesh,
    tags: instanceTags(name, namespace, parsed.value.tags),
    listenerPorts: raw.listenerPorts,
    ...(raw.existingService ? { existingService: raw.existingService } : {}),
    ...(raw.existingDeployment ? { existingDeployment: raw.existingDeployment } : {}),
    settings: { ...TEST_SETTINGS, ...raw.settings },
  };
}

function expectInvariants(input: GatewayInstanceRenderInput, service: Service, deployment: ReturnType<typeof desiredDeployment>): void {
  const ports = service.spec?.ports ?? [];
  expect(ports.map((p) => p.port)).toEqual(input.listenerPorts);
  expect(new Set(ports.map((p) => p.name)).size).toBe(ports.length);
  for (const obj of [service, deployment]) {
    const controllers = (obj.metadata?.ownerReferences ?? []).filter((r) => r.controller === true);
    expect(controllers).toEqual([
      expect.objectContaining({ kind: 'MeshGatewayInstance', apiVersion: 'kuma.io/v1alpha1', uid: input.instance.uid }),
    ]);
  }
  const pod = deployment.spec.template;
  expect(pod.metadata.labels['kuma.io/mesh']).toBe(input.mesh);
  const env = pod.spec.containers[0]?.env.map((e) => e.name) ?? [];
  expect(env.at(-1)).toBe('KUMA_DATAPLANE_RESOURCES_MAX_MEMORY_BYTES');
  expect(env.slice(0, -1)).toEqual([...env.slice(0, -1)].sort());
  expect(new Set(env).size).toBe(env.length);
}

const DIR = path.join(import.meta.dirname, 'testdata');

describe('MeshGatewayInstance render golden cases', () => {
  const cases = goldenCases(DIR);
  it('has the documented cases', () => {
    expect(cases.map((c) => c.name)).toEqual([
      'clusterip',
      'concurrency-annotation',
      'existing-service-ports-reused-d11',
      'loadbalancer-basic',
      'nodeport-ports-in-range-d12',
      'templates-and-resources',
    ]);
  });
  for (const c of cases) {
    it(c.name, () => {
      const input = deepFreeze(renderInput(c.input as RawCase));
      const service = desiredService(input);
      const deployment = desiredDeployment(input);
      expect(JSON.stringify(desiredService(input))).toBe(JSON.stringify(service));
      expect(JSON.stringify(desiredDeployment(input))).toBe(JSON.stringify(deployment));
      expectInvariants(input, service, deployment);
      expectGolden(c, { service, deployment });
    });
  }
});
