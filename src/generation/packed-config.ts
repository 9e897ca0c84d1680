// A SharedConfig as it crosses a thread boundary: every byte array copied into one ArrayBuffer
// that is transferred, not cloned (cloning a pooled Buffer would copy its whole pool, and
// thousands of small arrays would cost thousands of copies), plus plain descriptors.
import type { SnapshotResource, SnapshotType } from '../xds/cache/snapshot.js';
import type { SharedConfig } from './gateway-generation.js';
import type { ListenerTemplate } from './listener-address.js';

type Span = readonly [offset: number, length: number];

interface PackedType {
  readonly typeUrl: string;
  readonly version: string;
  readonly totalBytes: number;
  readonly duplicateNames: readonly string[];
  readonly resources: ReadonlyArray<readonly [name: string, version: string, span: Span]>;
}

interface PackedListener {
  readonly name: string;
  readonly head: Span;
  readonly body: Span;
  readonly bodyVersion: string;
  readonly address: ListenerTemplate['address'];
}

/** Structured-clone-friendly form of a SharedConfig; `buffer` goes in the transfer list. */
export interface PackedConfig {
  readonly buffer: ArrayBuffer;
  readonly types: readonly PackedType[];
  readonly listeners: readonly PackedListener[];
  readonly identitySecret?: string;
}

/** Copies every byte array of `config` into one buffer. */
export function packConfig(config: SharedConfig): PackedConfig {
  let size = 0;
  for (const type of config.types.values()) for (const r of type.resources.values()) size += r.bytes.byteLength;
  for (const l of config.listeners) size += l.head.byteLength + l.body.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  const put = (bytes: Uint8Array): Span => {
    out.set(bytes, at);
    at += bytes.byteLength;
    return [at - bytes.byteLength, bytes.byteLength];
  };
  const types = [...config.types.values()].map((t) => ({
    typeUrl: t.typeUrl,
    version: t.version,
    totalBytes: t.totalBytes,
    duplicateNames: t.duplicateNames,
    resources: [...t.resources.values()].map((r) => [r.name, r.version, put(r.bytes)] as const),
  }));
  const listeners = config.listeners.map((l) => ({ name: l.name, head: put(l.head), body: put(l.body), bodyVersion: l.bodyVersion, address: l.address }));
  return { buffer: out.buffer, types, listeners, ...(config.identitySecret ? { identitySecret: config.identitySecret } : {}) };
}

/** The SharedConfig a PackedConfig stands for; byte arrays are views of its buffer. */
export function unpackConfig(packed: PackedConfig): SharedConfig {
  const view = ([offset, length]: Span) => new Uint8Array(packed.buffer, offset, length);
  const types = new Map<string, SnapshotType>();
  for (const t of packed.types) {
    const resources = new Map<string, SnapshotResource>();
    for (const [name, version, span] of t.resources) {
      const bytes = view(span);
      resources.set(name, Object.freeze({ typeUrl: t.typeUrl, name, version, bytes, any: Object.freeze({ type_url: t.typeUrl, value: bytes }) }));
    }
    types.set(t.typeUrl, Object.freeze({ typeUrl: t.typeUrl, version: t.version, resources, totalBytes: t.totalBytes, duplicateNames: t.duplicateNames }));
  }
  const listeners = packed.listeners.map((l) => ({ name: l.name, head: view(l.head), body: view(l.body), bodyVersion: l.bodyVersion, address: l.address }));
  return { types, listeners, ...(packed.identitySecret ? { identitySecret: packed.identitySecret } : {}) };
}
