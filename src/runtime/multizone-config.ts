// The multi-zone role of a control plane (docs/multizone.md §1, §11): global, or a zone with a name and,
// when federated, the address of its global. Checked at startup with Kuma's messages, so a bad
// name or scheme stops the process before anything listens.
import type { WriteRole } from '../api/multizone-rules.js';

/** `mode` and `multizone.zone.*` of Kuma's configuration. */
export interface MultizoneConfig {
  /** `KUMA_MODE`: `global` or `zone` (default). */
  readonly mode: 'global' | 'zone';
  /** `KUMA_MULTIZONE_ZONE_NAME`: the zone's name (default `default`); unused on a global. */
  readonly zone: string;
  /** `KUMA_MULTIZONE_ZONE_GLOBAL_ADDRESS`: `grpc(s)://host:port` of the global; a zone with it is federated. */
  readonly globalAddress?: string;
  /** The sync service's settings (docs/multizone.md §3, §11); defaults when absent. */
  readonly kds?: KdsConfig;
  /**
   * Zone: how often the ZoneIngresses' available services are recomputed and written
   * (`KUMA_MULTIZONE_ZONE_INGRESS_UPDATE_INTERVAL`, default 1 s; docs/multizone.md "Zone ingresses").
   */
  readonly ingressUpdateIntervalMs?: number;
}

/** `multizone.global.kds.*` and `multizone.zone.kds.*` that Portico implements. */
export interface KdsConfig {
  /** Global: port of the sync service (`grpcPort`, default 5685; 0 = chosen by the OS). */
  readonly port?: number;
  /** Global: address the sync port binds (default: the dataplane port's). */
  readonly host?: string;
  /** Global: serve plaintext (`tlsEnabled: false`); tests only. */
  readonly plaintext?: boolean;
  /** Zone: file holding the zone token (scope `cp`) the global verifies. */
  readonly tokenFile?: string;
  /** Zone: CA the global's certificate must chain to (`rootCaFile`). */
  readonly rootCaFile?: string;
  /** Zone: accept any certificate from the global (`tlsSkipVerify`). */
  readonly tlsSkipVerify?: boolean;
  /** Both: quiet time before changes are sent (default 100 ms). */
  readonly debounceMs?: number;
  /** Both: delay before changed content follows a NACK (`nackBackoff`, 5 s). */
  readonly nackBackoffMs?: number;
  /** Zone: reconnect backoff bounds (`resilientComponentBaseBackoff`/`MaxBackoff`, 5 s and 1 min). */
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** Port of the global's sync service. */
export const DEFAULT_KDS_PORT = 5685;

/** Kuma's default: a zone named `default` with no global (it writes everything). */
export const DEFAULT_MULTIZONE: MultizoneConfig = { mode: 'zone', zone: 'default' };

/** Schemes a zone dials its global with. */
const GLOBAL_ADDRESS_SCHEMES = ['grpc', 'grpcs'] as const;

/** A DNS name: dot-separated labels of lower-case letters, digits and inner dashes. */
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What is wrong with the settings, in Kuma's words (`pkg/config/multizone`), or undefined. */
export function multizoneConfigError(config: MultizoneConfig): string | undefined {
  // A global has no zone settings to check (Kuma validates only the section of its mode).
  if (config.mode === 'global') return undefined;
  if (config.zone === '') return 'Name is mandatory';
  if (!DNS_NAME.test(config.zone)) return `Zone name ${config.zone} has to be a valid DNS name`;
  if (config.zone.length > 63) return 'Zone name cannot be longer than 63 characters';
  if (config.globalAddress !== undefined && config.globalAddress !== '') {
    let url: URL;
    try {
      url = new URL(config.globalAddress);
    } catch {
      return `unable to parse zone GlobalAddress "${config.globalAddress}"`;
    }
    const scheme = url.protocol.replace(/:$/, '');
    if (!(GLOBAL_ADDRESS_SCHEMES as readonly string[]).includes(scheme)) {
      return `unsupported scheme "${scheme}" in zone GlobalAddress. Use one of [${GLOBAL_ADDRESS_SCHEMES.join(' ')}]`;
    }
  }
  if (isFederatedZone(config) && !config.kds?.tokenFile) {
    return 'a zone with a global address needs its zone token (scope cp): --zone-token-file or KUMA_MULTIZONE_ZONE_KDS_AUTH_CP_TOKEN_PATH (generate it on the global: portico generate zone-token --zone ' + config.zone + ' --scope cp)';
  }
  return undefined;
}

/** A zone is federated exactly when it has a global address (Kuma's IsFederatedZoneCP). */
export function isFederatedZone(config: MultizoneConfig): boolean {
  return config.mode === 'zone' && config.zone !== '' && (config.globalAddress ?? '') !== '';
}

/** The write rules this role applies in the REST API (docs/multizone.md §5). */
export function writeRoleOf(config: MultizoneConfig): WriteRole {
  return config.mode === 'global' ? { mode: 'global' } : { mode: 'zone', zone: config.zone, federated: isFederatedZone(config) };
}
