// A real ADS server on 127.0.0.1:0 for feature tests: snapshot cache, ADS server and the shared
// dataplane port (gRPC + /bootstrap) over TLS as in production (plaintext on request), plus
// clients that verify it by the test CA and are closed with the harness.
import type http from 'node:http';
import { pino } from 'pino';
import { SnapshotCache } from '../../src/xds/cache/snapshot-cache.js';
import { createAdsServer } from '../../src/xds/server/ads-server.js';
import type { AdsServer, AdsServerOptions } from '../../src/xds/server/ads-server.js';
import { startDataplanePort } from '../../src/xds/server/dataplane-port.js';
import type { DataplanePort } from '../../src/xds/server/dataplane-port.js';
import { AdsClient } from './ads-client.js';
import type { AdsClientOptions, AdsMode } from './ads-client.js';
import { testTls } from './tls-fixtures.js';

/** Options of `startAdsHarness`. */
export interface AdsHarnessOptions extends Partial<Omit<AdsServerOptions, 'cache' | 'logger'>> {
  /** Call `cache.setReady()` right away (default true). */
  readonly ready?: boolean;
  readonly bootstrapHandler?: http.RequestListener;
  /** Serve the port without TLS (default false: TLS with the test CA). */
  readonly plaintext?: boolean;
}

/** A running server and the clients connected to it. */
export interface AdsHarness {
  readonly cache: SnapshotCache;
  readonly ads: AdsServer;
  readonly port: DataplanePort;
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** `https://127.0.0.1:<port>` (`http://` when plaintext). */
  readonly baseUrl: string;
  /** PEM CA that verifies the port (absent when plaintext). */
  readonly caPem?: string;
  /** Connects a client that `close()` will close. */
  connect(nodeId: string, mode: AdsMode, options?: AdsClientOptions): AdsClient;
  /** Registers a client made elsewhere (e.g. by `reconnect()`) for cleanup. */
  adopt(client: AdsClient): AdsClient;
  close(): Promise<void>;
}

const notFound: http.RequestListener = (_req, res) => {
  res.writeHead(404).end();
};

/** Starts a harness; the NACK backoff defaults to 100 ms and admission control is off. */
export async function startAdsHarness(options: AdsHarnessOptions = {}): Promise<AdsHarness> {
  const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });
  const cache = new SnapshotCache();
  const { ready, bootstrapHandler, plaintext, ...serverOptions } = options;
  const tls = plaintext ? undefined : await testTls();
  const ads = createAdsServer({ nackBackoffMs: 100, admission: false, ...serverOptions, cache, logger });
  const port = await startDataplanePort({
    host: '127.0.0.1',
    port: 0,
    adsServer: ads,
    bootstrapHandler: bootstrapHandler ?? notFound,
    logger,
    ...(tls ? { tls: tls.serving } : {}),
  });
  if (ready ?? true) cache.setReady();
  const address = `127.0.0.1:${port.port}`;
  const clients: AdsClient[] = [];
  const adopt = (client: AdsClient): AdsClient => {
    clients.push(client);
    return client;
  };
  return {
    cache,
    ads,
    port,
    address,
    baseUrl: `${tls ? 'https' : 'http'}://${address}`,
    ...(tls ? { caPem: tls.caPem } : {}),
    adopt,
    connect: (nodeId, mode, clientOptions) => adopt(AdsClient.connect(address, nodeId, mode, { ...(tls ? { ca: tls.caPem } : {}), ...clientOptions })),
    close: async () => {
      for (const client of clients) client.close();
      await ads.close();
      await port.close();
    },
  };
}
