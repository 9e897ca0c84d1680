// Golden tests of the whole IR -> Envoy translation, plus the invariants every snapshot must hold:
// strict fields and a lossless round trip per resource, parent/child consistency, unique sorted
// names, identical bytes on a second run, and no mutation of the (deep-frozen) IR.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as ir from '../../ir/gateway.js';
import { deepFreeze } from '../../../test/support/deep-freeze.js';
import { expectGolden, goldenCases } from '../../../test/support/golden.js';
import { encodeResource } from '../envoy/encode.js';
import { verifyResource } from '../envoy/verify.js';
import { HTTP_CONNECTION_MANAGER_TYPE_NAME } from './http-connection-manager.js';
import { collectReferences } from './references.js';
import { TCP_PROXY_TYPE_NAME } from './tcp-proxy.js';
import {
  buildEnvoyResources,
  buildListeners,
  buildSharedResources,
  emptyGatewayResources,
  RESOURCE_TYPE_URLS,
  type EnvoyResources,
} from './translate.js';

const TESTDATA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');
const UNRESOLVED_BACKEND = 'kuma.io/unresolved-backend';
const KINDS = Object.keys(RESOURCE_TYPE_URLS) as (keyof EnvoyResources)[];

/** Input of a golden case: the IR and the replica address. */
interface CaseInput {
  readonly address: string;
  readonly ir: ir.Gateway;
}

/** The case input, checked just enough that a malformed file fails with a clear message. */
function caseInput(name: string, input: unknown): CaseInput {
  const i = input as Partial<CaseInput> | undefined;
  if (typeof i?.address !== 'string' || !Array.isArray(i.ir?.listeners) || !Array.isArray(i.ir?.clusters)) {
    throw new Error(`golden case ${name}: input needs "address: <ip>" and "ir: <ir.Gateway>"`);
  }
  return deepFreeze(i as CaseInput);
}

type Obj = Record<string, unknown>;
const field = (v: unknown, key: string): unknown => (v as Obj | undefined)?.[key];
const list = (v: unknown, key: string): unknown[] => (field(v, key) as unknown[] | undefined) ?? [];

/** The name each resource type carries inside itself (EDS uses `cluster_name`). */
function innerName(kind: keyof EnvoyResources, resource: object): unknown {
  return kind === 'endpoints' ? field(resource, 'cluster_name') : field(resource, 'name');
}

/** Clusters referenced by a route configuration: weighted cluster items and mirrors. */
function routeClusters(routeConfig: object): string[] {
  return list(routeConfig, 'virtual_hosts').flatMap((vh) =>
    list(vh, 'routes').flatMap((r) => {
      const action = field(r, 'route');
      return [
        ...list(field(action, 'weighted_clusters'), 'clusters').map((c) => String(field(c, 'name'))),
        ...list(action, 'request_mirror_policies').map((m) => String(field(m, 'cluster'))),
      ];
    }),
  );
}

/** Route configuration names referenced by a listener's connection managers. */
function listenerRouteNames(listener: object): string[] {
  return listenerFilterConfigs(listener, HTTP_CONNECTION_MANAGER_TYPE_NAME).map((tc) => String(field(field(tc, 'rds'), 'route_config_name')));
}

/** The typed configs of every network filter of a listener, of one proto type. */
function listenerFilterConfigs(listener: object, typeName: string): unknown[] {
  return list(listener, 'filter_chains').flatMap((chain) =>
    list(chain, 'filters')
      .map((f) => field(f, 'typed_config'))
      .filter((tc) => field(tc, '@type') === `type.googleapis.com/${typeName}`),
  );
}

/** Clusters a listener's tcp_proxy filters connect to: `cluster` or weighted items. */
function listenerTcpClusters(listener: object): string[] {
  return listenerFilterConfigs(listener, TCP_PROXY_TYPE_NAME).flatMap((tc) => {
    const single = field(tc, 'cluster');
    return single !== undefined ? [String(single)] : list(field(tc, 'weighted_clusters'), 'clusters').map((c) => String(field(c, 'name')));
  });
}

/** SDS secret names a listener's downstream TLS contexts fetch. */
function listenerSecretNames(listener: object): string[] {
  return list(listener, 'filter_chains').flatMap((chain) => {
    const tls = field(field(chain, 'transport_socket'), 'typed_config');
    return list(field(tls, 'common_tls_context'), 'tls_certificate_sds_secret_configs').map((c) => String(field(c, 'name')));
  });
}

/** Every parent/child reference must resolve, and nothing may be orphaned. */
function inconsistencies(res: EnvoyResources, perProxySecrets: readonly string[] = []): string[] {
  const names = (kind: keyof EnvoyResources) => new Set(res[kind].map((r) => r.name));
  const clusters = names('clusters');
  const endpoints = names('endpoints');
  const routes = names('routes');
  const problems: string[] = [];
  for (const r of res.routes) {
    for (const c of routeClusters(r.resource)) if (c !== UNRESOLVED_BACKEND && !clusters.has(c)) problems.push(`route ${r.name} -> missing cluster ${c}`);
  }
  for (const c of res.clusters) {
    if (field(c.resource, 'type') === 'EDS' && !endpoints.has(c.name)) problems.push(`EDS cluster ${c.name} has no assignment`);
  }
  for (const e of endpoints) if (!clusters.has(e)) problems.push(`assignment ${e} has no cluster`);
  const referenced = new Set(res.listeners.flatMap((l) => listenerRouteNames(l.resource)));
  for (const name of referenced) if (!routes.has(name)) problems.push(`listener -> missing route configuration ${name}`);
  for (const name of routes) if (!referenced.has(name)) problems.push(`route configuration ${name} is not referenced`);
  for (const l of res.listeners) {
    for (const c of listenerTcpClusters(l.resource)) if (c !== UNRESOLVED_BACKEND && !clusters.has(c)) problems.push(`listener ${l.name} -> missing cluster ${c}`);
  }
  // The proxy's own identity secret is added per proxy at generation, not built from the IR.
  const secrets = new Set([...names('secrets'), ...perProxySecrets]);
  const fetched = new Set(collectReferences(res).sdsNames);
  for (const name of fetched) if (!secrets.has(name)) problems.push(`listener or cluster -> missing secret ${name}`);
  for (const name of secrets) if (!fetched.has(name)) problems.push(`secret ${name} is not referenced`);
  return problems;
}

function encodeAll(res: EnvoyResources): Buffer[] {
  return KINDS.flatMap((kind) => res[kind].map((r) => Buffer.from(encodeResource(RESOURCE_TYPE_URLS[kind], r.resource))));
}

describe('buildEnvoyResources golden cases', () => {
  const cases = goldenCases(TESTDATA);

  it('has enough cases to cover the IR', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const c of cases) {
    describe(c.name, () => {
      const input = caseInput(c.name, c.input);
      const resources = buildEnvoyResources(input.ir, input.address);

      it('matches the golden output', () => {
        expectGolden(c, resources);
      });

      it('emits only known fields that survive an encode/decode round trip', () => {
        for (const kind of KINDS) {
          for (const r of resources[kind]) expect(verifyResource(RESOURCE_TYPE_URLS[kind], r.resource), `${kind} ${r.name}`).toEqual([]);
        }
      });

      it('names every resource like its key, uniquely and in ascending order', () => {
        for (const kind of KINDS) {
          const names = resources[kind].map((r) => r.name);
          expect(resources[kind].map((r) => innerName(kind, r.resource)), kind).toEqual(names);
          expect(names, kind).toEqual([...new Set(names)].sort());
        }
      });

      it('is consistent: every reference resolves and nothing is orphaned', () => {
        expect(inconsistencies(resources, input.ir.mtls ? [input.ir.mtls.identitySecret] : [])).toEqual([]);
        expect(resources.runtimes.map((r) => r.name)).toEqual(['gateway.listeners']);
      });

      it('gives identical bytes on a second run and when built in two parts', () => {
        const again = buildEnvoyResources(input.ir, input.address);
        expect(encodeAll(again)).toEqual(encodeAll(resources));
        const parts = { ...buildSharedResources(input.ir), listeners: buildListeners(input.ir, input.address) };
        expect(encodeAll(parts)).toEqual(encodeAll(resources));
      });
    });
  }
});

describe('emptyGatewayResources', () => {
  it('holds only the empty gateway.listeners runtime', () => {
    const res = emptyGatewayResources();
    expect(res).toEqual({
      clusters: [],
      endpoints: [],
      listeners: [],
      routes: [],
      runtimes: [{ name: 'gateway.listeners', resource: { name: 'gateway.listeners', layer: {} } }],
      secrets: [],
    });
    expect(verifyResource(RESOURCE_TYPE_URLS.runtimes, res.runtimes[0]?.resource ?? {})).toEqual([]);
  });
});
