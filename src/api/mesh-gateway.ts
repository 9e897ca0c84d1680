import type { Selector, Tags } from './tags.js';

/** Listener protocol; NONE is rejected by validation (value 2, formerly UDP, is reserved). */
export type ListenerProtocol = 'NONE' | 'TCP' | 'TLS' | 'HTTP' | 'HTTPS';

/** TLS mode of a listener. */
export type TlsMode = 'NONE' | 'TERMINATE' | 'PASSTHROUGH';

/** A certificate data source: exactly one of the four fields is set. */
export interface DataSource {
  readonly secret?: string;
  readonly file?: string;
  /** Base64 of the PEM bytes (Kuma's `inline`). */
  readonly inline?: string;
  readonly inlineString?: string;
}

/** TLS settings of a listener (gateway.md §1.1). */
export interface ListenerTls {
  readonly mode: TlsMode;
  readonly certificates: readonly DataSource[];
  readonly options?: Readonly<Record<string, never>>;
}

/** One listener of a MeshGateway. */
export interface MeshGatewayListener {
  readonly port: number;
  readonly protocol: ListenerProtocol;
  /** As written; empty means any name. The effective hostname is `hostname || '*'`. */
  readonly hostname: string;
  readonly tls?: ListenerTls;
  readonly tags: Tags;
  readonly crossMesh: boolean;
  readonly resources?: { readonly connectionLimit?: number };
}

/** Spec of a MeshGateway resource. */
export interface MeshGatewaySpec {
  readonly selectors: readonly Selector[];
  readonly tags: Tags;
  /** Absent when the user wrote no `conf` (validation reports it). */
  readonly conf?: { readonly listeners: readonly MeshGatewayListener[] };
}
