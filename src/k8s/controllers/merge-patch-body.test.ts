import { describe, expect, it } from 'vitest';
import { jsonEqual, replacingPatch } from './merge-patch-body.js';

describe('replacingPatch', () => {
  it('nulls keys that are not desired, recurses into objects and replaces lists', () => {
    const current = { a: 1, b: { c: 2, d: 3, gone: null }, list: [{ x: 1, y: 2 }], stale: 'x', absent: undefined };
    const desired = { a: 2, b: { c: 2 }, list: [{ x: 1 }], added: { z: true } };
    expect(replacingPatch(current, desired)).toEqual({ stale: null, a: 2, b: { d: null, c: 2 }, list: [{ x: 1 }], added: { z: true } });
  });

  it('returns the desired value when either side is not an object', () => {
    expect(replacingPatch(undefined, { a: 1 })).toEqual({ a: 1 });
    expect(replacingPatch({ a: 1 }, ['x'])).toEqual(['x']);
  });
});

describe('jsonEqual', () => {
  it('ignores key order and undefined members, not list order', () => {
    expect(jsonEqual({ a: 1, b: [1, 2], c: undefined }, { b: [1, 2], a: 1 })).toBe(true);
    expect(jsonEqual({ b: [2, 1] }, { b: [1, 2] })).toBe(false);
    expect(jsonEqual(undefined, {})).toBe(false);
    expect(jsonEqual([], [])).toBe(true);
  });
});
