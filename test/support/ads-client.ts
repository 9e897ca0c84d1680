// A simulated Envoy ADS client over real gRPC, for feature and load tests. It speaks SotW or delta,
// tracks nonces and versions per type like Envoy does, ACKs every response by default (or NACKs the
// next one of a type on request), keeps what it holds per type, and records every response in
// arrival order. With `followReferences` it subscribes EDS names from received clusters and RDS
// names from received listeners, as Envoy would.
//
//   const client = AdsClient.connect(address, 'default.gw-1', 'delta', { followReferences: true });
//   client.subscribe(TypeUrl.Cluster); client.subscribe(TypeUrl.Listener);
//   await client.waitFor(TypeUrl.RouteConfiguration, (r) => r.resources.length > 0);
//   const next = client.reconnect(); // delta: sends initial_resource_versions of what it held
import * as grpc from '@grpc/grpc-js';
import { adsPackageDefinition } from '../../src/xds/server/ads-service.js';
import { TypeUrl } from '../../src/xds/cache/resource-types.js';
import { decodeResource } from './ads-fixtures.js';

/** Which ADS method the client uses. */
export type AdsMode = 'sotw' | 'delta';

/** One resource of a received response. */
export interface ReceivedResource {
  readonly name: string;
  /** Delta: the resource version; SotW: the response's version_info. */
  readonly version: string;
  readonly typeUrl: string;
  readonly bytes: Uint8Array;
}

/** One received response, normalised over SotW and delta. */
export interface ReceivedResponse {
  /** Position in `client.responses` (0-based). */
  readonly seq: number;
  readonly typeUrl: string;
  readonly nonce: string;
  /** SotW `version_info` / delta `system_version_info`. */
  readonly version: string;
  readonly resources: readonly ReceivedResource[];
  /** Delta `removed_resources` (always empty in SotW). */
  readonly removed: readonly string[];
  /** `Date.now()` at arrival (for benchmarks, never for test assertions). */
  readonly at: number;
  /** The client's answer: ACK, NACK, or none (manual mode). */
  answer: 'ack' | 'nack' | 'none';
}

/** Options of `AdsClient.connect`. */
export interface AdsClientOptions {
  /** Extra gRPC metadata on the stream (e.g. `authorization`). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** ACK or NACK every response automatically (default true). */
  readonly autoAck?: boolean;
  /** Subscribe EDS/RDS names referenced by received clusters/listeners (default false). */
  readonly followReferences?: boolean;
  /** Delta: what the client holds from an earlier stream, per type URL (name → version). */
  readonly initialVersions?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** PEM CA of the control plane: connect over TLS and verify the server by it (absent = plaintext). */
  readonly ca?: string;
}

interface TypeTrack {
  names: string[];
  subscribed: boolean;
  nonce: string;
  acceptedVersion: string;
  held: Map<string, ReceivedResource>;
  nackNext?: string;
}

interface Waiter {
  check: () => boolean;
  reject: (err: Error) => void;
}

type ClientCtor = new (address: string, creds: grpc.ChannelCredentials, options?: grpc.ClientOptions) => grpc.Client & {
  StreamAggregatedResources(metadata: grpc.Metadata): grpc.ClientDuplexStream<object, Record<string, unknown>>;
  DeltaAggregatedResources(metadata: grpc.Metadata): grpc.ClientDuplexStream<object, Record<string, unknown>>;
};

let ctor: ClientCtor | undefined;
function adsClientCtor(): ClientCtor {
  if (!ctor) {
    const pkg = grpc.loadPackageDefinition(adsPackageDefinition()) as unknown as {
      envoy: { service: { discovery: { v3: { AggregatedDiscoveryService: ClientCtor } } } };
    };
    ctor = pkg.envoy.service.discovery.v3.AggregatedDiscoveryService;
  }
  return ctor;
}

const NAME_FIELD: Readonly<Record<string, string>> = { [TypeUrl.ClusterLoadAssignment]: 'cluster_name' };

/** A simulated Envoy on one ADS stream. */
export class AdsClient {
  /** Every response, in arrival order. */
  readonly responses: ReceivedResponse[] = [];
  /** Every request sent, in order (raw wire objects). */
  readonly requests: Array<Record<string, unknown>> = [];
  private readonly tracks = new Map<string, TypeTrack>();
  private readonly waiters = new Set<Waiter>();
  private readonly client;
  private readonly call: grpc.ClientDuplexStream<object, Record<string, unknown>>;
  private statusValue: grpc.StatusObject | undefined;
  private sentNode = false;

  private constructor(
    readonly address: string,
    readonly nodeId: string,
    readonly mode: AdsMode,
    private readonly options: AdsClientOptions,
  ) {
    const Ctor = adsClientCtor();
    const credentials = options.ca ? grpc.credentials.createSsl(Buffer.from(options.ca)) : grpc.credentials.createInsecure();
    this.client = new Ctor(address, credentials, { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
    const metadata = new grpc.Metadata();
    for (const [k, v] of Object.entries(options.metadata ?? {})) metadata.set(k, v);
    this.call = mode === 'sotw' ? this.client.StreamAggregatedResources(metadata) : this.client.DeltaAggregatedResources(metadata);
    this.call.on('data', (msg: Record<string, unknown>) => this.onResponse(msg));
    this.call.on('status', (status: grpc.StatusObject) => this.onStatus(status));
    this.call.on('error', () => undefined); // reported through 'status'
  }

  /** Opens a stream; nothing is sent until the first `subscribe` (or `send`). */
  static connect(address: string, nodeId: string, mode: AdsMode, options: AdsClientOptions = {}): AdsClient {
    return new AdsClient(address, nodeId, mode, options);
  }

  /** The stream's final status once it ended. */
  get status(): grpc.StatusObject | undefined {
    return this.statusValue;
  }

  /**
   * Subscribes to names of a type (none = wildcard on the first request). SotW replaces the
   * type's name list; delta adds to it.
   */
  subscribe(typeUrl: string, names: readonly string[] = []): void {
    const track = this.track(typeUrl);
    const first = !track.subscribed;
    track.subscribed = true;
    if (this.mode === 'sotw') {
      track.names = [...names];
      this.sendSotw(typeUrl, track, {});
      return;
    }
    track.names = [...new Set([...track.names, ...names])];
    const initial = first ? (this.options.initialVersions?.[typeUrl] ?? {}) : undefined;
    this.send({ type_url: typeUrl, resource_names_subscribe: names, ...(initial ? { initial_resource_versions: initial } : {}) });
  }

  /** Delta: unsubscribes names. SotW: re-sends the name list without them. Drops them like Envoy. */
  unsubscribe(typeUrl: string, names: readonly string[]): void {
    const track = this.track(typeUrl);
    track.names = track.names.filter((n) => !names.includes(n));
    for (const name of names) track.held.delete(name);
    if (this.mode === 'sotw') this.sendSotw(typeUrl, track, {});
    else this.send({ type_url: typeUrl, resource_names_unsubscribe: names });
  }

  /** The next response of the type is NACKed with this message (and not applied). */
  nackNext(typeUrl: string, message = 'injected NACK'): void {
    this.track(typeUrl).nackNext = message;
  }

  /** Manual mode: ACK a response (applies it). */
  ack(response: ReceivedResponse): void {
    this.apply(response);
    response.answer = 'ack';
    if (this.mode === 'sotw') this.sendSotw(response.typeUrl, this.track(response.typeUrl), { ack: response });
    else this.send({ type_url: response.typeUrl, response_nonce: response.nonce });
    this.follow(response.typeUrl);
  }

  /** Manual mode: NACK a response (not applied). */
  nack(response: ReceivedResponse, message = 'injected NACK'): void {
    response.answer = 'nack';
    const error_detail = { code: 3, message };
    const track = this.track(response.typeUrl);
    if (this.mode === 'sotw') this.sendSotw(response.typeUrl, track, { nonce: response.nonce, error_detail });
    else this.send({ type_url: response.typeUrl, response_nonce: response.nonce, error_detail });
  }

  /** Sends a raw request (proto field names); the node is added to the first one. */
  send(request: Record<string, unknown>): void {
    const withNode = this.sentNode ? request : { node: { id: this.nodeId, cluster: 'test' }, ...request };
    this.sentNode = true;
    this.requests.push(withNode);
    this.call.write(withNode);
  }

  /** The latest nonce received for a type ('' if none). */
  nonce(typeUrl: string): string {
    return this.track(typeUrl).nonce;
  }

  /** What the client holds of a type after applying ACKed responses. */
  held(typeUrl: string): ReadonlyMap<string, ReceivedResource> {
    return this.track(typeUrl).held;
  }

  /** Decoded held resource (plain object, proto field names). */
  decoded(typeUrl: string, name: string): Record<string, unknown> | undefined {
    const r = this.held(typeUrl).get(name);
    return r ? decodeResource(typeUrl, r.bytes) : undefined;
  }

  /** Responses of one type, in order. */
  responsesOf(typeUrl: string): ReceivedResponse[] {
    return this.responses.filter((r) => r.typeUrl === typeUrl);
  }

  /** Index to pass as `since` to only consider later responses. */
  mark(): number {
    return this.responses.length;
  }

  /** Resolves with the first response (at index ≥ since) of the type matching the predicate. */
  waitFor(typeUrl: string, predicate: (r: ReceivedResponse) => boolean = () => true, opts: { since?: number; timeoutMs?: number } = {}): Promise<ReceivedResponse> {
    const find = (): ReceivedResponse | undefined => this.responses.slice(opts.since ?? 0).find((r) => r.typeUrl === typeUrl && predicate(r));
    return this.wait(find, `response of ${typeUrl}`, opts.timeoutMs);
  }

  /** Resolves once the client holds resources of the type satisfying the predicate. */
  waitForHeld(typeUrl: string, predicate: (held: ReadonlyMap<string, ReceivedResource>) => boolean, timeoutMs?: number): Promise<ReadonlyMap<string, ReceivedResource>> {
    return this.wait(() => (predicate(this.held(typeUrl)) ? this.held(typeUrl) : undefined), `held ${typeUrl}`, timeoutMs);
  }

  /** Resolves with the final status of the stream. */
  waitForStatus(timeoutMs?: number): Promise<grpc.StatusObject> {
    return this.wait(() => this.statusValue, 'stream status', timeoutMs);
  }

  /** Responses that arrive within `ms` from now (for "nothing is sent" checks). */
  async collect(ms: number, typeUrl?: string): Promise<ReceivedResponse[]> {
    const since = this.mark();
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.responses.slice(since).filter((r) => !typeUrl || r.typeUrl === typeUrl);
  }

  /** Ends the stream and the channel. */
  close(): void {
    this.call.cancel();
    this.client.close();
    for (const w of this.waiters) w.reject(new Error('client closed'));
    this.waiters.clear();
  }

  /**
   * Closes this stream and opens a new one for the same node with the same subscriptions. Delta
   * reconnects send `initial_resource_versions` of everything held, like Envoy.
   */
  reconnect(options: AdsClientOptions = this.options): AdsClient {
    this.close();
    const initialVersions: Record<string, Record<string, string>> = {};
    for (const [typeUrl, track] of this.tracks) {
      initialVersions[typeUrl] = Object.fromEntries([...track.held.values()].map((r) => [r.name, r.version]));
    }
    const next = new AdsClient(this.address, this.nodeId, this.mode, { ...options, initialVersions: this.mode === 'delta' ? initialVersions : undefined });
    for (const [typeUrl, track] of this.tracks) if (track.subscribed) next.subscribe(typeUrl, track.names);
    return next;
  }

  private track(typeUrl: string): TypeTrack {
    let track = this.tracks.get(typeUrl);
    if (!track) {
      track = { names: [], subscribed: false, nonce: '', acceptedVersion: '', held: new Map() };
      this.tracks.set(typeUrl, track);
    }
    return track;
  }

  private sendSotw(typeUrl: string, track: TypeTrack, opts: { ack?: ReceivedResponse; nonce?: string; error_detail?: object }): void {
    if (opts.ack) track.acceptedVersion = opts.ack.version;
    this.send({
      type_url: typeUrl,
      version_info: track.acceptedVersion,
      resource_names: track.names,
      response_nonce: opts.ack?.nonce ?? opts.nonce ?? track.nonce,
      ...(opts.error_detail ? { error_detail: opts.error_detail } : {}),
    });
  }

  private onResponse(msg: Record<string, unknown>): void {
    const response = this.normalise(msg);
    this.responses.push(response);
    const track = this.track(response.typeUrl);
    track.nonce = response.nonce;
    if (track.nackNext !== undefined) {
      const message = track.nackNext;
      track.nackNext = undefined;
      this.nack(response, message);
    } else if (this.options.autoAck ?? true) {
      this.ack(response);
    }
    this.checkWaiters();
  }

  private normalise(msg: Record<string, unknown>): ReceivedResponse {
    const typeUrl = msg['type_url'] as string;
    const nonce = (msg['nonce'] as string | undefined) ?? '';
    if (this.mode === 'sotw') {
      const version = (msg['version_info'] as string | undefined) ?? '';
      const anys = (msg['resources'] as Array<{ type_url: string; value: Uint8Array }> | undefined) ?? [];
      const resources = anys.map((a) => ({ name: resourceName(a.type_url, a.value), version, typeUrl: a.type_url, bytes: a.value }));
      return { seq: this.responses.length, typeUrl, nonce, version, resources, removed: [], at: Date.now(), answer: 'none' };
    }
    const wrapped = (msg['resources'] as Array<{ name: string; version: string; resource: { type_url: string; value: Uint8Array } }> | undefined) ?? [];
    const resources = wrapped.map((w) => ({ name: w.name, version: w.version, typeUrl: w.resource.type_url, bytes: w.resource.value }));
    const removed = (msg['removed_resources'] as string[] | undefined) ?? [];
    const version = (msg['system_version_info'] as string | undefined) ?? '';
    return { seq: this.responses.length, typeUrl, nonce, version, resources, removed, at: Date.now(), answer: 'none' };
  }

  /** Applies a response to what the client holds (SotW LDS/CDS replace, others merge). */
  private apply(response: ReceivedResponse): void {
    const held = this.track(response.typeUrl).held;
    const fullState = response.typeUrl === TypeUrl.Listener || response.typeUrl === TypeUrl.Cluster;
    if (this.mode === 'sotw' && fullState) held.clear();
    for (const r of response.resources) held.set(r.name, r);
    for (const name of response.removed) held.delete(name);
  }

  /** Envoy-like: clusters drive EDS subscriptions, listeners drive RDS subscriptions. */
  private follow(typeUrl: string): void {
    if (!this.options.followReferences) return;
    if (typeUrl === TypeUrl.Cluster) this.resubscribe(TypeUrl.ClusterLoadAssignment, edsNames([...this.held(typeUrl).values()]));
    if (typeUrl === TypeUrl.Listener) this.resubscribe(TypeUrl.RouteConfiguration, rdsNames([...this.held(typeUrl).values()]));
  }

  private resubscribe(typeUrl: string, wanted: string[]): void {
    const track = this.track(typeUrl);
    const current = [...track.names].sort();
    if (track.subscribed && current.join('\0') === wanted.join('\0')) return;
    if (wanted.length === 0 && !track.subscribed) return;
    if (this.mode === 'sotw') {
      track.subscribed = true;
      track.names = wanted;
      for (const name of [...track.held.keys()]) if (!wanted.includes(name)) track.held.delete(name);
      this.sendSotw(typeUrl, track, {});
      return;
    }
    const added = wanted.filter((n) => !current.includes(n));
    const removed = current.filter((n) => !wanted.includes(n));
    if (removed.length > 0) this.unsubscribe(typeUrl, removed);
    if (added.length > 0) this.subscribe(typeUrl, added);
  }

  private wait<T>(find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} on ${this.nodeId}`));
      }, timeoutMs);
      const waiter: Waiter = {
        check: () => {
          const value = find();
          if (value === undefined) return false;
          clearTimeout(timer);
          resolve(value);
          return true;
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.waiters.add(waiter);
    });
  }

  private onStatus(status: grpc.StatusObject): void {
    this.statusValue = status;
    this.checkWaiters();
  }

  private checkWaiters(): void {
    for (const w of [...this.waiters]) if (w.check()) this.waiters.delete(w);
  }
}

function resourceName(typeUrl: string, bytes: Uint8Array): string {
  try {
    const decoded = decodeResource(typeUrl, bytes);
    return String(decoded[NAME_FIELD[typeUrl] ?? 'name'] ?? '');
  } catch {
    return '';
  }
}

function edsNames(clusters: ReceivedResource[]): string[] {
  const names = clusters.flatMap((c) => {
    const d = decodeResource(c.typeUrl, c.bytes) as { name?: string; type?: string; eds_cluster_config?: { service_name?: string } };
    return d.type === 'EDS' ? [d.eds_cluster_config?.service_name || d.name || ''] : [];
  });
  return [...new Set(names)].sort();
}

function rdsNames(listeners: ReceivedResource[]): string[] {
  const names = new Set<string>();
  for (const l of listeners) {
    const d = decodeResource(l.typeUrl, l.bytes) as { filter_chains?: Array<{ filters?: Array<{ typed_config?: { type_url: string; value: Uint8Array } }> }> };
    for (const chain of d.filter_chains ?? []) {
      for (const filter of chain.filters ?? []) {
        const tc = filter.typed_config;
        if (!tc?.type_url.endsWith('HttpConnectionManager')) continue;
        const hcm = decodeResource(tc.type_url, tc.value) as { rds?: { route_config_name?: string } };
        if (hcm.rds?.route_config_name) names.add(hcm.rds.route_config_name);
      }
    }
  }
  return [...names].sort();
}
