// Store operation latency for the metrics (docs/operations.md, "Metrics"): the store's methods are
// timed in place on the instance, so the store keeps its identity (the runtime tells stores apart
// with instanceof and reads the Postgres feed from it) and no caller changes. Only calls made after
// instrumentStore are timed; watch and close are not operations worth a histogram.
import type { Kind, ResourceInput, ResourceKey } from '../core/resource.js';
import type { ResourceStore, WriteOp } from '../core/store.js';

/** One operation: which, on which kind (`-` for a commit of several), how long, and whether it threw. */
export type StoreObserver = (operation: StoreOperation, kind: string, seconds: number, ok: boolean) => void;

export type StoreOperation = 'get' | 'list' | 'put' | 'delete' | 'commit';

/** Times get, list, put, delete and commit of `store` into what `observer()` returns at the time. */
export function instrumentStore(store: ResourceStore, observer: () => StoreObserver | undefined): void {
  const timed = <A extends unknown[], R>(operation: StoreOperation, original: (...args: A) => Promise<R>, kindOf: (...args: A) => string) =>
    async (...args: A): Promise<R> => {
      const began = performance.now();
      let ok = false;
      try {
        const result = await original(...args);
        ok = true;
        return result;
      } finally {
        observer()?.(operation, kindOf(...args), (performance.now() - began) / 1000, ok);
      }
    };
  const target = store as unknown as Record<StoreOperation, unknown>;
  target.get = timed('get', store.get.bind(store), (key: { kind: Kind }) => key.kind);
  target.list = timed('list', store.list.bind(store), (kind: Kind) => kind);
  target.put = timed('put', store.put.bind(store), (resource: ResourceInput) => resource.kind);
  target.delete = timed('delete', store.delete.bind(store), (key: ResourceKey) => key.kind);
  target.commit = timed('commit', store.commit.bind(store), (ops: readonly WriteOp[]) => commitKind(ops));
}

/** The kind of a commit's ops when they share one, else `-`. */
function commitKind(ops: readonly WriteOp[]): string {
  const kinds = new Set(ops.map((op) => (op.op === 'put' ? op.resource.kind : op.key.kind)));
  return kinds.size === 1 ? [...kinds][0]! : '-';
}
