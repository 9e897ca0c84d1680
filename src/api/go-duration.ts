// Durations as Kuma's API and kumactl write them: Go's `time.ParseDuration` syntax, a sequence of
// decimal numbers each with a unit (`24h`, `8760h`, `1h30m`, `1.5h`, `90s`). Units: ns, us (µs),
// ms, s, m, h; no days, as in Go. A sign is accepted as Go does, so the caller decides whether a
// negative or zero duration makes sense.

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/** Milliseconds of a Go duration, or a message saying why the text is not one. */
export function parseGoDuration(text: string): { ok: true; ms: number } | { ok: false; message: string } {
  const invalid = { ok: false as const, message: `invalid duration ${JSON.stringify(text)}: use a number and a unit (ns, us, ms, s, m, h), e.g. 24h or 1h30m` };
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return { ok: true, ms: 0 };
  if (rest === '') return invalid;
  let total = 0;
  while (rest !== '') {
    const part = PART.exec(rest);
    if (!part?.[1] || !part[2]) return invalid;
    total += Number(part[1]) * (UNIT_MS[part[2]] ?? Number.NaN);
    rest = rest.slice(part[0].length);
  }
  return Number.isFinite(total) ? { ok: true, ms: sign * total } : invalid;
}
