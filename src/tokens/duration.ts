// Token validity as Kuma's CLI and REST API write it (`24h`, `30m`, `1h30m`, `8760h`, `1.5h`): the
// syntax is Go's time.ParseDuration (api/go-duration.ts); a validity must also be positive and a
// whole number of seconds, so anything finer is refused rather than rounded.
import { parseGoDuration } from '../api/go-duration.js';

/** Seconds in `text`, or a message saying what is wrong with it. */
export function parseDuration(text: string): { readonly ok: true; readonly seconds: number } | { readonly ok: false; readonly message: string } {
  const bad = { ok: false as const, message: `invalid duration ${JSON.stringify(text)}: use a number with a unit (h, m, s), e.g. 24h, 30m, 8760h` };
  // A sign makes sense for Go durations in general, never for a validity.
  const parsed = /^[+-]/.test(text) ? undefined : parseGoDuration(text);
  if (!parsed?.ok) return bad;
  const rounded = Math.round(parsed.ms * 1e3) / 1e6;
  if (!Number.isInteger(rounded)) return { ok: false, message: `invalid duration ${JSON.stringify(text)}: must be a whole number of seconds` };
  if (rounded <= 0) return { ok: false, message: `invalid duration ${JSON.stringify(text)}: must be longer than 0s` };
  return { ok: true, seconds: rounded };
}
