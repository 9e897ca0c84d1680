// Random messages in protobufjs fromObject form, generated from the protobufjs reflection of any
// type, for property tests of the encoders. Values are always valid (no unknown names, no oneof
// conflicts, no unpaired surrogates) but cover every form encodeResource accepts: enums by name and
// by number, 64-bit integers as numbers and decimal strings, bytes as Uint8Array and base64, Any
// with `@type` and as `{type_url, value}`, map keys that JavaScript orders numerically, default
// values that must still be written, strings and messages across the 1-byte length boundary.
import protobuf from 'protobufjs';

type Obj = Record<string, unknown>;

/** Options of randomMessage. */
export interface RandomMessageOptions {
  /** Message types an Any may pack (full names); the first ones are picked more often. */
  readonly anyTypes: readonly string[];
  /** Fields always generated when present in a type (by `<type full name>.<field>`). */
  readonly alwaysFields?: ReadonlySet<string>;
  /** Deepest nesting of generated messages. */
  readonly maxDepth?: number;
}

/** A small deterministic PRNG (mulberry32), so a failing seed reproduces. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['', 'a', 'x-envoy', 'route', 'ünïcødé', '日本', '🚀', 'envoy.filters.http.router', '0', '10', '2', '007', '-1', 'Z', 'a.b'];

class Generator {
  constructor(
    private readonly next: () => number,
    private readonly root: protobuf.Root,
    private readonly options: RandomMessageOptions,
  ) {}

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  string(): string {
    const lengths = [0, 1, 5, 41, 42, 43, 44, 127, 128, 200, 5000];
    if (this.chance(0.5)) return this.pick(WORDS);
    const length = this.pick(lengths);
    let s = '';
    while (s.length < length) s += this.chance(0.9) ? String.fromCharCode(97 + this.int(26)) : this.pick(['é', '€', '😀', '\u0000', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff']);
    return s;
  }

  bytes(): Uint8Array | string {
    const b = Buffer.from(Array.from({ length: this.pick([0, 1, 2, 3, 4, 130]) }, () => this.int(256)));
    return this.chance(0.5) ? new Uint8Array(b) : b.toString('base64');
  }

  int64(unsigned: boolean): number | string {
    const big = [0n, 1n, 127n, 128n, 2n ** 31n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 62n, 2n ** 63n - 1n];
    if (unsigned) big.push(2n ** 64n - 1n, 2n ** 63n);
    const magnitude = this.pick(big) + BigInt(this.int(3));
    let v = !unsigned && this.chance(0.4) ? -magnitude : magnitude;
    if (unsigned ? v >= 2n ** 64n : v >= 2n ** 63n) v = 5n;
    if (v < -(2n ** 63n)) v = -5n;
    return this.chance(0.5) && v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v.toString();
  }

  scalar(type: string): unknown {
    const int32s = [0, 1, -1, 127, 128, 300, 2 ** 31 - 1, -(2 ** 31), 16384];
    switch (type) {
      case 'string':
        return this.string();
      case 'bool':
        return this.chance(0.5);
      case 'bytes':
        return this.bytes();
      case 'double':
        return this.pick([0, -0, 1.5, -2.25, 1e300, 5e-324, Number.NaN, Number.POSITIVE_INFINITY, 0.1 + 0.2]);
      case 'float':
        return this.pick([0, 1.5, -2.25, 0.1, 3.4e38, 1e-45, Number.NaN]);
      case 'int32':
      case 'sint32':
      case 'sfixed32':
        return this.pick(int32s);
      case 'uint32':
      case 'fixed32':
        return this.pick([0, 1, 127, 128, 16384, 2 ** 32 - 1, 2 ** 31]);
      case 'int64':
      case 'sint64':
      case 'sfixed64':
        return this.int64(false);
      case 'uint64':
      case 'fixed64':
        return this.int64(true);
      default:
        throw new Error(`random scalar of type ${type}`);
    }
  }

  enumValue(e: protobuf.Enum): string | number {
    const names = Object.keys(e.values);
    if (this.chance(0.2)) return this.pick([...Object.values(e.values), 99, -3]);
    return this.pick(names);
  }

  value(field: protobuf.Field, depth: number): unknown {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) return this.message(resolved, depth + 1);
    if (resolved instanceof protobuf.Enum) return this.enumValue(resolved);
    return this.scalar(field.type);
  }

  any(depth: number): Obj {
    if (this.chance(0.15)) return { type_url: `type.googleapis.com/${this.pick(this.options.anyTypes)}`, value: this.bytes() };
    const names = this.options.anyTypes;
    const name = this.chance(0.5) ? (names[0] as string) : this.pick(names);
    const inner = this.message(this.root.lookupType(name), depth + 1);
    return { '@type': `type.googleapis.com/${name}`, ...inner };
  }

  message(type: protobuf.Type, depth: number): Obj {
    if (type.fullName === '.google.protobuf.Any') return this.any(depth);
    const out: Obj = {};
    const maxDepth = this.options.maxDepth ?? 6;
    const oneofsTaken = new Set<protobuf.OneOf>();
    const fields = type.fieldsArray.filter((f) => {
      const always = this.options.alwaysFields?.has(`${type.fullName.slice(1)}.${f.name}`) ?? false;
      return always || this.chance(Math.min(0.5, 4 / type.fieldsArray.length));
    });
    // Insertion order is random: the encoders must not depend on it.
    for (const field of fields.sort(() => this.next() - 0.5)) {
      field.resolve();
      if (field.resolvedType instanceof protobuf.Type && depth >= maxDepth) continue;
      if (field.partOf && !(field.partOf.oneof.length === 1)) {
        if (oneofsTaken.has(field.partOf)) continue;
        oneofsTaken.add(field.partOf);
      }
      if (field.map) {
        const entries: Obj = {};
        for (let i = this.int(4); i > 0; i--) entries[this.pick(WORDS)] = this.value(field, depth);
        out[field.name] = entries;
      } else if (field.repeated) {
        out[field.name] = Array.from({ length: this.int(4) }, () => this.value(field, depth));
      } else {
        out[field.name] = this.value(field, depth);
      }
    }
    return out;
  }
}

/** A random message of `type` (fromObject form) from `seed`; the same seed gives the same message. */
export function randomMessage(type: protobuf.Type, seed: number, options: RandomMessageOptions): Obj {
  return new Generator(prng(seed), type.root as protobuf.Root, options).message(type, 0);
}

/** A deep copy with every object's keys inserted in reverse order (same content, other insertion order). */
export function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const out: Obj = {};
  for (const key of Object.keys(value).reverse()) out[key] = reverseKeys((value as Obj)[key]);
  return out;
}
