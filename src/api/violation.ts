/** One user mistake found by a validator: where it is and what is wrong. */
export interface Violation {
  /** Field path in Kuma's notation: `.name` for fields, `[i]` for list items, `["key"]` for map keys. */
  readonly field: string;
  /** Stable, user-facing message (docs/gateway.md §4 gives the exact strings). */
  readonly message: string;
}

/** Result of parsing or validating user input: every violation at once, never a throw. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly violations: readonly Violation[] };

/** A successful result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** A failed result carrying every violation found. */
export function fail<T>(violations: readonly Violation[]): Result<T> {
  return { ok: false, violations };
}
