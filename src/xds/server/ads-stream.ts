// One ADS stream, SotW or delta (the protocol is plugged in). Responsibilities, in the order a
// stream meets them: pin and authenticate the node on the first message (§3, §17); validate every
// request; apply it to per-type state; push from the node's current snapshot in make-before-break
// order (§10) with at most one pending response per type (computed at write time, so a newer
// snapshot replaces an unsent one); honour write back-pressure; remove clusters only after the
// routes that used them are gone (retention.ts). Every failure closes this stream only.
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { SnapshotCache } from '../cache/snapshot-cache.js';
import type { Snapshot } from '../cache/snapshot.js';
import { PUSH_ORDER, TypeUrl, isServedType, shortTypeName } from '../cache/resource-types.js';
import type { RequestOutcome, TypeState } from './stream-state.js';
import { Retention } from './retention.js';
import type { AdsProtocol, CommonRequest } from './protocol.js';
import type { Semaphore } from './flow-control.js';
import { parseProxyId } from './proxy-id.js';

/**
 * Authentication hook, run on the first message of every stream before anything is served.
 * Resolve to an Error to reject the stream (its numeric `code`, else UNAUTHENTICATED).
 */
export type Authenticator = (metadata: grpc.Metadata, nodeId: string) => Promise<void | Error>;

/** Per-stream limits and knobs (defaults live in ads-server.ts). */
export interface StreamSettings {
  readonly nackBackoffMs: number;
  readonly maxTypeUrlsPerStream: number;
  readonly maxNamesPerRequest: number;
  readonly maxQueuedRequests: number;
  readonly sendTimeoutMs: number;
  readonly controlPlaneId: string;
  readonly authenticate: Authenticator;
  readonly now: () => number;
}

/** What a stream needs from its server. */
export interface StreamDeps {
  readonly cache: SnapshotCache;
  readonly logger: Logger;
  readonly settings: StreamSettings;
  readonly pushLimiter: Semaphore;
  readonly onClosed: (stream: AdsStream<CommonRequest, unknown>) => void;
}

/** Drives one ADS call from first message to close. */
export class AdsStream<Req extends CommonRequest, Res> {
  private nodeId: string | undefined;
  private logger: Logger;
  private readonly types = new Map<string, TypeState>();
  private readonly seenTypeUrls = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private closed = false;
  private unwatch: (() => void) | undefined;
  private snapshot: Snapshot | undefined;
  private readonly retention = new Retention();
  private pumping = false;
  private rerun = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly drainWaiters = new Set<() => void>();
  private readonly streamId = randomBytes(4).toString('hex');
  private nonces = 0;

  constructor(
    private readonly call: grpc.ServerDuplexStream<Req, Res>,
    private readonly protocol: AdsProtocol<Req, Res>,
    private readonly deps: StreamDeps,
  ) {
    this.logger = deps.logger.child({ stream: this.streamId, mode: protocol.mode });
  }

  /** Wires the call's events; requests are handled strictly in arrival order. */
  start(): void {
    this.call.on('data', (req: Req) => this.enqueue(req));
    this.call.on('end', () => {
      this.dispose();
      this.call.end();
    });
    this.call.on('cancelled', () => this.dispose());
    this.call.on('error', () => this.dispose());
  }

  /** Ends the stream with a status (e.g. UNAVAILABLE on shutdown); idempotent. */
  close(code: grpc.status, details: string): void {
    if (this.closed) return;
    this.logger.info({ code: grpc.status[code], details }, 'closing xDS stream');
    this.dispose();
    try {
      this.call.emit('error', Object.assign(new Error(details), { code, details }));
    } catch (err) {
      this.logger.debug({ err }, 'stream already gone while closing');
    }
  }

  private enqueue(req: Req): void {
    if (this.closed) return;
    if (++this.queued > this.deps.settings.maxQueuedRequests) {
      this.close(grpc.status.RESOURCE_EXHAUSTED, 'too many xDS requests queued on this stream');
      return;
    }
    this.chain = this.chain
      .then(() => {
        this.queued -= 1;
        return this.handle(req);
      })
      .catch((err: unknown) => this.fail(err));
  }

  private async handle(req: Req): Promise<void> {
    if (this.closed) return;
    if (this.nodeId === undefined) {
      if (!(await this.identify(req))) return;
    } else if (req.node?.id && req.node.id !== this.nodeId) {
      const msg = `stream was authenticated for ID ${this.nodeId}. Received request is for node with ID ${req.node.id}. Node ID cannot be changed after stream is initialized`;
      return this.close(grpc.status.PERMISSION_DENIED, msg);
    }
    const typeUrl = req.type_url ?? '';
    if (typeUrl === '') return this.close(grpc.status.INVALID_ARGUMENT, 'type URL is required for ADS');
    this.seenTypeUrls.add(typeUrl);
    if (this.seenTypeUrls.size > this.deps.settings.maxTypeUrlsPerStream) {
      return this.close(grpc.status.RESOURCE_EXHAUSTED, `a stream may use at most ${this.deps.settings.maxTypeUrlsPerStream} type URLs`);
    }
    if (this.protocol.nameCount(req) > this.deps.settings.maxNamesPerRequest) {
      return this.close(grpc.status.INVALID_ARGUMENT, `a request may name at most ${this.deps.settings.maxNamesPerRequest} resources`);
    }
    // Types Portico does not serve get no response and leave the stream intact (§1).
    if (!isServedType(typeUrl)) return;
    const { state, outcome } = this.protocol.apply(this.types.get(typeUrl), typeUrl, req, this.deps.settings.now());
    this.types.set(typeUrl, state);
    this.record(typeUrl, outcome);
    if (outcome.needsResponse) {
      state.dirty = true;
      this.schedulePump();
    }
    if (outcome.kind === 'ack') this.maybeCleanup();
  }

  /** First message: valid node id, then the authenticator, then watch the node's snapshot. */
  private async identify(req: Req): Promise<boolean> {
    const nodeId = req.node?.id ?? '';
    if (!parseProxyId(nodeId)) {
      this.close(grpc.status.INVALID_ARGUMENT, 'request must have a valid Proxy ID');
      return false;
    }
    const verdict = await this.deps.settings.authenticate(this.call.metadata, nodeId);
    if (this.closed) return false;
    if (verdict instanceof Error) {
      const code = (verdict as Error & { code?: unknown }).code;
      this.close(typeof code === 'number' ? code : grpc.status.UNAUTHENTICATED, verdict.message);
      return false;
    }
    this.nodeId = nodeId;
    this.logger = this.logger.child({ node: nodeId });
    this.deps.cache.delivery.streamOpened(nodeId);
    this.unwatch = this.deps.cache.watch(nodeId, () => this.schedulePump());
    this.logger.debug('xDS stream identified');
    return true;
  }

  private record(typeUrl: string, outcome: RequestOutcome): void {
    const nodeId = this.nodeId!;
    if (outcome.ackedVersion !== undefined) this.deps.cache.delivery.recordAck(nodeId, typeUrl, outcome.ackedVersion);
    if (outcome.nack) {
      const { version, nonce, resources, message, count } = outcome.nack;
      this.logger.warn({ type: shortTypeName(typeUrl), version, resources, error: message, count }, 'proxy rejected configuration (NACK)');
      this.deps.cache.delivery.recordNack(nodeId, typeUrl, { version, nonce, resources, message });
    }
  }

  private schedulePump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.rerun = true;
      return;
    }
    this.pumping = true;
    this.rerun = false;
    this.pump()
      .catch((err: unknown) => this.fail(err))
      .finally(() => {
        this.pumping = false;
        // A wake-up that arrived after the pump's last look (e.g. its snapshot appeared) is not lost.
        if (this.rerun) this.schedulePump();
      });
  }

  /**
   * Sends what each type needs, in push order. A snapshot change mid-pump restarts from CDS so a
   * listener is never sent ahead of the clusters it needs.
   */
  private async pump(): Promise<void> {
    await this.deps.pushLimiter.acquire();
    try {
      do {
        this.rerun = false;
        const snapshot = this.deps.cache.current(this.nodeId!);
        if (!snapshot || this.closed) return;
        if (snapshot !== this.snapshot) this.adopt(snapshot);
        for (const typeUrl of PUSH_ORDER) {
          if (this.closed) return;
          if (this.deps.cache.current(this.nodeId!) !== snapshot) {
            this.rerun = true;
            break;
          }
          await this.pushType(typeUrl, snapshot);
        }
        this.maybeCleanup();
      } while (this.rerun && !this.closed);
    } finally {
      this.deps.pushLimiter.release();
    }
  }

  private async pushType(typeUrl: string, snapshot: Snapshot): Promise<void> {
    const state = this.types.get(typeUrl);
    if (!state?.dirty) return;
    state.dirty = false;
    const { settings } = this.deps;
    const result = this.protocol.build(state, this.retention.view(typeUrl, snapshot), {
      now: settings.now(),
      nackBackoffMs: settings.nackBackoffMs,
      nextNonce: () => `${this.streamId}-${++this.nonces}`,
      controlPlane: { identifier: settings.controlPlaneId },
    });
    if (result.kind === 'defer') {
      state.dirty = true;
      this.wakeAt(result.until);
    } else if (result.kind === 'send') {
      this.deps.cache.delivery.recordSent(this.nodeId!, typeUrl, result.version);
      this.logger.debug({ type: shortTypeName(typeUrl), version: result.version, resources: result.resourceCount }, 'sending');
      await this.write(result.message);
    }
  }

  /** A new snapshot: every type may need a response; CDS/EDS resources it dropped are retained. */
  private adopt(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    for (const state of this.types.values()) state.dirty = true;
    this.retention.adopt(this.types, snapshot);
  }

  /** Pushes CDS without retained clusters once the routes that used them are gone. */
  private maybeCleanup(): void {
    if (this.closed || !this.snapshot || !this.retention.release(this.types, this.snapshot)) return;
    const clusters = this.types.get(TypeUrl.Cluster);
    if (clusters) {
      clusters.dirty = true;
      this.schedulePump();
    }
  }

  private wakeAt(until: number): void {
    if (until >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = until;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.schedulePump();
    }, Math.max(0, until - this.deps.settings.now()));
    this.timer.unref();
  }

  /** Writes one response; waits for 'drain' when the call's buffer is full (back-pressure). */
  private async write(message: Res): Promise<void> {
    if (this.closed || this.call.write(message)) return;
    let timedOut = false;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timeout);
        this.call.off('drain', done);
        this.drainWaiters.delete(done);
        resolve();
      };
      const timeout = setTimeout(() => {
        timedOut = true;
        done();
      }, this.deps.settings.sendTimeoutMs);
      this.call.on('drain', done);
      this.drainWaiters.add(done);
    });
    if (timedOut) this.close(grpc.status.UNAVAILABLE, `could not send to the proxy for ${this.deps.settings.sendTimeoutMs} ms`);
  }

  private fail(err: unknown): void {
    this.logger.error({ err }, 'xDS stream failed');
    this.close(grpc.status.INTERNAL, 'internal error');
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.unwatch?.();
    if (this.timer) clearTimeout(this.timer);
    for (const waiter of [...this.drainWaiters]) waiter();
    if (this.nodeId !== undefined) this.deps.cache.delivery.streamClosed(this.nodeId);
    this.deps.onClosed(this as unknown as AdsStream<CommonRequest, unknown>);
  }
}
