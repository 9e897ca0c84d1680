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
//
// Empty defaults of the normalised shape (tags {}, lists [], hostname '', crossMesh false) may be
// left out; testdata/load-case.ts fills them. The output <case>.out.yaml is `{gateway, problems}`
// as translateGateway returns it (no `gateway` when no MeshGateway matches). Every run deep-freezes
// the input, so a mutation throws, translates twice to check the output is identical, and checks
// the IR invariants (referenced clusters exist, names unique, documented orders hold).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../test/support/deep-freeze.js';
import { expectGolden, goldenCases } from '../../test/support/golden.js';
import type { Gateway } from '../ir/gateway.js';
import { UNRESOLVED_BACKEND } from '../ir/names.js';
import { compareBytes } from './byte-order.js';
import { gatewayInput, type RawCase } from './testdata/load-case.js';
import { translateGateway } from './translate-gateway.js';

/** True when the list is strictly ascending under `compare` (so also free of duplicates). */
function strictlyAscending<T>(items: readonly T[], compare: (a: T, b: T) => number): boolean {
  return items.every((item, i) => i === 0 || compare(items[i - 1] as T, item) < 0);
}

/** The IR invariants every translation must satisfy, whatever the case. */
function expectInvariants(gw: Gateway): void {
  const clusters = new Set(gw.clusters.map((c) => c.name));
  expect(strictlyAscending(gw.clusters.map((c) => c.name), compareBytes)).toBe(true);
  expect(strictlyAscending(gw.listeners.map((l) => l.port), (a, b) => a - b)).toBe(true);
  for (const listener of gw.listeners) {
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
      expectGolden(c, first);
    });
  }
});
