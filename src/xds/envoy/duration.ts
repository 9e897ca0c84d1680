// google.protobuf.Duration in protobufjs `fromObject` form. protobufjs has no JSON mapping for
// Duration ("5s" is rejected by fromObject), so every builder goes through these helpers and all
// durations have one shape: both `seconds` and `nanos`, always present.

/** A Duration message in fromObject form. */
export interface DurationObject {
  readonly seconds: number;
  readonly nanos: number;
}

const NANOS_PER_SECOND = 1_000_000_000;

/**
 * A Duration of `value` seconds; fractions are kept to the nanosecond (`0.5` gives 500000000
 * nanos). Negative or non-finite values are a programming error, so they throw.
 */
export function durationOf(value: number): DurationObject {
  if (!Number.isFinite(value) || value < 0) throw new Error(`invalid duration ${value}s`);
  const whole = Math.floor(value);
  const nanos = Math.round((value - whole) * NANOS_PER_SECOND);
  // Rounding can carry a full second (e.g. 1.9999999999s).
  return nanos === NANOS_PER_SECOND ? { seconds: whole + 1, nanos: 0 } : { seconds: whole, nanos };
}

/** A Duration of `ms` milliseconds, computed without floating-point drift for whole milliseconds. */
export function durationOfMillis(ms: number): DurationObject {
  if (!Number.isInteger(ms) || ms < 0) return durationOf(ms / 1000);
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}
