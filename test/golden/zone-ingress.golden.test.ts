// Golden tests of the zone ingress proxy (docs/multizone.md §7.3), both layers in one file per case:
// resources -> ir.ZoneIngressProxy (src/ingress) and ir -> Envoy resources (src/xds/translator).
// Each case is test/golden/zone-ingress/<case>.in.yaml: `ingress:` (the ZoneIngress's name),
// `localZone:` and `resources:` in the gateway cases' format. Every case's resources must verify
// against the Envoy protos, reference only what exists, and be accepted by the real Envoy.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Kind, StoredResource } from '../../src/core/resource.js';
import { storedResource, type RawResource } from '../../src/gateway/testdata/load-case.js';
import { translateIngress, type IngressInput } from '../../src/ingress/translate-ingress.js';
import { encodeResource } from '../../src/xds/envoy/encode.js';
import { findEnvoyBinary } from '../../src/xds/envoy/envoy-binary.js';
import { verifyResource } from '../../src/xds/envoy/verify.js';
import { collectReferences } from '../../src/xds/translator/references.js';
import { buildIngressResources } from '../../src/xds/translator/translate-ingress.js';
import { RESOURCE_TYPE_URLS, type EnvoyResources } from '../../src/xds/translator/translate.js';
import { expectGolden, goldenCases } from '../support/golden.js';
import { deepFreeze } from '../support/deep-freeze.js';

const CASES = path.join(import.meta.dirname, 'zone-ingress');
const KINDS = Object.keys(RESOURCE_TYPE_URLS) as (keyof EnvoyResources)[];

interface RawIngressCase {
  readonly ingress: string;
  readonly localZone: string;
  readonly resources: readonly RawResource[];
}

function ingressInput(raw: RawIngressCase): IngressInput {
  const all = raw.resources.map((r) => storedResource<Kind>(r));
  const of = <K extends Kind>(kind: K) => all.filter((r) => r.kind === kind) as StoredResource<K>[];
  const ingress = of('ZoneIngress').find((i) => i.name === raw.ingress);
  if (!ingress) throw new Error(`case has no ZoneIngress named ${raw.ingress}`);
  const meshes = new Map(of('Mesh').map((m) => [m.name, { dataplanes: of('Dataplane').filter((d) => d.mesh === m.name), routes: of('MeshGatewayRoute').filter((r) => r.mesh === m.name), gateways: of('MeshGateway').filter((g) => g.mesh === m.name) }] as const));
  return { ingress, zone: raw.localZone, meshes };
}

function bootstrapOf(res: EnvoyResources): object {
  const endpoints = new Map(res.endpoints.map((e) => [e.name, e.resource]));
  const clusters = res.clusters.map((c) => {
    const { eds_cluster_config: _eds, ...rest } = c.resource as Record<string, unknown>;
    return { ...rest, type: 'STATIC', load_assignment: endpoints.get(c.name) };
  });
  return { node: { id: 'portico-validate', cluster: 'portico-validate' }, static_resources: { listeners: res.listeners.map((l) => l.resource), clusters } };
}

describe('zone ingress golden cases', () => {
  const cases = goldenCases(CASES);
  const envoy = findEnvoyBinary();
  const dir = mkdtempSync(path.join(tmpdir(), 'portico-ingress-golden-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has cases, and an Envoy to load them into', () => {
    expect(cases.length).toBeGreaterThanOrEqual(2);
    expect(envoy, 'run envoy/install.sh').toBeDefined();
  });

  for (const c of cases) {
    describe(c.name, () => {
      const input = deepFreeze(ingressInput(c.input as RawIngressCase));
      const proxy = translateIngress(input);
      const resources = buildIngressResources(proxy);

      it('matches the golden output, and a second run is identical', () => {
        expectGolden(c, { ir: proxy, xds: resources });
        expect(translateIngress(input)).toEqual(proxy);
      });

      it('emits only known fields, and every reference resolves', () => {
        for (const kind of KINDS) {
          for (const r of resources[kind]) expect(verifyResource(RESOURCE_TYPE_URLS[kind], r.resource), `${kind} ${r.name}`).toEqual([]);
        }
        const refs = collectReferences(resources);
        expect([...refs.sdsNames]).toEqual([]);
        const clusters = new Set(resources.clusters.map((r) => r.name));
        for (const [cluster, eds] of Object.entries(refs.edsNamesByCluster)) {
          expect(clusters.has(cluster)).toBe(true);
          expect(resources.endpoints.some((e) => e.name === eds), eds).toBe(true);
        }
      });

      it('is accepted by the real Envoy', () => {
        const file = path.join(dir, `${c.name}.pb`);
        writeFileSync(file, encodeResource('type.googleapis.com/envoy.config.bootstrap.v3.Bootstrap', bootstrapOf(resources)));
        const run = spawnSync(envoy!, ['--mode', 'validate', '-c', file, '--log-level', 'error'], { encoding: 'utf8', timeout: 60_000 });
        expect(`${run.stdout}${run.stderr}`).toMatch(/configuration '.*' OK/);
        expect(run.status).toBe(0);
      });
    });
  }
});
