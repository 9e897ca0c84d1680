// Watch streams: newline-delimited JSON events over a chunked 200 response, as the real server
// sends them. Without a resourceVersion (or with "0") a watch first sends ADDED for every current
// object; with resourceVersion N it replays the retained events after N, or, when N is older
// than the retained window, sends one ERROR event carrying a 410 Expired Status and ends the
// stream (HTTP status stays 200, exactly like the real watch cache). With a selector, an object
// that stops matching arrives as DELETED and one that starts matching as ADDED. A resourceVersion
// newer than the store's is treated as current (the real server waits up to 3 s for it, then
// answers 504 "Too large resource version"); sendInitialEvents (watch-list) is not implemented.
import type http from 'node:http';
import type { Obj } from './json.js';
import { metadataOf, str } from './json.js';
import type { ObjectStore, StoreEvent } from './object-store.js';
import { present } from './read-operations.js';
import type { ResourceType } from './resource-types.js';
import { apiVersionOf } from './resource-types.js';
import { badRequest, expired } from './status-errors.js';

/** What one watch request asked for. */
export interface WatchRequest {
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly matches: (obj: Obj) => boolean;
  readonly resourceVersion: string | null;
  readonly allowBookmarks: boolean;
  readonly timeoutSeconds: number | undefined;
}

interface OpenWatch {
  readonly request: WatchRequest;
  readonly res: http.ServerResponse;
  close(mode: 'end' | 'reset'): void;
  bookmark(): void;
}

/** The open watches of one server. */
export class WatchHub {
  private readonly watches = new Set<OpenWatch>();
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(private readonly store: ObjectStore, private readonly bookmarkIntervalMs: number) {}

  /** Starts streaming; throws KubeError (before any byte is written) for a malformed resourceVersion. */
  open(request: WatchRequest, req: http.IncomingMessage, res: http.ServerResponse): void {
    const rv = request.resourceVersion;
    const from = rv === null || rv === '' || rv === '0' ? undefined : Number(rv);
    if (from !== undefined && (!Number.isInteger(from) || from < 0)) throw badRequest(`resourceVersion: Invalid value: "${rv}": strconv.ParseUint: parsing "${rv}": invalid syntax`);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const replay = from === undefined ? undefined : this.store.eventsAfter(from);
    if (replay === 'expired') {
      const status = expired(from ?? 0, this.store.oldestWatchable() + 1).toStatus();
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      return;
    }
    const send = (type: string, object: Obj): void => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const deliver = (event: StoreEvent): void => {
      const translated = translate(request, event);
      if (translated) send(translated, present(request.type, event.object));
    };
    if (replay === undefined) {
      for (const obj of this.store.list(request.type, request.namespace)) if (request.matches(obj)) send('ADDED', present(request.type, obj));
    } else {
      replay.forEach(deliver);
    }
    const bookmark = (): void => send('BOOKMARK', { kind: request.type.kind, apiVersion: apiVersionOf(request.type), metadata: { resourceVersion: String(this.store.currentRevision()), creationTimestamp: null } });
    const unsubscribe = this.store.subscribe(deliver);
    const timers: NodeJS.Timeout[] = [];
    if (request.allowBookmarks && this.bookmarkIntervalMs > 0) timers.push(setInterval(bookmark, this.bookmarkIntervalMs));
    const watch: OpenWatch = {
      request,
      res,
      bookmark: () => {
        if (request.allowBookmarks) bookmark();
      },
      close: (mode) => {
        if (mode === 'reset') res.socket?.destroy();
        else res.end();
      },
    };
    if (request.timeoutSeconds !== undefined) {
      timers.push(setTimeout(() => {
        watch.bookmark();
        watch.close('end');
      }, request.timeoutSeconds * 1000));
    }
    const cleanup = (): void => {
      unsubscribe();
      timers.forEach((t) => clearTimeout(t));
      this.watches.delete(watch);
    };
    res.on('close', cleanup);
    req.on('close', cleanup);
    this.watches.add(watch);
    for (const waiter of this.waiters.filter((w) => this.watches.size >= w.count)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  /** Number of open watch streams. */
  count(): number {
    return this.watches.size;
  }

  /** Resolves once at least `count` watches are open. */
  waitFor(count: number): Promise<void> {
    if (this.watches.size >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Ends every open watch: cleanly ('end', like a server-side timeout) or by resetting the connection. */
  dropAll(mode: 'end' | 'reset'): number {
    const dropped = [...this.watches];
    for (const watch of dropped) {
      this.watches.delete(watch);
      watch.close(mode);
    }
    return dropped.length;
  }

  /** Sends a BOOKMARK with the current revision to every watch that allowed bookmarks. */
  sendBookmarks(): void {
    for (const watch of this.watches) watch.bookmark();
  }
}

/** The event type this watch sees for a store event, or undefined when it is filtered out. */
function translate(request: WatchRequest, event: StoreEvent): string | undefined {
  if (event.resource.group !== request.type.group || event.resource.plural !== request.type.plural) return undefined;
  const inScope = (obj: Obj | undefined): boolean => obj !== undefined && (request.namespace === undefined || str(metadataOf(obj), 'namespace') === request.namespace) && request.matches(obj);
  const now = inScope(event.object);
  const before = inScope(event.previous);
  switch (event.type) {
    case 'ADDED':
      return now ? 'ADDED' : undefined;
    case 'DELETED':
      return before || now ? 'DELETED' : undefined;
    case 'MODIFIED':
      if (now && before) return 'MODIFIED';
      if (now) return 'ADDED';
      return before ? 'DELETED' : undefined;
  }
}
