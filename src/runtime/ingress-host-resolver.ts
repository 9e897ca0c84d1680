// Resolves the DNS names other zones' ZoneIngresses advertise (a cloud load balancer's hostname,
// say) into IP addresses, because EDS endpoints cannot name hosts (docs/multizone.md, "Cross-zone
// endpoints"). Kuma's control plane resolves them too. Every `intervalMs`, and soon after a
// ZoneIngress changes, the names of the zone's remote ingresses are looked up; when the answers
// move, `onChange` receives the whole map (name -> first IPv4 address, else first address). A name
// that fails to resolve keeps its last answer for a while (a DNS blip must not drop a zone), then
// is dropped and its ingress skipped until it resolves again.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { StoreUnavailableError, type ResourceStore } from '../core/store.js';

/** Looks a name up: every address, as node:dns/promises `lookup(name, {all: true})` answers. */
export type HostLookup = (name: string) => Promise<Array<{ address: string; family: number }>>;

/** Options of the resolver. */
export interface IngressHostResolverOptions {
  readonly store: ResourceStore;
  /** This zone: its own ingresses are never dialled, so their names are not looked up. */
  readonly zone: string;
  readonly logger: Logger;
  readonly onChange: (hosts: ReadonlyMap<string, string>) => void;
  /** Default 10 s. */
  readonly intervalMs?: number;
  /** How long a name that stopped resolving keeps its last address (default 5 minutes). */
  readonly keepFailedMs?: number;
  readonly lookup?: HostLookup;
  readonly now?: () => number;
}

const defaultLookup: HostLookup = (name) => dnsLookup(name, { all: true });

/** See the file header. */
export class IngressHostResolver {
  private readonly answers = new Map<string, { address: string; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: IngressHostResolverOptions) {}

  /** Resolves once now, then on the interval and after ZoneIngress changes. */
  start(): void {
    this.unwatch = this.options.store.watch((event) => {
      if (event.key.kind === 'ZoneIngress') void this.refresh();
    });
    void this.refresh();
  }

  stop(): void {
    this.stopped = true;
    this.unwatch?.();
    clearTimeout(this.timer);
  }

  /** One round of lookups; a round requested meanwhile runs after it. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.round().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.refresh();
      } else this.schedule();
    });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), this.options.intervalMs ?? 10_000);
    this.timer.unref();
  }

  private async names(): Promise<string[]> {
    const names = new Set<string>();
    for (const ingress of await this.options.store.list('ZoneIngress')) {
      const zone = ingress.spec.zone ?? '';
      const address = ingress.spec.networking?.advertisedAddress ?? '';
      if (zone !== '' && zone !== this.options.zone && address !== '' && isIP(address) === 0) names.add(address);
    }
    return [...names].sort();
  }

  private async round(): Promise<void> {
    const { logger, lookup = defaultLookup, now = Date.now, keepFailedMs = 300_000 } = this.options;
    const before = this.serialised();
    const names = await this.names().catch((err: unknown) => {
      // A Kubernetes store refuses reads until its first sync, whose events start another round.
      if (err instanceof StoreUnavailableError) logger.debug({ reason: err.message }, 'ZoneIngresses not readable yet');
      else logger.warn({ err }, 'cannot list ZoneIngresses to resolve their advertised names');
      return undefined;
    });
    if (!names) return;
    for (const name of [...this.answers.keys()]) if (!names.includes(name)) this.answers.delete(name);
    await Promise.all(
      names.map(async (name) => {
        try {
          const all = await lookup(name);
          const chosen = all.find((a) => a.family === 4) ?? all[0];
          if (!chosen) throw new Error('no address');
          this.answers.set(name, { address: chosen.address, at: now() });
        } catch (err) {
          const last = this.answers.get(name);
          if (last && now() - last.at < keepFailedMs) return;
          if (last) this.answers.delete(name);
          logger.warn({ host: name, reason: (err as Error).message }, "an ingress's advertised name does not resolve; the ingress is skipped");
        }
      }),
    );
    if (this.serialised() !== before) this.options.onChange(new Map([...this.answers].map(([name, a]) => [name, a.address])));
  }

  private serialised(): string {
    return JSON.stringify([...this.answers].map(([name, a]) => [name, a.address]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
  }

  /** The current answers (the status route reads them). */
  resolved(name: string): string | undefined {
    return this.answers.get(name)?.address;
  }
}
