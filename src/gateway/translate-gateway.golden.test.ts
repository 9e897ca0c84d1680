// Golden tests of resources -> IR. Each case is src/gateway/testdata/<case>.in.yaml:
//
//   proxy: <name of the BUILTIN gateway Dataplane being configured>
//   resources:              # the mesh, in any order, universal form (type, mesh, name on top)
//   - {type: Mesh, name: default}
//   - type: MeshGateway
//     mesh: default         # optional, default "default"
//     name: edge
//     creationTime: 2024-01-01T00:00:00.000Z   # optional, that value by default
//     selectors: [...]      # spec fields in the normalised camelCase shape of src/api
//     conf: {...}
//   - {type: Secret, name: tls, data: {pem: example-rsa.pem}}   # PEM fixtures: testdata/pem
//   files:                  # optional: certificate files as the runtime read them
//     /etc/tls/a.pem: {content: {pem: example-ecdsa.pem}}      # or {error: <read error>}
//
// Empty defaults of the normalised shape (tags {}, lists [], hostname '', crossMesh false) may be
// left out; testdata/load-case.ts fills them and resolves PEM fixture references. The output
// <case>.out.yaml is `{gateway, failed, problems}` as translateGateway returns it (no `gateway`
// when no MeshGateway matches or generation failed). Every run deep-freezes the input, so a
// mutation throws, translates twice to check the output is identical, and checks the IR
// invariants (referenced clusters exist, names unique, documented orders hold, each protocol's
// group shape is what the xDS translator expects, one secret name carries one PEM).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../test/support/deep-freeze.js';
import { expectGolden, goldenCases } from '../../test/support/golden.js';
import type { Gateway, Listener, TlsCertificate } from '../ir/gateway.js';
import { UNRESOLVED_BACKEND } from '../ir/names.js';
import { compareBytes } from '../core/byte-order.js';
import { compareGroupOrder } from './hostname-match.js';
import { gatewayInput, type RawCase } from './testdata/load-case.js';
import { translateGateway } from './translate-gateway.js';

/** True when the list is strictly ascending under `compare` (so also free of duplicates). */
function strictlyAscending<T>(items: readonly T[], compare: (a: T, b: T) => number): boolean {
  return items.every((item, i) => i === 0 || compare(items[i - 1] as T, item) < 0);
}

/** The group shape each protocol needs (docs/gateway.md §2.6, §2.10, §2.13, §2.14). */
function expectGroupShapes(listener: Listener, clusters: ReadonlySet<string>): void {
  const groups = listener.hostnameGroups;
  const single = listener.protocol === 'HTTP' || listener.protocol === 'TCP';
  if (single) expect(groups.map((g) => g.hostname)).toEqual(['*']);
  expect(groups.length).toBeGreaterThan(0);
  expect(strictlyAscending(groups.map((g) => g.hostname), compareGroupOrder)).toBe(true);
  const tcp = listener.protocol === 'TCP' || listener.protocol === 'TLS';
  for (const group of groups) {
    expect(group.routeTable === undefined).toBe(tcp);
    expect(group.tcpForwards === undefined).toBe(!tcp);
    expect(group.tls === undefined).toBe(single);
    if (group.routeTable) expect(group.routeTable.name).toBe(`${listener.name}:${group.hostname}`);
    if (listener.protocol === 'HTTPS') expect(group.tls?.mode).toBe('TERMINATE');
    if (group.tls?.mode === 'TERMINATE') expect(group.tls.certificates.length).toBeGreaterThan(0);
    if (group.tls?.mode === 'PASSTHROUGH') expect(group.tls.certificates).toEqual([]);
    const names = (group.tls?.certificates ?? []).map((c) => c.secretName);
    expect(new Set(names).size).toBe(names.length);
    const forwards = (group.tcpForwards ?? []).map((f) => f.cluster);
    expect(forwards.every((name, i) => i === 0 || compareBytes(forwards[i - 1] as string, name) <= 0)).toBe(true);
    for (const name of forwards) expect(clusters.has(name), name).toBe(true);
  }
}

/** One secret name carries one PEM across the whole gateway (Envoy gets one Secret per name). */
function expectConsistentSecrets(gw: Gateway): void {
  const byName = new Map<string, TlsCertificate>();
  for (const group of gw.listeners.flatMap((l) => l.hostnameGroups)) {
    for (const certificate of group.tls?.certificates ?? []) {
      const seen = byName.get(certificate.secretName) ?? certificate;
      expect(certificate, certificate.secretName).toEqual(seen);
      byName.set(certificate.secretName, seen);
    }
  }
}

/** The IR invariants every translation must satisfy, whatever the case. */
function expectInvariants(gw: Gateway): void {
  const clusters = new Set(gw.clusters.map((c) => c.name));
  expect(strictlyAscending(gw.clusters.map((c) => c.name), compareBytes)).toBe(true);
  expect(strictlyAscending(gw.listeners.map((l) => l.port), (a, b) => a - b)).toBe(true);
  expectConsistentSecrets(gw);
  for (const listener of gw.listeners) {
    expectGroupShapes(listener, clusters);
    for (const group of listener.hostnameGroups) {
      const hosts = group.routeTable?.virtualHosts ?? [];
      expect(strictlyAscending(hosts.map((h) => h.hostname), (a, b) => compareBytes(b, a))).toBe(true);
      for (const host of hosts) {
        expect(host.routes.length).toBeGreaterThan(0);
        for (const route of host.routes) {
          if (route.action.kind !== 'forward') continue;
          const names = route.action.forwards.map((f) => f.cluster);
          expect(strictlyAscending(names, compareBytes)).toBe(true);
          const mirror = route.action.mirror ? [route.action.mirror.cluster] : [];
          for (const name of [...names, ...mirror]) {
            if (name !== UNRESOLVED_BACKEND) expect(clusters.has(name), name).toBe(true);
          }
        }
      }
    }
  }
}

const DIR = path.join(import.meta.dirname, 'testdata');

describe('translateGateway golden cases', () => {
  const cases = goldenCases(DIR);
  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });
  for (const c of cases) {
    it(c.name, () => {
      const input = deepFreeze(gatewayInput(c.input as RawCase));
      const first = translateGateway(input);
      const second = translateGateway(input);
      expect(second).toEqual(first);
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      if (first.gateway) expectInvariants(first.gateway);
      // A failed generation returns no IR at all, and says why.
      if (first.failed) {
        expect(first.gateway).toBeUndefined();
        expect(first.problems.length).toBeGreaterThan(0);
      }
      expectGolden(c, first);
    });
  }
});
