// Runs the real Envoy in `--mode validate` on a static bootstrap holding each golden case's
// output, so that every field Portico emits is checked by Envoy's own config validation. Routes are
// inlined as `route_config`, endpoints as `load_assignment` (static clusters) and SDS secrets as
// `static_resources.secrets` (referenced by name without `sds_config`) because a validating Envoy
// has no xDS server to fetch them from; Envoy then parses every certificate and key. Missing Envoy
// is a failure, never a skip.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type * as ir from '../../ir/gateway.js';
import { goldenCases } from '../../../test/support/golden.js';
import { encodeResource } from '../envoy/encode.js';
import { findEnvoyBinary } from '../envoy/envoy-binary.js';
import { typeUrlOf } from '../envoy/type-urls.js';
import { verifyResource } from '../envoy/verify.js';
import { buildAccessLogSinkCluster } from './access-log.js';
import { HTTP_CONNECTION_MANAGER_TYPE_NAME } from './http-connection-manager.js';
import { buildIdentitySecret } from './mesh-tls.js';
import { buildEnvoyResources, type EnvoyResources } from './translate.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BOOTSTRAP_TYPE_URL = typeUrlOf('envoy.config.bootstrap.v3.Bootstrap');

/** The Envoy binary (xds/envoy/envoy-binary.ts), or a failure naming the install script: never a skip. */
function requireEnvoy(found: string | undefined): string {
  if (!found) throw new Error('no Envoy binary found: run envoy/install.sh (or set ENVOY_BIN to an Envoy 1.40 binary)');
  return found;
}

type Obj = Record<string, unknown>;

/** A listener whose connection managers carry their route configuration inline instead of RDS. */
function inlineRoutes(listener: object, routes: ReadonlyMap<string, object>): object {
  const copy = structuredClone(listener) as Obj;
  for (const chain of (copy.filter_chains as Obj[] | undefined) ?? []) {
    for (const filter of (chain.filters as Obj[] | undefined) ?? []) {
      const config = filter.typed_config as Obj;
      if (config['@type'] !== typeUrlOf(HTTP_CONNECTION_MANAGER_TYPE_NAME)) continue;
      const { rds, ...rest } = config;
      const name = String((rds as Obj).route_config_name);
      const routeConfig = routes.get(name);
      if (!routeConfig) throw new Error(`route configuration ${name} is missing`);
      filter.typed_config = { ...rest, route_config: routeConfig };
    }
  }
  return copy;
}

/** An EDS cluster turned static, with its assignment inline; other clusters (external ones) as they are. */
function inlineEndpoints(cluster: object, assignment: object | undefined): object {
  // Clusters with their own endpoints (collectors) keep their type: STRICT_DNS must stay one.
  if ((cluster as Obj)['type'] !== 'EDS') return cluster;
  const { eds_cluster_config: _eds, type: _type, ...rest } = cluster as Obj;
  return { ...rest, type: 'STATIC', ...(assignment ? { load_assignment: assignment } : {}) };
}

/**
 * A copy of `value` in which every SDS certificate reference names a static secret: without
 * `sds_config` Envoy looks the name up in `static_resources.secrets` and fails when it is absent.
 */
function staticSecretReferences(value: object): object {
  return JSON.parse(JSON.stringify(value), (key: string, v: unknown) => {
    if (key === 'tls_certificate_sds_secret_configs' && Array.isArray(v)) return v.map((c: Obj) => ({ name: c.name }));
    if (key === 'validation_context_sds_secret_config') return { name: (v as Obj).name };
    return v;
  }) as object;
}

/**
 * The proxy's own certificate, which generation adds per proxy (it is not in the IR): any key and
 * certificate pair lets Envoy load the TLS contexts that name it.
 */
function identitySecretOf(gw: ir.Gateway): object[] {
  if (!gw.mtls) return [];
  const pem = readFileSync(path.join(HERE, '../../gateway/testdata/pem/example-rsa.pem'), 'utf8');
  const key = pem.slice(0, pem.indexOf('-----BEGIN CERTIFICATE-----'));
  return [buildIdentitySecret(gw.mtls.identitySecret, pem.slice(key.length), key)];
}

/** A static bootstrap holding every resource of one case. */
function bootstrapOf(res: EnvoyResources, extraSecrets: readonly object[] = []): object {
  const routes = new Map(res.routes.map((r) => [r.name, r.resource]));
  const endpoints = new Map(res.endpoints.map((e) => [e.name, e.resource]));
  const runtime = res.runtimes[0]?.resource as Obj | undefined;
  return {
    node: { id: 'portico-validate', cluster: 'portico-validate' },
    static_resources: {
      listeners: res.listeners.map((l) => staticSecretReferences(inlineRoutes(l.resource, routes))),
      // The dataplane agent adds its access log sink to every bootstrap (src/cli/access-log-sink.ts).
      clusters: [...res.clusters.map((c) => staticSecretReferences(inlineEndpoints(c.resource, endpoints.get(c.name)))), buildAccessLogSinkCluster('/tmp/portico-validate-access-log.sock')],
      secrets: [...res.secrets.map((s) => s.resource), ...extraSecrets],
    },
    layered_runtime: { layers: [{ name: 'gateway.listeners', static_layer: runtime?.layer ?? {} }] },
  };
}

describe('requireEnvoy', () => {
  it('fails, never skips, when no Envoy binary can be found', () => {
    expect(() => requireEnvoy(undefined)).toThrow(/run envoy\/install\.sh/);
  });
});

describe('Envoy accepts the golden outputs', () => {
  const envoy = requireEnvoy(findEnvoyBinary());
  const dir = mkdtempSync(path.join(tmpdir(), 'portico-envoy-validate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Envoy's validation of one bootstrap: exit status and combined output. */
  function validate(name: string, bootstrap: object): { status: number | null; output: string } {
    expect(verifyResource(BOOTSTRAP_TYPE_URL, bootstrap)).toEqual([]);
    // A `.pb` path makes Envoy parse the exact bytes Portico would send, not a JSON rendering.
    const file = path.join(dir, `${name}.pb`);
    writeFileSync(file, encodeResource(BOOTSTRAP_TYPE_URL, bootstrap));
    const run = spawnSync(envoy, ['--mode', 'validate', '-c', file, '--log-level', 'error'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.error).toBeUndefined();
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  }

  for (const c of goldenCases(path.join(HERE, 'testdata'))) {
    it(c.name, () => {
      const input = c.input as { address: string; ir: ir.Gateway };
      const run = validate(c.name, bootstrapOf(buildEnvoyResources(input.ir, input.address), identitySecretOf(input.ir)));
      expect(run.output).toMatch(/configuration '.*' OK/);
      expect(run.status, run.output).toBe(0);
    });
  }

  it('rejects a broken configuration (the harness is not vacuous)', () => {
    const input = goldenCases(path.join(HERE, 'testdata')).find((c) => c.name === 'route-matching')?.input as { address: string; ir: ir.Gateway };
    const res = buildEnvoyResources(input.ir, input.address);
    const broken = JSON.parse(JSON.stringify(res.routes).replace('/users/[0-9]+/orders', '/users/(')) as EnvoyResources['routes'];
    const run = validate('broken', bootstrapOf({ ...res, routes: broken }));
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/missing \)|regex/i);
  });

  /** The resources of one golden case by name. */
  function caseResources(name: string): EnvoyResources {
    const input = goldenCases(path.join(HERE, 'testdata')).find((c) => c.name === name)?.input as { address: string; ir: ir.Gateway };
    return buildEnvoyResources(input.ir, input.address);
  }

  it('rejects a secret whose private key does not parse (certificates are really loaded)', () => {
    const res = caseResources('https-two-hostnames-sni');
    const broken = res.secrets.map((s) => ({ name: s.name, resource: JSON.parse(JSON.stringify(s.resource).replace(/(PRIVATE KEY-----\\n)MII/, '$1XYZ')) as object }));
    const run = validate('broken-key', bootstrapOf({ ...res, secrets: broken }));
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/Failed to load private key/);
  });

  it('rejects a listener whose referenced secret is missing (references are really resolved)', () => {
    const res = caseResources('tls-terminate');
    const run = validate('missing-secret', bootstrapOf({ ...res, secrets: res.secrets.slice(1) }));
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/Unknown static secret: cert\.ecdsa:secret:example-com-ecdsa/);
  });
});
