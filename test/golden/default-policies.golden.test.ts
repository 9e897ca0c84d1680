// Side by side with Kuma (issue 11, docs/gateway.md §2.16 "No policies"): a new mesh's gateway output
// with the default policies Portico creates with every Mesh. Kuma 2.x, run on the same manifests
// with the same Envoy, gives every gateway route `timeout: 15s` and 5 retries on
// gateway-error,connect-failure,refused-stream of 16 s each, every cluster thresholds of 1,024 and
// an upstream idle timeout of 3,600 s, and TCP proxies 5 connect attempts. The table below holds
// those values; the golden file holds the whole output, so that any other change shows up too.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialPolicies } from '../../src/api/mesh-default-policies.js';
import { parseResourceDocument } from '../../src/api/resource-document.js';
import { toInput } from '../../src/api-server/resource-form.js';
import type { ResourceInput, StoredResource } from '../../src/core/resource.js';
import { buildStored } from '../../src/core/stored-resource.js';
import { proxyEnvoyResources } from '../../src/runtime/proxy-resources.js';
import { expectGolden, goldenCases } from '../support/golden.js';

const AT = '2024-01-01T00:00:00.000Z';
const stored = (input: ResourceInput): StoredResource => buildStored(input, { spec: input.spec, labels: input.labels, version: '1', creationTime: AT, modificationTime: AT });

/** The case's resources plus the defaults the REST API creates with the Mesh. */
function newMeshResources(raw: { resources: unknown[] }): StoredResource[] {
  const resources = raw.resources.map((doc, i) => {
    const parsed = parseResourceDocument(doc);
    if (!parsed.ok) throw new Error(`resource ${i}: ${JSON.stringify(parsed.violations)}`);
    return stored(toInput(parsed.value));
  });
  const defaults = initialPolicies('default', {}).map((p) => stored({ kind: p.kind, mesh: 'default', name: p.name, spec: p.spec } as ResourceInput));
  return [...resources, ...defaults];
}

type Json = Record<string, unknown>;

/** The value at a dotted path ('a.b.0.c'). */
function at(value: unknown, dotted: string): unknown {
  let v = value;
  for (const key of dotted.split('.')) v = v === null || typeof v !== 'object' ? undefined : (v as Json)[key];
  return v;
}

const seconds = (s: number, nanos = 0) => ({ seconds: s, nanos });
const CASES = path.join(import.meta.dirname, 'default-policies');

describe("a new mesh's gateway with its default policies, beside Kuma's", () => {
  const [c] = goldenCases(CASES);
  const result = proxyEnvoyResources(newMeshResources(c!.input as { resources: unknown[] }), 'default', 'edge-1', new Map());
  if (!result.ok) throw new Error(result.message);
  const { clusters, listeners, routes } = result.resources;
  const cluster = (name: string) => clusters.find((x) => x.name.startsWith(name))!.resource as Json;
  const route = at((routes[0]!.resource as Json), 'virtual_hosts.0.routes.0.route') as Json;
  const tcpProxy = at(listeners.find((l) => l.name === 'edge:TCP:9000')!.resource, 'filter_chains.0.filters.0.typed_config') as Json;

  it.each<[string, () => unknown, unknown]>([
    ['route timeout', () => route['timeout'], seconds(15)],
    ['route retry_on', () => at(route, 'retry_policy.retry_on'), 'gateway-error,connect-failure,refused-stream'],
    ['route num_retries', () => at(route, 'retry_policy.num_retries'), { value: 5 }],
    ['route per_try_timeout', () => at(route, 'retry_policy.per_try_timeout'), seconds(16)],
    ['route back-off base', () => at(route, 'retry_policy.retry_back_off.base_interval'), seconds(0, 25_000_000)],
    ['route back-off max', () => at(route, 'retry_policy.retry_back_off.max_interval'), seconds(0, 250_000_000)],
    ['cluster connect_timeout', () => cluster('web')['connect_timeout'], seconds(5)],
    ['cluster thresholds', () => at(cluster('web'), 'circuit_breakers.thresholds.0'), { priority: 'DEFAULT', max_connections: { value: 1024 }, max_pending_requests: { value: 1024 }, max_requests: { value: 1024 }, max_retries: { value: 3 } }],
    ['TCP cluster thresholds', () => at(cluster('db'), 'circuit_breakers.thresholds.0.max_connections'), { value: 1024 }],
    ['tcp_proxy max_connect_attempts', () => tcpProxy['max_connect_attempts'], { value: 5 }],
  ])('%s', (_, actual, kuma) => {
    expect(actual()).toEqual(kuma);
  });

  it('upstream HTTP idle timeout 3600s on the HTTP cluster; no detector enforced (Kuma 2.5 output)', () => {
    expect(JSON.stringify(cluster('web')['typed_extension_protocol_options'])).toContain('"common_http_protocol_options":{"idle_timeout":{"seconds":3600,"nanos":0}}');
    const outlier = cluster('web')['outlier_detection'] as Json;
    for (const field of ['enforcing_consecutive_5xx', 'enforcing_consecutive_gateway_failure', 'enforcing_consecutive_local_origin_failure', 'enforcing_success_rate', 'enforcing_failure_percentage']) {
      expect(outlier[field], field).toEqual({ value: 0 });
    }
  });

  it('whole output matches the golden file', () => {
    expectGolden(c!, { listeners: listeners.map((l) => l.resource), routes: routes.map((r) => r.resource), clusters: clusters.map((x) => x.resource) });
  });

  it('the golden file is the one case of this directory', () => {
    expect(readFileSync(c!.inputPath, 'utf8')).toContain('default policies');
    expect(goldenCases(CASES).length).toBe(1);
  });
});
