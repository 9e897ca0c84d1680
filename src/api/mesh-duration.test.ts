import { describe, expect, it } from 'vitest';
import { parseMeshDuration } from './mesh-duration.js';

describe('parseMeshDuration', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['1d', 86_400_000],
    ['10y', 10 * 365 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['24h', 86_400_000],
    ['1m', 60_000],
    ['30s', 30_000],
    ['500ms', 500],
  ])('reads %s', (text, ms) => {
    expect(parseMeshDuration(text)).toBe(ms);
  });

  it.each(['', '1d12h', '1.5h', '-1d', 'd', '1', '0s0', '1 d', '1D', '99999999999999999999y'])('refuses %j', (text) => {
    expect(parseMeshDuration(text)).toBeUndefined();
  });
});
