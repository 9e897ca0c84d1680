import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { compareBytes, utf8Length } from './byte-order.js';

describe('byte order', () => {
  it('orders like the UTF-8 bytes, also across the surrogate range', () => {
    const words = ['b', 'a', 'B', '*', 'ab', '\uffff', '\u{1f600}', '\u00e9', ''];
    const byBuffer = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...words].sort(compareBytes)).toEqual(byBuffer);
  });
  it('measures UTF-8 length', () => {
    for (const s of ['', 'abc', '\u00e9', '\u20ac', '\u{1f600}x']) expect(utf8Length(s)).toBe(Buffer.byteLength(s));
  });
});
