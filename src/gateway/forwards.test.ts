import { describe, expect, it } from 'vitest';
import type { Forward } from '../ir/gateway.js';
import { collapseForwards, effectiveWeights, PlainForwards } from './forwards.js';

const d = { 'kuma.io/service': 's' };

describe('effective weights [D1]', () => {
  it('keeps explicit weights', () => {
    expect(effectiveWeights([{ weight: 90, destination: d }, { weight: 10, destination: d }])).toEqual([90, 10]);
  });
  it('counts an absent weight as 1', () => {
    expect(effectiveWeights([{ destination: d }, { destination: d }, { weight: 5, destination: d }])).toEqual([1, 1, 5]);
  });
  it('keeps an explicit 0 (no traffic) when another backend has weight', () => {
    expect(effectiveWeights([{ destination: d }, { weight: 0, destination: d }])).toEqual([1, 0]);
  });
  it('counts each backend as 1 when every backend is 0', () => {
    expect(effectiveWeights([{ weight: 0, destination: d }, { weight: 0, destination: d }])).toEqual([1, 1]);
    expect(effectiveWeights([{ weight: 0, destination: d }])).toEqual([1]);
  });
  it('has no weights without backends', () => {
    expect(effectiveWeights([])).toEqual([]);
  });
});

describe('collapseForwards (docs/gateway.md §2.9)', () => {
  it('gives one mesh-cluster forward per cluster, ascending name, the last weight winning', () => {
    expect(
      collapseForwards([
        { cluster: 'b', weight: 5, meshCluster: true },
        { cluster: 'a', weight: 3, meshCluster: true },
        { cluster: 'b', weight: 7, meshCluster: true },
      ]),
    ).toEqual([
      { cluster: 'a', weight: 3, meshCluster: true },
      { cluster: 'b', weight: 7, meshCluster: true },
    ]);
  });

  it('collapses short and long lists alike (insertion up to 8 items, sorting beyond)', () => {
    // Reference: the last weight per cluster through a Map, names in byte order.
    const reference = (items: Forward[]) =>
      [...new Map(items.map((i) => [i.cluster, i.weight])).entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([cluster, weight]) => ({ cluster, weight, meshCluster: true }));
    for (const length of [0, 1, 2, 3, 8, 9, 30]) {
      const items = Array.from({ length }, (_, i) => ({ cluster: `c${(i * 7) % 5}`, weight: i, meshCluster: true }));
      expect(collapseForwards(items)).toEqual(reference(items));
    }
  });
});

describe('PlainForwards', () => {
  const f = (cluster: string, weight: number): Forward => ({ cluster, weight, meshCluster: true });

  it('gives rules that forward alike one shared action', () => {
    const shared = new PlainForwards();
    const first = shared.action([f('a', 90), f('b', 10)], false);
    expect(first).toEqual({ kind: 'forward', forwards: [f('a', 90), f('b', 10)], autoHostRewrite: false });
    expect(shared.action([f('a', 90), f('b', 10)], false)).toBe(first);
  });

  it('gives any other content its own action, the first one made staying shared', () => {
    const shared = new PlainForwards();
    const first = shared.action([f('a', 90), f('b', 10)], false);
    for (const [forwards, auto] of [
      [[f('a', 90), f('b', 20)], false],
      [[f('a', 90), f('c', 10)], false],
      [[f('a', 90)], false],
      [[f('a', 90), f('b', 10)], true],
      [[{ ...f('a', 90), meshCluster: false }, f('b', 10)], false],
    ] as const) {
      const action = shared.action(forwards, auto);
      expect(action).not.toBe(first);
      expect(action).toEqual({ kind: 'forward', forwards, autoHostRewrite: auto });
    }
    expect(shared.action([f('a', 90), f('b', 10)], false)).toBe(first);
    expect(shared.action([], false)).toEqual({ kind: 'forward', forwards: [], autoHostRewrite: false });
  });
});
