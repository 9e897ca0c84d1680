import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { compareBytes, sortByBytes, utf8Length } from './byte-order.js';

describe('byte order', () => {
  it('orders like the UTF-8 bytes, also across the surrogate range', () => {
    const words = ['b', 'a', 'B', '*', 'ab', '\uffff', '\u{1f600}', '\u00e9', ''];
    const byBuffer = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...words].sort(compareBytes)).toEqual(byBuffer);
  });
  it('sorts by key in byte order, stably, with and without non-ASCII keys', () => {
    const ascii = ['b', 'a', 'B', '*', 'ab', 'a', ''].map((k, i) => ({ k, i }));
    const mixed = [...ascii, ...['\uffff', '\u{1f600}', '\u00e9'].map((k, i) => ({ k, i: 100 + i }))];
    for (const items of [ascii, mixed]) {
      const expected = [...items].sort((x, y) => Buffer.compare(Buffer.from(x.k), Buffer.from(y.k)) || x.i - y.i);
      expect(sortByBytes([...items], (x) => x.k)).toEqual(expected);
    }
  });
  it('measures UTF-8 length', () => {
    for (const s of ['', 'abc', '\u00e9', '\u20ac', '\u{1f600}x']) expect(utf8Length(s)).toBe(Buffer.byteLength(s));
  });
});
