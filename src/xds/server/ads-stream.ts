// One ADS stream, SotW or delta (the protocol is plugged in). Responsibilities, in the order a
// stream meets them: pin and authenticate the node on the first message (docs/xds-server.md §3, §17); validate every
// request; apply it to per-type state; push from the node's current snapshot in make-before-break
// order (docs/xds-server.md §10) with at most one pending response per type (computed at write time, so a newer
// snapshot replaces an unsent one); honour write back-pressure; remove clusters only after the
// routes that used them are gone (retention.ts). Every failure closes this stream only.
//
// Pushes are bounded (flow-control.ts): a pump that carries some type's first response on this
// stream waits in the first-push queue, later pumps share the push semaphore, and a pump gives
// its permit back while it waits for 'drain'. An idle stream is small (issue 9: 10,000 proxies):
// no timers, its logger is made on first use, names and type URLs it keeps are the snapshot's own
// strings, and what the client holds is mostly a reference to the snapshot (stream-state.ts).
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { SnapshotCache } from '../cache/snapshot-cache.js';
import type { Snapshot } from '../cache/snapshot.js';
import { PUSH_ORDER, TypeUrl, isServedType, shortTypeName } from '../cache/resource-types.js';
import type { RequestOutcome, TypeState } from './stream-state.js';
import { Retention } from './retention.js';
import type { AdsProtocol, CommonRequest } from './protocol.js';
import type { PermitPool } from './flow-control.js';
import { parseProxyId } from './proxy-id.js';
import { auditRefusal, checkProxy, credentialCountFailure, credentialOf, type AuthRefusal, type ProxyAuthentication } from './proxy-authentication.js';

/** Per-stream limits and knobs (defaults live in ads-server.ts). */
export interface StreamSettings {
  readonly nackBackoffMs: number;
  readonly maxTypeUrlsPerStream: number;
  readonly maxNamesPerRequest: number;
  readonly maxQueuedRequests: number;
  readonly sendTimeoutMs: number;
  readonly controlPlaneId: string;
  /** Checked on the first message of every stream, before anything is served. */
  readonly authentication: ProxyAuthentication;
  readonly now: () => number;
}

/** What a stream needs from its server. */
export interface StreamDeps {
  readonly cache: SnapshotCache;
  readonly logger: Logger;
  readonly settings: StreamSettings;
  /** Permits of update pushes. */
  readonly pushLimiter: PermitPool;
  /** Permits of first pushes (a pump carrying a type's first response); default `pushLimiter`. */
  readonly firstPushes?: PermitPool;
  readonly onClosed: (stream: AdsStream<CommonRequest, unknown>) => void;
}

/** Random per process, so stream ids (and nonces) of two control plane runs differ in logs. */
const PROCESS_TAG = randomBytes(3).toString('hex');
let streamCount = 0;

/** Drives one ADS call from first message to close. */
export class AdsStream<Req extends CommonRequest, Res> {
  private nodeId: string | undefined;
  /** Made on first use (`log`): most streams never log anything. */
  private logger: Logger | undefined;
  private readonly types = new Map<string, TypeState>();
  private chain: Promise<void> = Promise.resolve();
  /** Type URLs used so far, served or not (bounded per stream). */
  private seenTypeUrls: Set<string> | undefined;
  private queued = 0;
  private closed = false;
  private unwatch: (() => void) | undefined;
  private snapshot: Snapshot | undefined;
  private readonly retention = new Retention();
  private pumping = false;
  private rerun = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  /** Resolves the pending 'drain' wait, if any (at most one: writes are sequential). */
  private drainWaiter: (() => void) | undefined;
  /** The permit pool the running pump holds a permit of (none while waiting for 'drain'). */
  private permit: PermitPool | undefined;
  /** Process-wide sequence number; with PROCESS_TAG it names the stream and prefixes nonces. */
  private readonly seq = ++streamCount;
  private nonces = 0;

  constructor(
    private readonly call: grpc.ServerDuplexStream<Req, Res>,
    private readonly protocol: AdsProtocol<Req, Res>,
    private readonly deps: StreamDeps,
  ) {}

  /** Wires the call's events; requests are handled strictly in arrival order. */
  start(): void {
    const dispose = (): void => this.dispose();
    this.call.on('data', (req: Req) => this.enqueue(req));
    this.call.on('end', () => {
      this.dispose();
      this.call.end();
    });
    this.call.on('cancelled', dispose);
    this.call.on('error', dispose);
  }

  /** This stream's logger, with stream, mode and (once known) node bound. */
  private log(): Logger {
    this.logger ??= this.deps.logger.child({
      stream: this.streamId(),
      mode: this.protocol.mode,
      ...(this.nodeId !== undefined ? { node: this.nodeId } : {}),
    });
    return this.logger;
  }

  /** Names the stream in logs and prefixes its nonces. */
  private streamId(): string {
    return `${PROCESS_TAG}-${this.seq.toString(36)}`;
  }

  private debugEnabled(): boolean {
    return this.deps.logger.isLevelEnabled('debug');
  }

  /** Ends the stream with a status (e.g. UNAVAILABLE on shutdown); idempotent. */
  close(code: grpc.status, details: string): void {
    if (this.closed) return;
    this.log().info({ code: grpc.status[code], details }, 'closing xDS stream');
    this.dispose();
    try {
      this.call.emit('error', Object.assign(new Error(details), { code, details }));
    } catch (err) {
      this.log().debug({ err }, 'stream already gone while closing');
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
    // The constant string for served types: what the stream keeps is never a decoded copy.
    const typeUrl = PUSH_ORDER.find((t) => t === req.type_url) ?? req.type_url ?? '';
    if (typeUrl === '') return this.close(grpc.status.INVALID_ARGUMENT, 'type URL is required for ADS');
    (this.seenTypeUrls ??= new Set()).add(typeUrl);
    if (this.seenTypeUrls.size > this.deps.settings.maxTypeUrlsPerStream) {
      return this.close(grpc.status.RESOURCE_EXHAUSTED, `a stream may use at most ${this.deps.settings.maxTypeUrlsPerStream} type URLs`);
    }
    if (this.protocol.nameCount(req) > this.deps.settings.maxNamesPerRequest) {
      return this.close(grpc.status.INVALID_ARGUMENT, `a request may name at most ${this.deps.settings.maxNamesPerRequest} resources`);
    }
    // Types Portico does not serve get no response and leave the stream intact (docs/xds-server.md §1).
    if (!isServedType(typeUrl)) return;
    const { state, outcome } = this.protocol.apply(this.types.get(typeUrl), typeUrl, this.canonicalNames(req, typeUrl), this.deps.settings.now());
    this.types.set(typeUrl, state);
    this.record(typeUrl, outcome);
    if (outcome.needsResponse) {
      state.dirty = true;
      this.schedulePump();
    }
    if (outcome.kind === 'ack') this.maybeCleanup();
  }

  /** The request with names the node's snapshot has replaced by the snapshot's own strings. */
  private canonicalNames(req: Req, typeUrl: string): Req {
    const snapshot = this.deps.cache.current(this.nodeId!);
    const resources = snapshot?.types.get(typeUrl)?.resources;
    if (!resources || resources.size === 0) return req;
    return this.protocol.canonicalNames(req, (name) => resources.get(name)?.name ?? name);
  }

  /**
   * First message: exactly one credential, a valid node id, the authenticator's verdict for that
   * id; only then is the stream bound to the node and its snapshot watched. The stream stays bound
   * to this identity: a later node id closes it (handle()).
   */
  private async identify(req: Req): Promise<boolean> {
    const auth = this.deps.settings.authentication;
    const nodeId = req.node?.id ?? '';
    const values = auth.kind === 'credential' ? this.call.metadata.get('authorization') : [];
    if (auth.kind === 'credential' && values.length !== 1) return this.refuse(nodeId, credentialCountFailure(values.length));
    const proxy = parseProxyId(nodeId);
    if (!proxy) {
      this.close(grpc.status.INVALID_ARGUMENT, 'request must have a valid Proxy ID');
      return false;
    }
    if (auth.kind === 'credential') {
      const verdict = await checkProxy(auth.check, { credential: credentialOf(String(values[0])), proxy }, this.log());
      if (this.closed) return false;
      if (!verdict.ok) return this.refuse(nodeId, verdict);
    }
    this.nodeId = nodeId;
    // A logger made before now (authentication logged) lacks the node; the next use rebinds.
    this.logger = undefined;
    this.deps.cache.delivery.streamOpened(nodeId, adminPortOf(req.node?.metadata));
    this.unwatch = this.deps.cache.watch(nodeId, () => this.schedulePump());
    if (this.debugEnabled()) this.log().debug('xDS stream identified');
    return true;
  }

  private refuse(nodeId: string, verdict: AuthRefusal): false {
    auditRefusal(this.deps.logger, 'ads', nodeId, verdict, this.peer());
    this.close(grpc.status[verdict.code], verdict.message);
    return false;
  }

  private peer(): string | undefined {
    try {
      return this.call.getPeer();
    } catch {
      return undefined;
    }
  }

  private record(typeUrl: string, outcome: RequestOutcome): void {
    const nodeId = this.nodeId!;
    if (outcome.ackedVersion !== undefined) this.deps.cache.delivery.recordAck(nodeId, typeUrl, outcome.ackedVersion);
    if (outcome.nack) {
      const { version, nonce, resources, message, count } = outcome.nack;
      this.log().warn({ type: shortTypeName(typeUrl), version, resources, error: message, count }, 'proxy rejected configuration (NACK)');
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
    // Nothing to serve yet (not ready, no snapshot): no permit needed; the watch wakes us.
    if (!this.deps.cache.current(this.nodeId!)) return;
    const pool = this.carriesFirstResponse() ? (this.deps.firstPushes ?? this.deps.pushLimiter) : this.deps.pushLimiter;
    await pool.acquire();
    this.permit = pool;
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
      this.permit?.release();
      this.permit = undefined;
    }
  }

  /** Whether some type due a response has never been answered on this stream (a first push). */
  private carriesFirstResponse(): boolean {
    for (const state of this.types.values()) if (state.dirty && state.last === undefined) return true;
    return false;
  }

  private async pushType(typeUrl: string, snapshot: Snapshot): Promise<void> {
    const state = this.types.get(typeUrl);
    if (!state?.dirty) return;
    state.dirty = false;
    const { settings } = this.deps;
    const result = this.protocol.build(state, this.retention.view(typeUrl, snapshot), {
      now: settings.now(),
      nackBackoffMs: settings.nackBackoffMs,
      nextNonce: () => `${this.streamId()}-${(++this.nonces).toString(36)}`,
      controlPlane: { identifier: settings.controlPlaneId },
    });
    if (result.kind === 'defer') {
      state.dirty = true;
      this.wakeAt(result.until);
    } else if (result.kind === 'send') {
      this.deps.cache.delivery.recordSent(this.nodeId!, typeUrl, result.version);
      if (this.debugEnabled()) this.log().debug({ type: shortTypeName(typeUrl), version: result.version, resources: result.resourceCount }, 'sending');
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

  /**
   * Writes one response; waits for 'drain' when the call's buffer is full (back-pressure). While it
   * waits, the pump's permit goes back to its pool, so a slow proxy never holds up other streams'
   * pushes; it takes one again (ahead of new pumps) before it goes on.
   */
  private async write(message: Res): Promise<void> {
    if (this.closed || this.call.write(message)) return;
    const pool = this.permit;
    this.permit = undefined;
    pool?.release();
    let timedOut = false;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timeout);
        this.call.off('drain', done);
        this.drainWaiter = undefined;
        resolve();
      };
      const timeout = setTimeout(() => {
        timedOut = true;
        done();
      }, this.deps.settings.sendTimeoutMs);
      this.call.on('drain', done);
      this.drainWaiter = done;
    });
    if (timedOut) this.close(grpc.status.UNAVAILABLE, `could not send to the proxy for ${this.deps.settings.sendTimeoutMs} ms`);
    if (pool && !this.closed) {
      await pool.acquire(true);
      this.permit = pool;
    }
  }

  private fail(err: unknown): void {
    this.log().error({ err }, 'xDS stream failed');
    this.close(grpc.status.INTERNAL, 'internal error');
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.unwatch?.();
    if (this.timer) clearTimeout(this.timer);
    this.drainWaiter?.();
    if (this.nodeId !== undefined) this.deps.cache.delivery.streamClosed(this.nodeId);
    this.deps.onClosed(this as unknown as AdsStream<CommonRequest, unknown>);
  }
}

/**
 * `dataplane.admin.port` of the node metadata (a Struct, as kuma-dp and dp run put it), when valid.
 * protobufjs decodes the well-known Struct with camel-case field names whatever keepCase says.
 */
export function adminPortOf(metadata: unknown): number | undefined {
  type Value = { stringValue?: unknown; numberValue?: unknown; string_value?: unknown; number_value?: unknown };
  const fields = (metadata as { fields?: Record<string, Value> } | null | undefined)?.fields;
  const value = fields?.['dataplane.admin.port'];
  const raw = value?.stringValue ?? value?.numberValue ?? value?.string_value ?? value?.number_value;
  const port = typeof raw === 'string' ? Number(raw) : raw;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65_536 ? port : undefined;
}
