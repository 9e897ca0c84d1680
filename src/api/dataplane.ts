import type { Tags } from './tags.js';

/** `networking.gateway.type`: DELEGATED (0, the default) or BUILTIN (1). */
export type GatewayType = 'DELEGATED' | 'BUILTIN';

/** One inbound of a sidecar Dataplane: the service it exposes and where. */
export interface DataplaneInbound {
  /** Proxy port: where the mesh reaches this inbound (EDS endpoints use this port). */
  readonly port: number;
  /** Application port behind the proxy; defaults to `port`. */
  readonly servicePort?: number;
  readonly serviceAddress?: string;
  readonly address?: string;
  readonly tags: Tags;
  readonly health?: { readonly ready?: boolean };
}

/** One outbound of a Dataplane (a service it calls through its sidecar). */
export interface DataplaneOutbound {
  readonly port: number;
  readonly address?: string;
  readonly tags?: Tags;
}

/** `networking.gateway` of a gateway Dataplane (gateway.md §1.3). */
export interface DataplaneGateway {
  readonly type: GatewayType;
  readonly tags: Tags;
}

/** Spec of a Dataplane resource. */
export interface DataplaneSpec {
  readonly networking: {
    readonly address: string;
    readonly advertisedAddress?: string;
    readonly inbound?: readonly DataplaneInbound[];
    readonly outbound?: readonly DataplaneOutbound[];
    readonly gateway?: DataplaneGateway;
    readonly transparentProxying?: Readonly<Record<string, unknown>>;
    readonly admin?: { readonly port?: number };
    /** Declared to be rejected on gateways (§4.4); not otherwise used. */
    readonly listeners?: readonly unknown[];
  };
  readonly probes?: Readonly<Record<string, unknown>>;
  readonly metrics?: Readonly<Record<string, unknown>>;
}
