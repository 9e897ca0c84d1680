// Starts the multi-zone sync that a control plane's role calls for (docs/multizone.md §3): on a
// global, the sync services on port 5685 (TLS with the control plane's certificate unless told
// otherwise); on a federated zone, the client that dials the global with the zone token. A zone
// without a global runs neither. A federated zone with several replicas (Kubernetes with leader
// election) runs the client only on the replica holding the leader Lease (docs/multizone.md §1): two
// clients of one zone would both write what global sends and both offer the zone's objects.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { componentLogger } from './component-logger.js';
import type { ResourceStore } from '../core/store.js';
import { GlobalSync } from '../kds/global-sync.js';
import { startSyncPort, type SyncPort } from '../kds/sync-port.js';
import { ZoneSync, type ZoneSyncOptions } from '../kds/zone-sync.js';
import type { StoreNaming } from '../kds/sync-apply.js';
import { ZoneTokens, publicKeyPem } from '../tokens/zone-token.js';
import { DEFAULT_KDS_PORT, isFederatedZone, type MultizoneConfig } from './multizone-config.js';

/** What the sync side of a control plane exposes. */
export interface MultizoneSync {
  /** Global: the sync port. */
  readonly port?: SyncPort;
  readonly global?: GlobalSync;
  /** Federated zone: the client (absent while a replica does not lead). */
  readonly zone?: ZoneSync;
  stop(): Promise<void>;
}

/** Inputs of `startMultizoneSync`. */
export interface MultizoneSyncInputs {
  readonly multizone: MultizoneConfig;
  readonly store: ResourceStore;
  readonly logger: Logger;
  /** Address the sync port binds when the settings name none. */
  readonly defaultHost: string;
  /** The control plane's serving certificate (global). */
  readonly serving: { readonly cert: string; readonly key: string };
  readonly version: string;
  /** Kubernetes zone: object names of namespaced resources, for their copies' names on global. */
  readonly objectNameOf?: ZoneSyncOptions['objectNameOf'];
  /** Kubernetes: the store's names of namespaced kinds (src/kds/sync-apply.ts StoreNaming). */
  readonly naming?: StoreNaming;
  /** Run the zone client only while this replica leads: it starts on `lead()` of the result. */
  readonly leaderOnly?: boolean;
}

/** A federated zone's sync whose client runs only while the replica leads. */
export interface LeaderOnlySync extends MultizoneSync {
  /** This replica became the leader: start the client. */
  lead(): void;
  /** This replica lost the lead: stop the client (the new leader's client takes over). */
  stepDown(): Promise<void>;
}

/** A zone-token signing key's public half, as GlobalSecret data (base64 of PEM). */
function derivePublicKey(data: string): string {
  return Buffer.from(publicKeyPem(Buffer.from(data, 'base64'))).toString('base64');
}

const instanceId = (): string => `${hostname()}-${process.pid}`;

/** Starts what the role needs; nothing for a zone without a global. */
export async function startMultizoneSync(inputs: MultizoneSyncInputs): Promise<MultizoneSync> {
  const { multizone, store, logger } = inputs;
  const kds = multizone.kds ?? {};
  const timings = {
    ...(kds.debounceMs !== undefined ? { debounceMs: kds.debounceMs } : {}),
    ...(kds.nackBackoffMs !== undefined ? { nackBackoffMs: kds.nackBackoffMs } : {}),
  };
  if (multizone.mode === 'global') {
    const global = new GlobalSync({ store, zoneTokens: new ZoneTokens(store), derivePublicKey, logger: componentLogger(logger, 'kds'), instanceId: instanceId(), ...timings, ...(inputs.naming ? { naming: inputs.naming } : {}) });
    await global.start();
    if (kds.plaintext) logger.warn('the sync port serves plaintext: zone tokens and secrets cross the network unencrypted');
    const port = await startSyncPort({ host: kds.host ?? inputs.defaultHost, port: kds.port ?? DEFAULT_KDS_PORT, sync: global, ...(kds.plaintext ? {} : { tls: inputs.serving }) }).catch(async (err: unknown) => {
      await global.close();
      throw err;
    });
    logger.info({ kdsPort: port.port, tls: port.tls }, 'serving zones');
    return {
      port,
      global,
      async stop() {
        await global.close();
        await port.close();
      },
    };
  }
  if (!isFederatedZone(multizone)) return { stop: async () => undefined };
  const tokenFile = kds.tokenFile!;
  // Read at start: a missing CA file is a setting to fix, whichever replica leads.
  const rootCa = kds.rootCaFile ? await readFile(kds.rootCaFile, 'utf8') : undefined;
  const newZoneSync = () => new ZoneSync({
    store,
    zone: multizone.zone,
    globalAddress: multizone.globalAddress!,
    token: () => readFile(tokenFile, 'utf8'),
    ...(rootCa ? { rootCa } : {}),
    ...(kds.tlsSkipVerify ? { tlsSkipVerify: true } : {}),
    logger: componentLogger(logger, 'kds'),
    instanceId: instanceId(),
    version: inputs.version,
    ...timings,
    ...(kds.baseBackoffMs !== undefined ? { baseBackoffMs: kds.baseBackoffMs } : {}),
    ...(kds.maxBackoffMs !== undefined ? { maxBackoffMs: kds.maxBackoffMs } : {}),
    ...(inputs.objectNameOf ? { objectNameOf: inputs.objectNameOf } : {}),
    ...(inputs.naming ? { naming: inputs.naming } : {}),
  });
  if (kds.tlsSkipVerify) logger.warn('the global control plane\'s certificate is not verified (tlsSkipVerify)');
  if (inputs.leaderOnly) return leaderOnly(newZoneSync, logger);
  const zone = newZoneSync();
  zone.start();
  return { zone, stop: () => zone.stop() };
}

/** The client started on `lead()` and stopped on `stepDown()`; a new client per term. */
function leaderOnly(newZoneSync: () => ZoneSync, logger: Logger): LeaderOnlySync {
  let zone: ZoneSync | undefined;
  let stopped = false;
  const stepDown = async (): Promise<void> => {
    const running = zone;
    zone = undefined;
    if (running) {
      logger.info('no longer the leader: the sync with the global control plane stops');
      await running.stop();
    }
  };
  return {
    get zone() {
      return zone;
    },
    lead() {
      if (zone || stopped) return;
      logger.info('leading: dialling the global control plane');
      zone = newZoneSync();
      zone.start();
    },
    stepDown,
    async stop() {
      stopped = true;
      await stepDown();
    },
  };
}
