// A light simulated proxy for storm tests and benchmarks (test/feature/ads-admission.test.ts,
// bench/ads-storm.ts): its own connection like Envoy, subscribes the given types on one ADS
// stream, ACKs every response without decoding resources, and counts as served once every type
// got a response. Refused with RESOURCE_EXHAUSTED it retries after `grpc-retry-pushback-ms`, or
// without one after Envoy's jittered exponential backoff (500 ms base, 30 s cap).
import * as grpc from '@grpc/grpc-js';
import { ADS_SERVICE_NAME, adsPackageDefinition } from '../../src/xds/server/ads-service.js';

/** Type URL and the names subscribed (empty = wildcard). */
export type StormSubscription = readonly [typeUrl: string, names: readonly string[]];

interface Method {
  readonly path: string;
  readonly requestSerialize: (value: object) => Buffer;
  readonly responseDeserialize: (bytes: Buffer) => Record<string, unknown>;
}

function method(name: string): Method {
  const service = adsPackageDefinition()[ADS_SERVICE_NAME] as unknown as Record<string, Method>;
  return service[name]!;
}

/** One simulated proxy. */
export class StormProxy {
  private readonly client: grpc.Client;
  private call: grpc.ClientDuplexStream<object, Record<string, unknown>> | undefined;
  private readonly seen = new Set<string>();
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;
  /** RESOURCE_EXHAUSTED answers received. */
  refusals = 0;
  /** Pushbacks received (ms), in order. */
  readonly pushbacks: number[] = [];
  /** Final status of the last stream, if it ended otherwise than by refusal. */
  status: grpc.StatusObject | undefined;
  /** The latest RESOURCE_EXHAUSTED status. */
  lastRefusal: grpc.StatusObject | undefined;

  constructor(
    address: string,
    readonly nodeId: string,
    private readonly mode: 'sotw' | 'delta',
    private readonly subscriptions: readonly StormSubscription[],
    private readonly onServed: () => void = () => undefined,
    /** gRPC metadata sent on every stream (e.g. `authorization`). */
    private readonly metadata: Readonly<Record<string, string>> = {},
  ) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  }

  /** Whether every subscribed type got a response. */
  get served(): boolean {
    return this.seen.size === this.subscriptions.length;
  }

  /** Only connects (no stream), calling `ready` once connected: the cost of a bare connection. */
  connect(ready: () => void): void {
    this.client.waitForReady(Date.now() + 60_000, (err) => {
      if (err) throw err;
      ready();
    });
  }

  /** Opens the stream and sends every subscription. */
  open(): void {
    const m = method(this.mode === 'sotw' ? 'StreamAggregatedResources' : 'DeltaAggregatedResources');
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(this.metadata)) metadata.set(key, value);
    const call = this.client.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, metadata);
    this.call = call;
    call.on('data', (msg: Record<string, unknown>) => this.onResponse(msg));
    call.on('error', () => undefined);
    call.on('status', (status: grpc.StatusObject) => this.onStatus(status));
    let first = true;
    for (const [typeUrl, names] of this.subscriptions) {
      const node = first ? { node: { id: this.nodeId, cluster: 'storm' } } : {};
      first = false;
      call.write(this.mode === 'sotw' ? { ...node, type_url: typeUrl, resource_names: names } : { ...node, type_url: typeUrl, resource_names_subscribe: names });
    }
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.call?.cancel();
    this.client.close();
  }

  private onResponse(msg: Record<string, unknown>): void {
    const typeUrl = msg['type_url'] as string;
    const nonce = msg['nonce'] as string;
    const names = this.subscriptions.find(([t]) => t === typeUrl)?.[1] ?? [];
    this.call?.write(this.mode === 'sotw' ? { type_url: typeUrl, version_info: msg['version_info'], response_nonce: nonce, resource_names: names } : { type_url: typeUrl, response_nonce: nonce });
    if (this.served) return;
    this.seen.add(typeUrl);
    if (this.served) this.onServed();
  }

  private onStatus(status: grpc.StatusObject): void {
    if (status.code !== grpc.status.RESOURCE_EXHAUSTED) {
      this.status = status;
      return;
    }
    this.refusals += 1;
    this.lastRefusal = status;
    const pushback = Number(status.metadata.get('grpc-retry-pushback-ms')[0]);
    if (Number.isFinite(pushback)) this.pushbacks.push(pushback);
    const backoff = Math.random() * Math.min(500 * 2 ** this.attempt++, 30_000);
    this.retry = setTimeout(() => this.open(), Number.isFinite(pushback) && pushback >= 0 ? pushback : backoff);
  }
}
