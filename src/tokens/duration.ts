// Durations the way Kuma's CLI and REST API write them (Go's time.ParseDuration): a sequence of
// decimal numbers with units, `24h`, `30m`, `1h30m`, `8760h`, `1.5h`. Token validity is whole
// seconds, so anything finer is refused rather than rounded.

const UNIT_SECONDS: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001, 'µs': 0.000001, ns: 0.000000001 };

/** Seconds in `text`, or a message saying what is wrong with it. */
export function parseDuration(text: string): { readonly ok: true; readonly seconds: number } | { readonly ok: false; readonly message: string } {
  const bad = { ok: false as const, message: `invalid duration ${JSON.stringify(text)}: use a number with a unit (h, m, s), e.g. 24h, 30m, 8760h` };
  if (!/^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:h|m|s|ms|us|µs|ns))+$/.test(text)) return bad;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/g)) seconds += Number(amount) * (UNIT_SECONDS[unit ?? ''] ?? Number.NaN);
  const rounded = Math.round(seconds * 1e6) / 1e6;
  if (!Number.isInteger(rounded)) return { ok: false, message: `invalid duration ${JSON.stringify(text)}: must be a whole number of seconds` };
  if (rounded <= 0) return { ok: false, message: `invalid duration ${JSON.stringify(text)}: must be longer than 0s` };
  return { ok: true, seconds: rounded };
}
