// Request/reply over Node's child_process IPC channel, for the scale benchmark's child processes
// (the control plane, the simulated-Envoy workers). A request is `{ id, cmd, args }`; the child
// answers `{ id, ok, result | error }`. A child may also send unsolicited `{ event, ... }` messages
// (e.g. `ready`), which the parent receives through `onEvent`. Every call has a timeout that names
// the command, so a stuck child fails the run with a clear message instead of hanging it.
import type { ChildProcess } from 'node:child_process';

/** A command handler in a child process; its result must be serialisable. */
export type IpcHandler = (args: never) => unknown;

interface Request {
  readonly id: number;
  readonly cmd: string;
  readonly args?: unknown;
}

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
}

/** Child side: answers requests from the parent with `handlers`; unknown commands fail. */
export function serveIpc(handlers: Readonly<Record<string, IpcHandler>>): void {
  process.on('message', (message: unknown) => {
    const req = message as Partial<Request>;
    if (typeof req?.id !== 'number' || typeof req.cmd !== 'string') return;
    const handler = handlers[req.cmd];
    const reply = (r: Omit<Reply, 'id'>): void => {
      process.send?.({ id: req.id, ...r });
    };
    if (!handler) return reply({ ok: false, error: `unknown command ${req.cmd}` });
    Promise.resolve()
      .then(() => (handler as (args: unknown) => unknown)(req.args))
      .then(
        (result) => reply({ ok: true, result }),
        (err: unknown) => reply({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
  });
}

/** Child side: sends an unsolicited event to the parent. */
export function sendEvent(event: string, body: Record<string, unknown> = {}): void {
  process.send?.({ event, ...body });
}

/** Parent side: calls commands of one child. */
export class IpcPeer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly eventListeners = new Set<(event: string, body: Record<string, unknown>) => void>();
  private exited: string | undefined;

  constructor(
    readonly child: ChildProcess,
    readonly name: string,
  ) {
    child.on('message', (message: unknown) => {
      const m = message as Partial<Reply> & { event?: string };
      if (typeof m.event === 'string') {
        for (const l of this.eventListeners) l(m.event, m as Record<string, unknown>);
        return;
      }
      if (typeof m.id !== 'number') return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${name}: ${m.error ?? 'failed'}`));
    });
    child.on('exit', (code, signal) => {
      this.exited = `${name} exited (code ${code}, signal ${signal})`;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error(this.exited));
        this.pending.delete(id);
      }
    });
  }

  /** Whether the child process has exited (and why), else undefined. */
  get exitReason(): string | undefined {
    return this.exited;
  }

  /** Calls `cmd`; rejects after `timeoutMs` naming the command, or when the child exits. */
  call<T>(cmd: string, args?: unknown, timeoutMs = 30_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.exited}; cannot call ${cmd}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: no answer to ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.child.send({ id, cmd, args } satisfies Request);
    });
  }

  /** Resolves with the body of the first `event` message, or rejects after `timeoutMs` or on exit. */
  waitForEvent(event: string, timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const done = (err: Error | undefined, body?: Record<string, unknown>): void => {
        clearTimeout(timer);
        this.eventListeners.delete(listener);
        this.child.off('exit', onExit);
        if (err) reject(err);
        else resolve(body!);
      };
      const listener = (e: string, body: Record<string, unknown>): void => {
        if (e === event) done(undefined, body);
      };
      const onExit = (): void => done(new Error(`${this.name} exited before sending ${event}`));
      const timer = setTimeout(() => done(new Error(`${this.name}: no ${event} within ${timeoutMs} ms`)), timeoutMs);
      this.eventListeners.add(listener);
      this.child.once('exit', onExit);
    });
  }

  /** Waits up to `ms` for the child to exit, then kills it with SIGKILL. */
  async stop(ms = 5_000): Promise<void> {
    if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
      }, ms);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
