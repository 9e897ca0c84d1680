// The ADS gRPC server: both AggregatedDiscoveryService methods on one grpc-js Server, with the
// server options of docs/xds-server.md §15, stream admission (§14 rule 6, see flow-control.ts) and
// shutdown. It does not bind a port itself: dataplane-port.ts injects connections (one port for ADS
// and /bootstrap), and `listen()` exists for tools that want a plain gRPC port.
import os from 'node:os';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { SnapshotCache } from '../cache/snapshot-cache.js';
import { adsServiceDefinition } from './ads-service.js';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse, DiscoveryRequest, DiscoveryResponse } from './ads-service.js';
import { AdsStream } from './ads-stream.js';
import type { StreamDeps, StreamSettings } from './ads-stream.js';
import type { ProxyAuthentication } from './proxy-authentication.js';
import { SOTW_PROTOCOL } from './sotw-stream.js';
import { DELTA_PROTOCOL } from './delta-stream.js';
import type { AdsProtocol, CommonRequest } from './protocol.js';
import { FirstPushQueue, Semaphore, TokenBucket, defaultAdmission, defaultPushConcurrency, type AdmissionSettings } from './flow-control.js';

const MIB = 1024 * 1024;

/**
 * grpc-js server options (docs/xds-server.md §15). grpc-js does not police client pings, so the permit/min-interval
 * options document intent for Envoy's keepalive settings rather than change grpc-js behaviour;
 * `max_session_memory` is in MB (Node's http2 unit).
 */
export const DEFAULT_GRPC_SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_receive_message_length': 16 * MIB,
  'grpc.max_send_message_length': -1,
  'grpc.keepalive_time_ms': 15_000,
  'grpc.keepalive_timeout_ms': 15_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 15_000,
  'grpc.max_connection_age_ms': 30 * 60_000,
  'grpc.max_connection_age_grace_ms': 60_000,
  'grpc-node.max_session_memory': 256,
  'grpc.max_concurrent_streams': 8,
  // Channelz keeps per-call and per-socket counters and timestamps nobody reads here: about 1 KiB
  // of heap per connected proxy.
  'grpc.enable_channelz': 0,
};

/** Trailing metadata key of the gRPC retry-pushback convention: when to retry, in ms. */
export const RETRY_PUSHBACK_KEY = 'grpc-retry-pushback-ms';

/** Options of `createAdsServer`; everything but cache and logger has a default. */
export interface AdsServerOptions {
  readonly cache: SnapshotCache;
  readonly logger: Logger;
  /** How every stream is authenticated, on its first message (no default: secure or explicit). */
  readonly authentication: ProxyAuthentication;
  /** Delay before changed content is sent after a NACK (default 5000 ms, docs/xds-server.md §14 rule 7). */
  readonly nackBackoffMs?: number;
  /** Distinct type URLs a stream may use (default 16). */
  readonly maxTypeUrlsPerStream?: number;
  /** Names a single request may carry (default 100000). */
  readonly maxNamesPerRequest?: number;
  /** A stream that cannot send for this long is closed (default 30000 ms). */
  readonly sendTimeoutMs?: number;
  /** Streams pushing updates at once (default min(15 + 5 × cores, 100)). */
  readonly maxConcurrentPushes?: number;
  /** First pushes of new streams running at once; the rest wait in line (default 2 × cores, at least 4). */
  readonly maxConcurrentFirstPushes?: number;
  /** New streams per second and burst (default `defaultAdmission()`); `false` disables admission control. */
  readonly admission?: AdmissionSettings | false;
  /** `control_plane.identifier` on every response (default `portico`). */
  readonly controlPlaneId?: string;
  /** Overrides merged over DEFAULT_GRPC_SERVER_OPTIONS. */
  readonly grpcOptions?: grpc.ServerOptions;
  /** Clock in ms, for tests. */
  readonly now?: () => number;
}

/** A running ADS service. */
export interface AdsServer {
  /** The grpc-js server; connections are injected into it (see dataplane-port.ts). */
  readonly grpcServer: grpc.Server;
  /** Open streams right now. */
  streamCount(): number;
  /** Paths of every gRPC method served (`/<service>/<method>`), for the RPC coverage test. */
  methods(): readonly string[];
  /** Binds a plain-gRPC port (insecure) in addition to injected connections; returns the port. */
  listen(host: string, port: number): Promise<number>;
  /** Closes every open stream with UNAVAILABLE (Envoy reconnects elsewhere) and stops the server. */
  close(): Promise<void>;
}

/** Creates the ADS server; streams serve snapshots from `options.cache`. */
export function createAdsServer(options: AdsServerOptions): AdsServer {
  const logger = (options.logger.bindings()['component'] === undefined ? options.logger.child({ component: 'ads' }) : options.logger);
  const settings: StreamSettings = {
    nackBackoffMs: options.nackBackoffMs ?? 5000,
    maxTypeUrlsPerStream: options.maxTypeUrlsPerStream ?? 16,
    maxNamesPerRequest: options.maxNamesPerRequest ?? 100_000,
    maxQueuedRequests: 64,
    sendTimeoutMs: options.sendTimeoutMs ?? 30_000,
    controlPlaneId: options.controlPlaneId ?? 'portico',
    authentication: options.authentication,
    now: options.now ?? Date.now,
  };
  const pushLimiter = new Semaphore(options.maxConcurrentPushes ?? defaultPushConcurrency());
  // A first push is CPU work on this one thread unless the proxy's buffer is full (then it holds no
  // permit), so a few at a time keep the queue moving; more would only interleave them.
  const firstPushes = new FirstPushQueue(options.maxConcurrentFirstPushes ?? Math.max(4, 2 * os.availableParallelism()));
  const refuse = options.admission === false ? undefined : admissionGate(options.admission ?? defaultAdmission(), settings.now, logger);
  const streams = new Set<AdsStream<CommonRequest, unknown>>();
  const grpcServer = new grpc.Server({ ...DEFAULT_GRPC_SERVER_OPTIONS, ...options.grpcOptions });
  // One deps object for every stream (not one per stream).
  const deps: StreamDeps = {
    cache: options.cache,
    logger,
    settings,
    pushLimiter,
    firstPushes,
    onClosed: (stream) => {
      streams.delete(stream);
    },
  };

  function serve<Req extends CommonRequest, Res>(protocol: AdsProtocol<Req, Res>) {
    return (call: grpc.ServerDuplexStream<Req, Res>): void => {
      try {
        if (refuse?.(call)) return;
        const stream = new AdsStream(call, protocol, deps);
        streams.add(stream as unknown as AdsStream<CommonRequest, unknown>);
        stream.start();
      } catch (err) {
        logger.error({ err }, 'failed to start xDS stream');
        call.emit('error', { code: grpc.status.INTERNAL, details: 'internal error' });
      }
    };
  }

  // Every service goes through addService below, so methods() lists all that can be called.
  const served: string[] = [];
  const addService = (definition: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation): void => {
    grpcServer.addService(definition, implementation);
    served.push(...Object.values(definition).map((m) => m.path));
  };
  addService(adsServiceDefinition(), {
    StreamAggregatedResources: serve<DiscoveryRequest, DiscoveryResponse>(SOTW_PROTOCOL),
    DeltaAggregatedResources: serve<DeltaDiscoveryRequest, DeltaDiscoveryResponse>(DELTA_PROTOCOL),
  });

  return {
    grpcServer,
    streamCount: () => streams.size,
    methods: () => [...served],
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        grpcServer.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
      }),
    close: async () => {
      for (const stream of [...streams]) stream.close(grpc.status.UNAVAILABLE, 'control plane is shutting down');
      // Graceful first so no response frame is cut in half; forced after a bounded wait.
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          grpcServer.forceShutdown();
          resolve();
        }, 5000);
        force.unref();
        grpcServer.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}

/** How often at most the count of refused streams is logged during a storm. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * The admission check: returns a function that refuses a new call (true) when the bucket is
 * empty. A refusal costs a token-bucket update, one Metadata and the status: no authentication,
 * no stream state, and one log line per REFUSAL_LOG_INTERVAL_MS however many are refused.
 */
function admissionGate(admission: AdmissionSettings, now: () => number, logger: Logger): (call: grpc.ServerDuplexStream<unknown, unknown>) => boolean {
  const bucket = new TokenBucket(admission.ratePerSecond, admission.burst, now);
  let refused = 0;
  let loggedAt = -Infinity;
  return (call) => {
    if (bucket.tryTake()) return false;
    const retryMs = bucket.retryAfterMs();
    const metadata = new grpc.Metadata();
    metadata.set(RETRY_PUSHBACK_KEY, String(retryMs));
    const details = `too many new xDS streams (admission limit ${admission.ratePerSecond}/s, burst ${admission.burst}); retry in ${retryMs} ms`;
    call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details, metadata });
    refused += 1;
    const at = now();
    if (at - loggedAt >= REFUSAL_LOG_INTERVAL_MS) {
      logger.warn(
        { refusedSinceLastReport: refused, ratePerSecond: admission.ratePerSecond, burst: admission.burst },
        'refused new xDS streams over the admission limit; each was told when to retry',
      );
      refused = 0;
      loggedAt = at;
    }
    return true;
  };
}
