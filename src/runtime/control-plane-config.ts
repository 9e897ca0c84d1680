// The control plane's settings, as `portico cp run` and the tests give them (docs/operations.md):
// the role, the stores, Kubernetes mode, TLS, authentication, and the defaults. Types and data only;
// control-plane.ts starts what they describe.
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { GatewayPodSettings } from '../k8s/render/gateway-instance-input.js';
import type { ControlPlaneTlsConfig } from './control-plane-tls.js';
import type { DataplaneAuthType } from './dataplane-authentication.js';
import type { MultizoneConfig } from './multizone-config.js';

/** Kubernetes-mode settings: the API server is the store; controllers and the webhook run. */
export interface KubernetesModeConfig {
  readonly kubeConfig: KubeConfig;
  /** Where the control plane runs and mesh Secrets live. */
  readonly systemNamespace: string;
  /** Global control planes run no gateway controllers (docs/gateway.md §3.1). */
  readonly mode: 'zone' | 'global' | 'standalone';
  readonly zone?: string;
  readonly gatewayPods: GatewayPodSettings;
  /**
   * Run the controllers and status writer only while holding the leader Lease (several replicas);
   * absent = run them unconditionally (a single replica, tests).
   */
  readonly leaderElection?: LeaderElectionSettings;
  /** The validating admission webhook (HTTPS); absent = not served. */
  readonly webhook?: { readonly host: string; readonly port: number; readonly cert: string; readonly key: string };
}

/** Leader election settings (defaults: client-go's timings, Lease `portico-control-plane-leader`). */
export interface LeaderElectionSettings {
  /** This replica's identity: the pod name in a cluster. */
  readonly identity: string;
  /** Namespace of the Lease (default: the system namespace). */
  readonly namespace?: string;
  readonly leaseName?: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
}

/** Name of the Lease the control plane replicas elect their leader with. */
export const LEADER_LEASE_NAME = 'portico-control-plane-leader';

/** Settings of one control-plane process. */
export interface ControlPlaneConfig {
  readonly store: 'memory' | 'embedded' | 'postgres' | 'kubernetes';
  /** Required when `store` is `postgres` (docs/postgres-store.md). */
  readonly postgres?: PostgresSettings;
  /** Required when `store` is `kubernetes`. */
  readonly kubernetes?: KubernetesModeConfig;
  /** Where the embedded store keeps `portico.db`. */
  readonly dataDir: string;
  readonly apiHost: string;
  readonly apiPort: number;
  /** The REST API over HTTPS with the control plane's certificate (Kuma's 5682); absent = not served. */
  readonly apiHttpsPort?: number;
  /** Bind address of the HTTPS API (default `apiHost`). */
  readonly apiHttpsHost?: string;
  readonly xdsHost: string;
  readonly xdsPort: number;
  /** Diagnostics port: /metrics, /ready, /healthy (Kuma's 5680); absent = not served. */
  readonly diagnosticsPort?: number;
  /** Bind address of the diagnostics port (default `apiHost`). */
  readonly diagnosticsHost?: string;
  /** Quiet period before a batch of store changes is pushed (Istio's 100 ms default). */
  readonly debounceMs: number;
  /** Longest a change waits under a continuous stream of changes (Istio's 10 s default). */
  readonly maxDebounceMs: number;
  /** Delay before changed content follows a NACK (5 s, docs/xds-server.md §14 rule 7). */
  readonly nackBackoffMs: number;
  /** REST API authentication (docs/api-auth.md). */
  readonly apiAuth: ApiAuthConfig;
  /** Certificates of the dataplane port (TLS unless `xdsPlaintext`) and of the HTTPS API. */
  readonly tls: ControlPlaneTlsConfig;
  /** How proxies authenticate on the dataplane port in universal mode (`none` = off, logged as a warning). */
  readonly dataplaneAuth: DataplaneAuthType;
  /** New ADS streams admitted per second and their burst (default: xds/server/flow-control.ts). */
  readonly xdsAdmission?: { readonly ratePerSecond: number; readonly burst: number };
  /** Meshes this large generate in a worker thread (default: generation/engine.ts). */
  readonly generationWorkerThreshold?: number;
  /**
   * Create a new Mesh's default policies (`allow-all-<mesh>`, `timeout-all-<mesh>`, ...;
   * src/api/mesh-default-policies.ts). Default true.
   */
  readonly meshDefaultPolicies?: boolean;
  /** Global or zone (docs/multizone.md §1, §11); default: a zone named `default` without a global. */
  readonly multizone?: MultizoneConfig;
  readonly logger: Logger;
}

/** Where the Postgres store connects (pg's client options) and its pool size. */
export interface PostgresSettings {
  readonly connection: import('pg').ClientConfig;
  readonly maxConnections: number;
  /** The replicas' leader election over the same database (default: on, Kubernetes' timings). */
  readonly leaderElection?: LeaderElectionSettings;
}

/** REST API authentication settings of `cp run`. */
export interface ApiAuthConfig {
  /** Direct loopback requests act as admin (Kuma's KUMA_API_SERVER_AUTHN_LOCALHOST_IS_ADMIN). */
  readonly localhostIsAdmin: boolean;
  /** Create GlobalSecret admin-user-token on first start (Kuma's ..._TOKENS_BOOTSTRAP_ADMIN_TOKEN). */
  readonly bootstrapAdminToken: boolean;
}

/** Defaults of `portico cp run`. */
export const DEFAULT_CONFIG: Omit<ControlPlaneConfig, 'logger'> = {
  store: 'embedded',
  dataDir: path.resolve('.portico'),
  apiHost: '127.0.0.1',
  apiPort: 5681,
  xdsHost: '127.0.0.1',
  xdsPort: 5678,
  debounceMs: 100,
  maxDebounceMs: 10_000,
  nackBackoffMs: 5_000,
  apiAuth: { localhostIsAdmin: true, bootstrapAdminToken: true },
  tls: { xdsPlaintext: false, extraSubjectAltNames: [] },
  dataplaneAuth: 'dpToken',
};

