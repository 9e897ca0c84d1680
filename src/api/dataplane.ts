import { TAGS_SCHEMA } from './common-schemas.js';
import { bool, enumeration, field, freeform, listOf, object, port, text, type ObjectSchema } from './schema.js';
import type { Tags } from './tags.js';

/** `networking.gateway.type`: DELEGATED (0, the default) or BUILTIN (1). */
export type GatewayType = 'DELEGATED' | 'BUILTIN';

/** Inbound state as in Kuma's proto: Ready (0), NotReady (1), Ignored (2). */
export type InboundState = 'Ready' | 'NotReady' | 'Ignored';

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
  readonly name?: string;
  readonly state?: InboundState;
  /** Kept as written; Portico does not probe services itself. */
  readonly serviceProbe?: Readonly<Record<string, unknown>>;
}

/** One outbound of a Dataplane (a service it calls through its sidecar). */
export interface DataplaneOutbound {
  readonly port: number;
  readonly address?: string;
  readonly tags?: Tags;
  /** Deprecated Kuma spelling of `tags: {kuma.io/service: ...}`; accepted, not interpreted. */
  readonly service?: string;
  readonly backendRef?: Readonly<Record<string, unknown>>;
}

/** `networking.gateway` of a gateway Dataplane (docs/gateway.md §1.3). */
export interface DataplaneGateway {
  readonly type: GatewayType;
  readonly tags: Tags;
}

/** Spec of a Dataplane resource. */
export interface DataplaneSpec {
  readonly networking: {
    readonly address: string;
    readonly advertisedAddress?: string;
    /** `[]` when not written. */
    readonly inbound?: readonly DataplaneInbound[];
    /** `[]` when not written. */
    readonly outbound?: readonly DataplaneOutbound[];
    readonly gateway?: DataplaneGateway;
    readonly transparentProxying?: Readonly<Record<string, unknown>>;
    readonly admin?: { readonly port?: number };
    /** Declared to be rejected on gateways (docs/gateway.md §4.4); not otherwise used. */
    readonly listeners?: readonly unknown[];
  };
  readonly probes?: Readonly<Record<string, unknown>>;
  readonly metrics?: Readonly<Record<string, unknown>>;
}

const INBOUND_SCHEMA: ObjectSchema = object('A service the dataplane exposes to the mesh.', {
  port: field(port(), 'Port the mesh reaches this inbound on.', { default: 0 }),
  servicePort: field(port(), 'Application port behind the proxy; defaults to port.'),
  serviceAddress: field(text(), 'Application address behind the proxy.'),
  address: field(text(), 'Address the inbound listens on; defaults to networking.address.'),
  tags: field(TAGS_SCHEMA, 'Tags of the service; must include kuma.io/service.', { default: {} }),
  health: field(object('Health reported by the orchestrator.', { ready: field(bool(), 'Whether the inbound is ready.') }), 'Health.'),
  name: field(text(), 'Name of the inbound.'),
  state: field(enumeration({ Ready: 0, NotReady: 1, Ignored: 2 }), 'Readiness state.'),
  serviceProbe: field(freeform(), 'Service probe settings, kept as written.'),
});

const OUTBOUND_SCHEMA: ObjectSchema = object('A service the dataplane calls through its proxy.', {
  port: field(port(), 'Local port of the outbound.', { default: 0 }),
  address: field(text(), 'Local address of the outbound.'),
  tags: field(TAGS_SCHEMA, 'Tags of the destination.'),
  service: field(text(), 'Deprecated: the destination service name.'),
  backendRef: field(freeform(), 'Reference to a backend resource, kept as written.'),
});

/** Spec schema of a Dataplane. */
export const DATAPLANE_SPEC_SCHEMA: ObjectSchema = object('A proxy and the services it exposes or fronts.', {
  networking: field(
    object('Network setup of the proxy.', {
      address: field(text(), 'Address other proxies reach this one on.', { default: '' }),
      advertisedAddress: field(text(), 'Public address, when different from address.'),
      inbound: field(listOf(INBOUND_SCHEMA), 'Services exposed by a sidecar.', { default: [] }),
      outbound: field(listOf(OUTBOUND_SCHEMA), 'Services called through the proxy.', { default: [] }),
      gateway: field(
        object('Marks the dataplane as a gateway.', {
          type: field(enumeration({ DELEGATED: 0, BUILTIN: 1 }), 'DELEGATED (default) or BUILTIN.', { default: 'DELEGATED' }),
          tags: field(TAGS_SCHEMA, 'Tags of the gateway; must include kuma.io/service when any is set.', { default: {} }),
        }),
        'Gateway settings.',
      ),
      transparentProxying: field(freeform(), 'Transparent proxy settings, kept as written.'),
      admin: field(object('Envoy admin settings.', { port: field(port(), 'Envoy admin port.') }), 'Envoy admin settings.'),
      listeners: field(listOf(freeform()), 'Extra listeners; not allowed on gateways.'),
    }),
    'Network setup of the proxy.',
    { default: {} },
  ),
  probes: field(freeform(), 'Virtual probe settings, kept as written.'),
  metrics: field(freeform(), 'Metrics backend override, kept as written.'),
});
