// The global's sync port (5685): a gRPC server with the sync services, TLS by default with the
// control plane's serving certificate (Kuma's default), keepalive both ways every 15 s and 10 MiB
// messages (docs/multizone.md §3.2).
import * as grpc from '@grpc/grpc-js';
import type { GlobalSync } from './global-sync.js';

/** Settings of the sync port. */
export interface SyncPortOptions {
  readonly host: string;
  /** 0 = chosen by the OS (tests). */
  readonly port: number;
  readonly sync: GlobalSync;
  /** Serving certificate and key (PEM); absent = plaintext (`grpc://`, tests only). */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** `kds.maxMsgSize` (10 MiB). */
  readonly maxMessageBytes?: number;
}

/** A listening sync port. */
export interface SyncPort {
  readonly port: number;
  readonly tls: boolean;
  close(): Promise<void>;
}

/** Starts serving the sync services. */
export async function startSyncPort(options: SyncPortOptions): Promise<SyncPort> {
  const maxMessageBytes = options.maxMessageBytes ?? 10 * 1024 * 1024;
  const server = new grpc.Server({
    'grpc.keepalive_time_ms': 15_000,
    'grpc.keepalive_timeout_ms': 15_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 15_000,
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
  });
  for (const [definition, handlers] of options.sync.services()) server.addService(definition, handlers);
  const credentials = options.tls
    ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(options.tls.cert), private_key: Buffer.from(options.tls.key) }], false)
    : grpc.ServerCredentials.createInsecure();
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port}`, credentials, (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  return {
    port,
    tls: options.tls !== undefined,
    close: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
