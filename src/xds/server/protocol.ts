// The seam between the stream driver (ads-stream.ts) and the two wire protocols: SotW
// (sotw-stream.ts) and delta (delta-stream.ts) each provide an AdsProtocol; the driver handles
// identity, ordering, retention, timers and I/O identically for both.
import type { TypeState, RequestOutcome, TypeView } from './stream-state.js';
import type { NodeMessage, RpcStatusMessage } from './ads-service.js';

/** Inputs a builder needs besides state and view. */
export interface BuildContext {
  /** Clock in ms (injectable for tests). */
  readonly now: number;
  readonly nackBackoffMs: number;
  /** Issues the nonce of the response being built; called only when a response is sent. */
  readonly nextNonce: () => string;
  readonly controlPlane?: { readonly identifier: string };
}

/** What a builder decided: nothing to send, send later (NACK backoff), or this message. */
export type BuildResult<M> =
  | { readonly kind: 'none' }
  | { readonly kind: 'defer'; readonly until: number }
  | { readonly kind: 'send'; readonly message: M; readonly version: string; readonly resourceCount: number };

/** Fields every discovery request has, SotW or delta. */
export interface CommonRequest {
  readonly node?: NodeMessage | null;
  readonly type_url?: string;
  readonly response_nonce?: string;
  readonly error_detail?: RpcStatusMessage | null;
}

/** One wire protocol: how requests change type state and how responses are built. */
export interface AdsProtocol<Req extends CommonRequest, Res> {
  readonly mode: 'sotw' | 'delta';
  /** Applies a request; creates the state for a type's first request. */
  apply(existing: TypeState | undefined, typeUrl: string, req: Req, now: number): { state: TypeState; outcome: RequestOutcome };
  /** Builds the response due for a type (committing it to the state when sent). */
  build(state: TypeState, view: TypeView, ctx: BuildContext): BuildResult<Res>;
  /** Number of resource names a request carries (bounded per request). */
  nameCount(req: Req): number;
  /**
   * The request with every subscribed or unsubscribed name replaced by `canonical(name)`: the
   * equal string the snapshot already holds, so the names a stream keeps are shared, not copies
   * decoded from each request.
   */
  canonicalNames(req: Req, canonical: (name: string) => string): Req;
}
