// A light simulated Envoy for the scale benchmark: one real ADS stream (delta or SotW) over TLS per
// proxy, on a gRPC channel of its own (its own TCP/TLS connection, as every Envoy has). It behaves
// like Envoy where the control plane can tell:
// - on a new stream it subscribes RTDS (the gateway bootstrap's runtime layer), CDS and LDS
//   (wildcard); clusters of type EDS make it subscribe EDS to their service names, listeners make
//   it subscribe RDS to their connection managers' route_config_name and SDS to the secrets their
//   TLS contexts name (clusters' too); names no longer referenced are unsubscribed;
// - it ACKs every response (SotW: version_info + response_nonce + its resource_names; delta:
//   response_nonce) and never NACKs;
// - a stream that ends (RESOURCE_EXHAUSTED from admission control, UNAVAILABLE when the control
//   plane dies, anything else) is retried after a jittered exponential backoff like Envoy's gRPC
//   mux: uniform in [0, min(500 ms x 2^attempt, 30 s)), the attempt count reset by a response. An
//   UNAVAILABLE stream also gets a fresh channel (a new connection is dialled at once, as Envoy's
//   connection pool does, instead of waiting out grpc-js's own reconnect backoff);
// - a new stream re-sends every subscription: delta with `initial_resource_versions` of what it
//   holds, SotW with the version it last accepted.
// It decodes only clusters and listeners, only to learn names, memoised per content version so a
// thousand proxies receiving the same cluster decode it once. test/support/ads-client.ts is the
// feature tests' client; this one exists because that one keeps every response (too much memory
// at 10,000 proxies), shares one subchannel between clients and does not retry.
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { adsPackageDefinition } from '../src/xds/server/ads-service.js';
import { CONVERSION_OPTIONS, messageType } from '../src/xds/envoy/protos.js';
import { PUSH_ORDER, TypeUrl, protoNameOf } from '../src/xds/cache/resource-types.js';
import { GATEWAY_RUNTIME_LAYER } from '../src/xds/server/bootstrap.js';

/** Which ADS method a simulated Envoy uses. */
export type SimMode = 'delta' | 'sotw';

/** Options of one simulated Envoy. */
export interface SimEnvoyOptions {
  /** `host:port` of the dataplane port. */
  readonly address: string;
  /** `<mesh>.<dataplane name>`. */
  readonly nodeId: string;
  readonly mode: SimMode;
  /** PEM CA the control plane is verified with. */
  readonly ca: string;
  /**
   * Credentials made from `ca`, shared by the clients of a process (each client still dials its
   * own connection); absent = made per client. Making them parses the CA: at thousands of clients
   * per process that alone took seconds.
   */
  readonly credentials?: grpc.ChannelCredentials;
  /** Subscribe the gateway runtime layer over RTDS, as a gateway bootstrap does (default true). */
  readonly runtime?: boolean;
  /** Backoff base and cap in ms (default 500 and 30,000: Envoy's). */
  readonly backoffBaseMs?: number;
  readonly backoffCapMs?: number;
}

/** Counters of one simulated Envoy (summed per worker). */
export interface SimStats {
  /** Streams opened (first one included). */
  streams: number;
  /** Streams refused with RESOURCE_EXHAUSTED (admission control). */
  refused: number;
  /** Streams that ended otherwise (control plane gone, ...). */
  broken: number;
  responses: number;
  /** Resources received (delta: changed ones only; SotW: every resource of every response). */
  resources: number;
  acks: number;
}

/** Learned from one cluster or listener: the EDS, RDS and SDS names it makes Envoy subscribe. */
interface References {
  readonly eds: readonly string[];
  readonly rds: readonly string[];
  readonly sds: readonly string[];
}

interface TypeTrack {
  /** Explicit names (none: wildcard). */
  names: Set<string>;
  wildcard: boolean;
  /** Name -> version held (delta: resource versions; SotW: the response's version_info). */
  held: Map<string, string>;
  /** SotW: the version last accepted. */
  accepted: string;
  nonce: string;
  /** A response of this type arrived on the current stream. */
  servedOnStream: boolean;
}

/** Envoy's default `initial_stream_window_size` and `initial_connection_window_size`. */
const ENVOY_HTTP2_WINDOW = 256 * 1024 * 1024;

type AdsCall = grpc.ClientDuplexStream<object, Record<string, unknown>>;
type AdsClientCtor = new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ClientOptions) => grpc.Client & {
  StreamAggregatedResources(): AdsCall;
  DeltaAggregatedResources(): AdsCall;
};

let ctor: AdsClientCtor | undefined;
function adsClientCtor(): AdsClientCtor {
  ctor ??= (grpc.loadPackageDefinition(adsPackageDefinition()) as unknown as {
    envoy: { service: { discovery: { v3: { AggregatedDiscoveryService: AdsClientCtor } } } };
  }).envoy.service.discovery.v3.AggregatedDiscoveryService;
  return ctor;
}

/** References by `<typeUrl> <content version>`, shared by every client of the process. */
const referenceMemo = new Map<string, References>();
const MEMO_LIMIT = 50_000;

/** Subscription order on a new stream (what a gateway Envoy asks for first). */
const FIRST_TYPES: readonly string[] = [TypeUrl.Runtime, TypeUrl.Cluster, TypeUrl.Listener];

/** A simulated Envoy on one ADS stream at a time. */
export class SimEnvoy {
  readonly stats: SimStats = { streams: 0, refused: 0, broken: 0, responses: 0, resources: 0, acks: 0 };
  private readonly tracks = new Map<string, TypeTrack>();
  /** Cluster/listener name -> what it references. */
  private readonly clusterRefs = new Map<string, References>();
  private readonly listenerRefs = new Map<string, References>();
  private client: InstanceType<AdsClientCtor> | undefined;
  private call: AdsCall | undefined;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private streamSentNode = false;
  private lastStatus: grpc.status | undefined;

  constructor(private readonly options: SimEnvoyOptions) {}

  get nodeId(): string {
    return this.options.nodeId;
  }

  /** Opens the first stream and subscribes. */
  start(): void {
    this.openStream();
  }

  /** Whether a stream is open and got at least one response. */
  get connected(): boolean {
    return this.call !== undefined && this.attempt === 0 && this.stats.responses > 0;
  }

  /** Status code of the last stream that ended (undefined while none did). */
  get lastStreamStatus(): grpc.status | undefined {
    return this.lastStatus;
  }

  /** Type URLs subscribed, and for each whether a response arrived on the current stream. */
  served(): Record<string, boolean> {
    return Object.fromEntries([...this.tracks].map(([t, track]) => [t, track.servedOnStream]));
  }

  /** What the proxy holds: type URL -> name -> version. */
  held(): Record<string, Record<string, string>> {
    return Object.fromEntries([...this.tracks].map(([t, track]) => [t, Object.fromEntries([...track.held].sort(([a], [b]) => (a < b ? -1 : 1)))]));
  }

  /** Subscribed names per type URL ('*' for wildcard). */
  subscriptions(): Record<string, string[]> {
    return Object.fromEntries([...this.tracks].map(([t, track]) => [t, track.wildcard ? ['*'] : [...track.names].sort()]));
  }

  /** Digest of `held()`: equal digests mean identical config. */
  heldDigest(): string {
    return createHash('sha256').update(JSON.stringify(this.held())).digest('hex').slice(0, 16);
  }

  /** Ends the stream and the channel; no retry follows. */
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.call?.cancel();
    this.client?.close();
    this.call = undefined;
    this.client = undefined;
  }

  private openStream(): void {
    if (this.closed) return;
    if (!this.client) {
      const Ctor = adsClientCtor();
      const credentials = this.options.credentials ?? grpc.credentials.createSsl(Buffer.from(this.options.ca));
      this.client = new Ctor(this.options.address, credentials, {
        'grpc.max_receive_message_length': 64 * 1024 * 1024,
        // One connection per proxy: without a local pool every client of the process shares one.
        'grpc.use_local_subchannel_pool': 1,
        // Envoy's HTTP/2 windows (stream and connection: 256 MiB by default, which the gateway
        // bootstrap's ADS cluster keeps). grpc-js's default of 64 KiB would make the control plane
        // wait for a WINDOW_UPDATE in the middle of every response larger than that.
        'grpc-node.flow_control_window': ENVOY_HTTP2_WINDOW,
      });
    }
    const call = this.options.mode === 'delta' ? this.client.DeltaAggregatedResources() : this.client.StreamAggregatedResources();
    this.call = call;
    this.streamSentNode = false;
    this.stats.streams += 1;
    for (const track of this.tracks.values()) {
      track.servedOnStream = false;
      track.nonce = '';
    }
    call.on('data', (msg: Record<string, unknown>) => {
      if (call === this.call) this.onResponse(msg);
    });
    call.on('status', (status: grpc.StatusObject) => {
      if (call === this.call) this.onStreamEnd(status.code);
    });
    call.on('error', () => undefined); // reported through 'status'
    if (this.tracks.size === 0) {
      if (this.options.runtime ?? true) this.track(TypeUrl.Runtime).names.add(GATEWAY_RUNTIME_LAYER);
      this.track(TypeUrl.Cluster).wildcard = true;
      this.track(TypeUrl.Listener).wildcard = true;
    }
    // Re-send every subscription: first what a fresh Envoy asks for, then the followed types.
    const order = [...FIRST_TYPES, ...PUSH_ORDER.filter((t) => !FIRST_TYPES.includes(t))];
    for (const typeUrl of order) {
      const track = this.tracks.get(typeUrl);
      if (track && (track.wildcard || track.names.size > 0)) this.sendFirst(typeUrl, track);
    }
  }

  private onStreamEnd(code: grpc.status): void {
    this.call = undefined;
    this.lastStatus = code;
    if (this.closed) return;
    if (code === grpc.status.RESOURCE_EXHAUSTED) this.stats.refused += 1;
    else this.stats.broken += 1;
    if (code === grpc.status.UNAVAILABLE) {
      this.client?.close();
      this.client = undefined;
    }
    const cap = this.options.backoffCapMs ?? 30_000;
    const delay = Math.random() * Math.min((this.options.backoffBaseMs ?? 500) * 2 ** this.attempt, cap);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.openStream(), delay);
  }

  private send(request: Record<string, unknown>): void {
    if (!this.call) return;
    const message = this.streamSentNode ? request : { node: { id: this.options.nodeId, cluster: 'scale-bench', user_agent_name: 'envoy' }, ...request };
    this.streamSentNode = true;
    this.call.write(message);
  }

  private sendFirst(typeUrl: string, track: TypeTrack): void {
    const names = track.wildcard ? [] : [...track.names].sort();
    if (this.options.mode === 'delta') {
      this.send({ type_url: typeUrl, resource_names_subscribe: names, initial_resource_versions: Object.fromEntries(track.held) });
    } else {
      this.send({ type_url: typeUrl, version_info: track.accepted, resource_names: names, response_nonce: '' });
    }
  }

  private onResponse(msg: Record<string, unknown>): void {
    this.attempt = 0;
    const typeUrl = String(msg['type_url'] ?? '');
    const nonce = String(msg['nonce'] ?? '');
    const track = this.track(typeUrl);
    track.nonce = nonce;
    track.servedOnStream = true;
    this.stats.responses += 1;
    if (this.options.mode === 'delta') this.applyDelta(typeUrl, track, msg);
    else this.applySotw(typeUrl, track, msg);
    this.stats.acks += 1;
    if (this.options.mode === 'delta') this.send({ type_url: typeUrl, response_nonce: nonce });
    else this.send({ type_url: typeUrl, version_info: track.accepted, resource_names: track.wildcard ? [] : [...track.names].sort(), response_nonce: nonce });
    if (typeUrl === TypeUrl.Cluster || typeUrl === TypeUrl.Listener) this.follow();
  }

  private applyDelta(typeUrl: string, track: TypeTrack, msg: Record<string, unknown>): void {
    const resources = (msg['resources'] as Array<{ name: string; version: string; resource?: { type_url: string; value: Uint8Array } }> | undefined) ?? [];
    const removed = (msg['removed_resources'] as string[] | undefined) ?? [];
    this.stats.resources += resources.length;
    for (const r of resources) {
      track.held.set(r.name, r.version);
      if (r.resource) this.learn(typeUrl, r.name, `${r.name}@${r.version}`, r.resource.value);
    }
    for (const name of removed) {
      track.held.delete(name);
      this.refsOf(typeUrl)?.delete(name);
    }
  }

  private applySotw(typeUrl: string, track: TypeTrack, msg: Record<string, unknown>): void {
    const version = String(msg['version_info'] ?? '');
    const anys = (msg['resources'] as Array<{ type_url: string; value: Uint8Array }> | undefined) ?? [];
    this.stats.resources += anys.length;
    track.accepted = version;
    const refs = this.refsOf(typeUrl);
    if (refs) {
      // LDS/CDS responses carry the full set: what is absent is gone.
      refs.clear();
      track.held.clear();
      anys.forEach((a, i) => {
        const name = this.learn(typeUrl, undefined, `${version}#${i}`, a.value);
        track.held.set(name, version);
      });
    } else {
      // Other types: the names asked for; a SotW response says nothing per resource but its version.
      const names = track.wildcard ? [''] : [...track.names];
      for (const name of names) track.held.set(name, version);
    }
  }

  private refsOf(typeUrl: string): Map<string, References> | undefined {
    if (typeUrl === TypeUrl.Cluster) return this.clusterRefs;
    if (typeUrl === TypeUrl.Listener) return this.listenerRefs;
    return undefined;
  }

  /** Records what a cluster or listener references; returns its name. */
  private learn(typeUrl: string, name: string | undefined, memoKey: string, bytes: Uint8Array): string {
    const refs = this.refsOf(typeUrl);
    if (!refs) return name ?? '';
    const key = `${typeUrl} ${memoKey}`;
    let entry = referenceMemo.get(key) as (References & { name: string }) | undefined;
    if (!entry) {
      entry = decodeReferences(typeUrl, bytes);
      if (referenceMemo.size >= MEMO_LIMIT) referenceMemo.clear();
      referenceMemo.set(key, entry);
    }
    refs.set(name ?? entry.name, entry);
    return name ?? entry.name;
  }

  /** Subscribes EDS/RDS/SDS to what clusters and listeners reference now; unsubscribes the rest. */
  private follow(): void {
    const all = [...this.clusterRefs.values(), ...this.listenerRefs.values()];
    this.resubscribe(TypeUrl.ClusterLoadAssignment, all.flatMap((r) => r.eds));
    this.resubscribe(TypeUrl.RouteConfiguration, all.flatMap((r) => r.rds));
    this.resubscribe(TypeUrl.Secret, all.flatMap((r) => r.sds));
  }

  private resubscribe(typeUrl: string, wantedList: readonly string[]): void {
    const wanted = new Set(wantedList);
    const existing = this.tracks.get(typeUrl);
    if (!existing && wanted.size === 0) return;
    const track = existing ?? this.track(typeUrl);
    const added = [...wanted].filter((n) => !track.names.has(n)).sort();
    const removed = [...track.names].filter((n) => !wanted.has(n)).sort();
    if (added.length === 0 && removed.length === 0) return;
    track.names = wanted;
    for (const name of removed) track.held.delete(name);
    if (this.options.mode === 'delta') {
      this.send({ type_url: typeUrl, resource_names_subscribe: added, resource_names_unsubscribe: removed });
    } else {
      this.send({ type_url: typeUrl, version_info: track.accepted, resource_names: [...wanted].sort(), response_nonce: track.nonce });
    }
  }

  private track(typeUrl: string): TypeTrack {
    let track = this.tracks.get(typeUrl);
    if (!track) {
      track = { names: new Set(), wildcard: false, held: new Map(), accepted: '', nonce: '', servedOnStream: false };
      this.tracks.set(typeUrl, track);
    }
    return track;
  }
}

interface TlsContextLike {
  common_tls_context?: {
    tls_certificate_sds_secret_configs?: Array<{ name?: string }>;
    validation_context_sds_secret_config?: { name?: string };
    combined_validation_context?: { validation_context_sds_secret_config?: { name?: string } };
  };
}

interface AnyLike {
  type_url?: string;
  value?: Uint8Array;
}

function decodeAny<T>(any: AnyLike | undefined): T | undefined {
  if (!any?.type_url || !any.value) return undefined;
  try {
    const type = messageType(protoNameOf(any.type_url));
    return type.toObject(type.decode(any.value), CONVERSION_OPTIONS) as T;
  } catch {
    return undefined;
  }
}

function secretNames(socket: { typed_config?: AnyLike } | undefined): string[] {
  const tls = decodeAny<TlsContextLike>(socket?.typed_config)?.common_tls_context;
  if (!tls) return [];
  const names = [
    ...(tls.tls_certificate_sds_secret_configs ?? []).map((c) => c.name),
    tls.validation_context_sds_secret_config?.name,
    tls.combined_validation_context?.validation_context_sds_secret_config?.name,
  ];
  return names.filter((n): n is string => !!n);
}

/** Decodes a cluster or listener just far enough to learn its name and references. */
function decodeReferences(typeUrl: string, bytes: Uint8Array): References & { name: string } {
  const type = messageType(protoNameOf(typeUrl));
  const d = type.toObject(type.decode(bytes), CONVERSION_OPTIONS) as Record<string, unknown>;
  const name = String(d['name'] ?? '');
  if (typeUrl === TypeUrl.Cluster) {
    const eds = d['type'] === 'EDS' ? [String((d['eds_cluster_config'] as { service_name?: string } | undefined)?.service_name || name)] : [];
    return { name, eds, rds: [], sds: secretNames(d['transport_socket'] as { typed_config?: AnyLike } | undefined) };
  }
  type Chain = { filters?: Array<{ typed_config?: AnyLike }>; transport_socket?: { typed_config?: AnyLike } };
  const chains = [...((d['filter_chains'] as Chain[] | undefined) ?? []), ...(d['default_filter_chain'] ? [d['default_filter_chain'] as Chain] : [])];
  const rds = new Set<string>();
  const sds = new Set<string>();
  for (const chain of chains) {
    for (const n of secretNames(chain.transport_socket)) sds.add(n);
    for (const filter of chain.filters ?? []) {
      if (!filter.typed_config?.type_url?.endsWith('.HttpConnectionManager')) continue;
      const hcm = decodeAny<{ rds?: { route_config_name?: string } }>(filter.typed_config);
      if (hcm?.rds?.route_config_name) rds.add(hcm.rds.route_config_name);
    }
  }
  return { name, eds: [], rds: [...rds], sds: [...sds] };
}
