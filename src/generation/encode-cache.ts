// Encoded resources by content (issue: "unchanged resources are never encoded twice, across
// identities and across generations"). The key is a hash of the type URL and the JSON text of the
// built object: builders are deterministic, so equal content built by the same code gives equal
// text. (Equal content with keys in another order only costs a second encode: the encoder
// canonicalises, so the bytes, and the version hashed from them, are still equal.)
//
// Entries are held by leases, one per generation of a configuration identity: a new generation
// takes its entries before the one it replaces lets go of its own, so shared and unchanged
// resources stay cached, and an entry no generation holds any more is dropped.
import { createHash } from 'node:crypto';
import { encodeResource } from '../xds/envoy/encode.js';
import { resourceVersion } from '../xds/cache/version.js';

/** One encoded resource: deterministic bytes and their content version. */
export interface EncodedEntry {
  readonly bytes: Uint8Array;
  /** `resourceVersion(bytes)` (no mix-in). */
  readonly version: string;
}

interface CachedEntry extends EncodedEntry {
  holders: number;
}

/** Counters for benchmarks and tests. */
export interface EncodeCacheStats {
  hits: number;
  misses: number;
  encodedBytes: number;
}

/** The entries one generation uses; release it when that generation is replaced. */
export class CacheLease {
  readonly keys = new Set<string>();
  released = false;
}

/** Content-addressed encode cache shared by every identity of the process. */
export class EncodeCache {
  private readonly entries = new Map<string, CachedEntry>();
  readonly stats: EncodeCacheStats = { hits: 0, misses: 0, encodedBytes: 0 };

  /** The encoded form of `object`, encoding it only when no generation holds equal content. */
  encode(typeUrl: string, object: object, lease: CacheLease): EncodedEntry {
    const key = createHash('sha256').update(typeUrl).update('\0').update(JSON.stringify(object)).digest('base64');
    let entry = this.entries.get(key);
    if (entry) {
      this.stats.hits += 1;
    } else {
      const bytes = encodeResource(typeUrl, object);
      entry = { bytes, version: resourceVersion(bytes), holders: 0 };
      this.entries.set(key, entry);
      this.stats.misses += 1;
      this.stats.encodedBytes += bytes.byteLength;
    }
    if (!lease.keys.has(key)) {
      lease.keys.add(key);
      entry.holders += 1;
    }
    return entry;
  }

  /** Lets go of a lease's entries; entries nobody holds any more are dropped. Idempotent. */
  release(lease: CacheLease): void {
    if (lease.released) return;
    lease.released = true;
    for (const key of lease.keys) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      entry.holders -= 1;
      if (entry.holders <= 0) this.entries.delete(key);
    }
  }

  /** Entries held right now. */
  get size(): number {
    return this.entries.size;
  }
}
