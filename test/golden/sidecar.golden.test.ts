// Golden tests of the sidecar profile (docs/mesh-mtls.md §4, §7, §8), both layers in one file per case:
// resources -> ir.Sidecar (src/sidecar) and ir -> Envoy resources (src/xds/translator). Each case
// is test/golden/sidecar/<case>.in.yaml in the gateway cases' format (`proxy:` and `resources:`,
// PEM fixtures from src/gateway/testdata/pem); the output holds the IR and every xDS type, or the
// error that keeps the proxy on its last configuration. Every case's resources must survive an
// encode/decode round trip, reference only what exists (the per-proxy identity secret aside), and
// be accepted by the real Envoy in validate mode.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Kind, StoredResource } from '../../src/core/resource.js';
import { gatewayInput, storedResource, type RawCase } from '../../src/gateway/testdata/load-case.js';
import { crossMeshEndpoints } from '../../src/gateway/cross-mesh-endpoints.js';
import type { Sidecar } from '../../src/ir/sidecar.js';
import type { SidecarInput } from '../../src/sidecar/sidecar-input.js';
import { translateSidecar } from '../../src/sidecar/translate-sidecar.js';
import { encodeResource } from '../../src/xds/envoy/encode.js';
import { findEnvoyBinary } from '../../src/xds/envoy/envoy-binary.js';
import { verifyResource } from '../../src/xds/envoy/verify.js';
import { buildIdentitySecret } from '../../src/xds/translator/mesh-tls.js';
import { buildAccessLogSinkCluster } from '../../src/xds/translator/access-log.js';
import { collectReferences } from '../../src/xds/translator/references.js';
import { buildSidecarResources } from '../../src/xds/translator/translate-sidecar.js';
import { RESOURCE_TYPE_URLS, type EnvoyResources } from '../../src/xds/translator/translate.js';
import { expectGolden, goldenCases } from '../support/golden.js';
import { deepFreeze } from '../support/deep-freeze.js';

const CASES = path.join(import.meta.dirname, 'sidecar');
const PEM = path.join(import.meta.dirname, '../../src/gateway/testdata/pem');
const KINDS = Object.keys(RESOURCE_TYPE_URLS) as (keyof EnvoyResources)[];

/** The SidecarInput of a case: the gateway loader's resources and mesh CAs, plus every Mesh. */
function sidecarInput(raw: RawCase): SidecarInput {
  const gw = gatewayInput(raw);
  const meshes = new Map(raw.resources.filter((r) => r.type === 'Mesh').map((r) => [r.name, storedResource<'Mesh'>(r)] as [string, StoredResource<'Mesh'>]));
  const dataplanes = raw.resources.filter((r) => r.type === 'Dataplane').map((r) => storedResource<Kind>(r) as StoredResource<'Dataplane'>);
  const gateways = raw.resources.filter((r) => r.type === 'MeshGateway').map((r) => storedResource<Kind>(r) as StoredResource<'MeshGateway'>);
  const others = [...meshes.keys()].filter((m) => m !== gw.mesh.name);
  return {
    crossMeshEndpoints: new Map(others.map((m) => [m, crossMeshEndpoints(gateways.filter((g) => g.mesh === m), dataplanes.filter((d) => d.mesh === m))])),
    mesh: gw.mesh,
    proxy: gw.proxy,
    dataplanes: dataplanes.filter((d) => d.mesh === gw.mesh.name),
    trafficPermissions: raw.resources
      .filter((r) => r.type === 'TrafficPermission')
      .map((r) => storedResource<'TrafficPermission'>(r))
      .filter((p) => p.mesh === gw.mesh.name),
    externalServices: gw.externalServices ?? [],
    secrets: gw.secrets,
    meshCas: gw.meshCas!,
    meshes,
    ...(gw.policies ? { policies: gw.policies } : {}),
    ...(gw.trafficTraces ? { trafficTraces: gw.trafficTraces } : {}),
    tlsReadyServices: new Set(raw.tlsReadyServices ?? []),
    ...(gw.zoneIngresses ? { zoneIngresses: gw.zoneIngresses } : {}),
    ...(gw.localZone !== undefined ? { localZone: gw.localZone } : {}),
  };
}

/** The per-proxy identity secret, which generation adds: any key pair lets Envoy load the contexts. */
function identitySecret(sidecar: Sidecar): object[] {
  if (!sidecar.mtls) return [];
  const pem = readFileSync(path.join(PEM, 'example-rsa.pem'), 'utf8');
  const key = pem.slice(0, pem.indexOf('-----BEGIN CERTIFICATE-----'));
  return [buildIdentitySecret(sidecar.mtls.identitySecret, pem.slice(key.length), key)];
}

/** Static SDS references (validate mode has no ADS) and inline endpoints. */
function bootstrapOf(res: EnvoyResources, extraSecrets: object[]): object {
  const endpoints = new Map(res.endpoints.map((e) => [e.name, e.resource]));
  const staticRefs = (v: object) =>
    JSON.parse(JSON.stringify(v), (key: string, x: unknown) => {
      if (key === 'tls_certificate_sds_secret_configs' && Array.isArray(x)) return x.map((c: { name: string }) => ({ name: c.name }));
      if (key === 'validation_context_sds_secret_config') return { name: (x as { name: string }).name };
      return x;
    }) as object;
  const clusters = res.clusters.map((c) => {
    const cluster = c.resource as Record<string, unknown>;
    if (cluster['type'] !== 'EDS') return staticRefs(cluster);
    const { eds_cluster_config: _eds, ...rest } = cluster;
    return staticRefs({ ...rest, type: 'STATIC', load_assignment: endpoints.get(c.name) });
  });
  return {
    node: { id: 'portico-validate', cluster: 'portico-validate' },
    // The dataplane agent adds its access log sink to every bootstrap (src/cli/access-log-sink.ts).
    static_resources: { listeners: res.listeners.map((l) => staticRefs(l.resource)), clusters: [...clusters, buildAccessLogSinkCluster('/tmp/portico-validate-access-log.sock')], secrets: [...res.secrets.map((s) => s.resource), ...extraSecrets] },
  };
}

describe('sidecar golden cases', () => {
  const cases = goldenCases(CASES);
  const envoy = findEnvoyBinary();
  const dir = mkdtempSync(path.join(tmpdir(), 'portico-sidecar-golden-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has cases, and an Envoy to load them into', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
    expect(envoy, 'run envoy/install.sh').toBeDefined();
  });

  for (const c of cases) {
    describe(c.name, () => {
      const input = deepFreeze(sidecarInput(c.input as RawCase));
      const translation = translateSidecar(input);
      const resources = translation.sidecar ? buildSidecarResources(translation.sidecar) : undefined;

      it('matches the golden output, and a second run is identical', () => {
        expectGolden(c, translation.sidecar ? { ir: translation.sidecar, xds: resources } : { error: translation.error });
        expect(translateSidecar(input)).toEqual(translation);
      });

      if (!resources || !translation.sidecar) return;
      const sidecar = translation.sidecar;

      it('emits only known fields, and every reference resolves', () => {
        for (const kind of KINDS) {
          for (const r of resources[kind]) expect(verifyResource(RESOURCE_TYPE_URLS[kind], r.resource), `${kind} ${r.name}`).toEqual([]);
        }
        const refs = collectReferences(resources);
        const secrets = new Set([...resources.secrets.map((s) => s.name), ...(sidecar.mtls ? [sidecar.mtls.identitySecret] : [])]);
        for (const name of refs.sdsNames) expect(secrets.has(name), name).toBe(true);
        const clusters = new Set(resources.clusters.map((r) => r.name));
        for (const [cluster, eds] of Object.entries(refs.edsNamesByCluster)) {
          expect(clusters.has(cluster)).toBe(true);
          expect(resources.endpoints.some((e) => e.name === eds), eds).toBe(true);
        }
      });

      it('is accepted by the real Envoy', () => {
        const bootstrap = bootstrapOf(resources, identitySecret(sidecar));
        const file = path.join(dir, `${c.name}.pb`);
        writeFileSync(file, encodeResource('type.googleapis.com/envoy.config.bootstrap.v3.Bootstrap', bootstrap));
        const run = spawnSync(envoy!, ['--mode', 'validate', '-c', file, '--log-level', 'error'], { encoding: 'utf8', timeout: 60_000 });
        expect(`${run.stdout}${run.stderr}`).toMatch(/configuration '.*' OK/);
        expect(run.status).toBe(0);
      });
    });
  }
});
