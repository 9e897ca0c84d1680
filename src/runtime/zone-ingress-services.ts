// The zone's available-services writer (docs/multizone.md "Available services"):
// every `ingressUpdateInterval` a zone control plane computes one list from its own Dataplanes and
// the MeshGateways of every mesh, and writes it into each ZoneIngress of its zone whose list
// differs. Writes are conditional on the version read, so a user's concurrent write is never
// overwritten blindly: the writer loses, sees the new version and compares again on the next tick.
//
// The event loop (issue 12: 10,000 Dataplanes): the writer keeps its own index of Dataplanes,
// MeshGateways and ZoneIngresses from store events instead of listing them every tick, and
// recomputes the list only on ticks after a Dataplane or MeshGateway changed (bench row
// `ingress-services` measures that recomputation).
import type { Logger } from 'pino';
import type { AvailableService, ZoneIngressSpec } from '../api/zone-ingress.js';
import type { StoredResource } from '../core/resource.js';
import { ConflictError, type ChangeEvent, type ResourceStore } from '../core/store.js';
import { crossMeshOffers } from '../gateway/cross-mesh-offers.js';
import { availableServicesOf, healthyInboundTags, isLocalDataplane, isOwnZoneIngress, sameAvailableServices } from '../multizone/available-services.js';

/** Kuma's `multizone.zone.ingressUpdateInterval` default. */
export const DEFAULT_INGRESS_UPDATE_INTERVAL_MS = 1_000;

/**
 * The available services of zone `zone`: healthy inbounds of the zone's own Dataplanes, and the
 * cross-mesh listeners of its own gateway Dataplanes, of every mesh. Pure.
 */
export function zoneAvailableServices(zone: string, dataplanes: readonly StoredResource<'Dataplane'>[], gateways: readonly StoredResource<'MeshGateway'>[]): AvailableService[] {
  const local = dataplanes.filter((dp) => isLocalDataplane(dp, zone));
  return availableServicesOf([...healthyInboundTags(local), ...crossMeshOffers(gateways, local)]);
}

/** Settings of the writer. */
export interface AvailableServicesWriterOptions {
  readonly store: ResourceStore;
  /** This zone's name. */
  readonly zone: string;
  readonly logger: Logger;
  /** Time between ticks (default 1 s). */
  readonly intervalMs?: number;
}

type Indexed<K extends 'Dataplane' | 'MeshGateway' | 'ZoneIngress'> = Map<string, StoredResource<K>>;

const keyOf = (r: { readonly mesh: string; readonly name: string }): string => `${r.mesh}/${r.name}`;

/** Keeps every own ZoneIngress's `availableServices` equal to the zone's list. */
export class AvailableServicesWriter {
  private readonly dataplanes: Indexed<'Dataplane'> = new Map();
  private readonly gateways: Indexed<'MeshGateway'> = new Map();
  private readonly ingresses: Indexed<'ZoneIngress'> = new Map();
  /** A Dataplane or MeshGateway changed since the list was computed. */
  private stale = true;
  /** A ZoneIngress changed (or a write failed) since every ingress was last compared. */
  private unchecked = true;
  private list: AvailableService[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private unwatch: (() => void) | undefined;

  constructor(private readonly options: AvailableServicesWriterOptions) {}

  /** Loads the index, follows store events and ticks; resolves to the function that stops it. */
  async start(): Promise<() => Promise<void>> {
    // Events from before the lists resolve are queued and replayed after them, in commit order:
    // the last event of each key is its latest write, whatever the lists saw.
    let queued: ChangeEvent[] | undefined = [];
    this.unwatch = this.options.store.watch((event) => (queued ? queued.push(event) : this.apply(event)));
    const [dataplanes, gateways, ingresses] = await Promise.all([
      this.options.store.list('Dataplane'),
      this.options.store.list('MeshGateway'),
      this.options.store.list('ZoneIngress'),
    ]);
    for (const dp of dataplanes) this.dataplanes.set(keyOf(dp), dp);
    for (const gw of gateways) this.gateways.set(keyOf(gw), gw);
    for (const zi of ingresses) this.ingresses.set(keyOf(zi), zi);
    for (const event of queued) this.apply(event);
    queued = undefined;
    this.schedule();
    return () => this.stop();
  }

  /** One tick now: recompute when stale, write every own ZoneIngress that differs (tests, bench). */
  tick(): Promise<void> {
    this.running ??= this.update().finally(() => (this.running = undefined));
    return this.running;
  }

  /** The list as last computed. */
  current(): readonly AvailableService[] {
    return this.list;
  }

  private async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, this.options.intervalMs ?? DEFAULT_INGRESS_UPDATE_INTERVAL_MS);
    this.timer.unref();
  }

  private apply(event: ChangeEvent): void {
    const { kind } = event.key;
    if (kind !== 'Dataplane' && kind !== 'MeshGateway' && kind !== 'ZoneIngress') return;
    const index = (kind === 'Dataplane' ? this.dataplanes : kind === 'MeshGateway' ? this.gateways : this.ingresses) as Map<string, StoredResource>;
    if (event.type === 'put') index.set(keyOf(event.key), event.resource);
    else index.delete(keyOf(event.key));
    if (kind === 'ZoneIngress') this.unchecked = true;
    else this.stale = true;
  }

  private async update(): Promise<void> {
    if (this.stale) {
      this.stale = false;
      const next = zoneAvailableServices(this.options.zone, [...this.dataplanes.values()], [...this.gateways.values()]);
      if (!sameAvailableServices(next, this.list)) this.unchecked = true;
      this.list = next;
    }
    if (!this.unchecked) return;
    this.unchecked = false;
    const updated: string[] = [];
    for (const ingress of [...this.ingresses.values()]) {
      if (this.stopped) return;
      if (!isOwnZoneIngress(ingress.spec, this.options.zone)) continue;
      if (sameAvailableServices(this.list, ingress.spec.availableServices ?? [])) continue;
      if (await this.write(ingress)) updated.push(ingress.name);
    }
    if (updated.length > 0) this.options.logger.info({ zoneIngresses: updated, services: this.list.length }, 'updated ZoneIngress available services');
  }

  /** Writes the list into one ingress, conditional on the version read; false when it did not. */
  private async write(ingress: StoredResource<'ZoneIngress'>): Promise<boolean> {
    const spec: ZoneIngressSpec = { ...ingress.spec, availableServices: this.list };
    try {
      await this.options.store.put({ kind: 'ZoneIngress', mesh: ingress.mesh, name: ingress.name, spec, ...(ingress.labels ? { labels: ingress.labels } : {}) }, { expectedVersion: ingress.version });
      return true;
    } catch (err) {
      // Someone wrote it meanwhile (its event re-marks the ingresses), or it is gone: next tick.
      if (err instanceof ConflictError) return false;
      this.unchecked = true;
      this.options.logger.error({ err, zoneIngress: ingress.name }, "could not update the ZoneIngress's available services; retrying on the next tick");
      return false;
    }
  }
}
