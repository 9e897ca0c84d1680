import { describe, expect, it } from 'vitest';
import { parseGoDuration } from './go-duration.js';

describe('parseGoDuration', () => {
  it.each([
    ['24h', 24 * 3_600_000],
    ['8760h', 8760 * 3_600_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['90s', 90_000],
    ['250ms', 250],
    ['1500us', 1.5],
    ['0', 0],
    ['-2m', -120_000],
  ])('reads %s', (text, ms) => {
    expect(parseGoDuration(text)).toEqual({ ok: true, ms });
  });

  it.each(['', '24', 'h', '1d', '1 h', '1h 30m', 'tomorrow', '-', '1e3s'])('refuses %j with a hint', (text) => {
    expect(parseGoDuration(text)).toEqual({ ok: false, message: `invalid duration ${JSON.stringify(text)}: use a number and a unit (ns, us, ms, s, m, h), e.g. 24h or 1h30m` });
  });
});
