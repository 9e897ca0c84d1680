// The one credential check of the dataplane port (docs/xds-server.md §17, docs/dataplane-auth.md): both
// ADS methods and `POST /bootstrap` ask the same question — may the holder of this credential act
// as proxy `<mesh>.<name>`, and (bootstrap) register this Dataplane? — before a byte of config is
// sent. The answer comes from a function the runtime injects, so this module knows nothing about
// tokens or the store: universal mode plugs in dataplane tokens bound to the stored Dataplane,
// Kubernetes mode a ServiceAccount token review against the Pod behind it.
import type { Logger } from 'pino';
import type { ProxyId } from './proxy-id.js';

/** What is asked of the authenticator: a credential, the identity claimed, and what is registered. */
export interface ProxyAuthRequest {
  /** The credential as presented, with any `Bearer ` prefix removed; never logged. */
  readonly credential: string;
  /** The identity the caller claims (the node id `<mesh>.<name>`, or the bootstrap request's). */
  readonly proxy: ProxyId;
  /**
   * `POST /bootstrap` in universal mode: the inline Dataplane the caller is about to register
   * (parsed, not yet validated). The credential must be bound to it as well as to any stored one.
   */
  readonly candidate?: Readonly<Record<string, unknown>>;
}

/** Why a caller was refused: no valid credential, or a valid one that does not cover this proxy. */
export type AuthFailureCode = 'UNAUTHENTICATED' | 'PERMISSION_DENIED';

/** The authenticator's answer; a refusal carries the message the caller sees. */
export type AuthVerdict = { readonly ok: true } | AuthRefusal;

/** A refusal; `INTERNAL` only when the check itself failed (see `checkProxy`). */
export interface AuthRefusal {
  readonly ok: false;
  readonly code: AuthFailureCode | 'INTERNAL';
  readonly message: string;
}

/** Checks a credential against the claimed proxy; must not throw for bad input (refuse instead). */
export type ProxyAuthenticator = (request: ProxyAuthRequest) => Promise<AuthVerdict>;

/**
 * How the dataplane port authenticates: `credential` runs the authenticator on every stream and
 * bootstrap; `none` runs nothing (Kuma's `KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE=none`). A value, not
 * an optional function, so turning authentication off is always written down by the caller.
 */
export type ProxyAuthentication = { readonly kind: 'none' } | { readonly kind: 'credential'; readonly check: ProxyAuthenticator };

/** No authentication at all: every caller may act as any proxy. */
export const NO_AUTHENTICATION: ProxyAuthentication = { kind: 'none' };

/** Authentication by `check`. */
export function credentialAuthentication(check: ProxyAuthenticator): ProxyAuthentication {
  return { kind: 'credential', check };
}

/** The refusal for a request without exactly one credential. */
export function credentialCountFailure(count: number): AuthRefusal {
  return { ok: false, code: 'UNAUTHENTICATED', message: `request must have exactly 1 "authorization" header, got ${count}` };
}

/** The credential of an `authorization` value: Kuma's raw token, or `Bearer <token>`. */
export function credentialOf(value: string): string {
  const match = /^Bearer(?:\s+(.*))?$/is.exec(value.trim());
  return (match ? (match[1] ?? '') : value).trim();
}

/**
 * Runs `check` and turns a throw into a refusal, so a failing store or a bug in an authenticator
 * refuses the caller instead of letting it through or killing the stream handler.
 */
export async function checkProxy(check: ProxyAuthenticator, request: ProxyAuthRequest, logger: Logger): Promise<AuthVerdict> {
  try {
    return await check(request);
  } catch (err) {
    logger.error({ err, proxy: `${request.proxy.mesh}.${request.proxy.name}` }, 'proxy authentication failed internally');
    return { ok: false, code: 'INTERNAL', message: 'internal error' };
  }
}

/** One audit line per refusal: who was refused, where, and why; never the credential. */
export function auditRefusal(logger: Logger, where: 'ads' | 'bootstrap', proxy: string, verdict: AuthRefusal, peer?: string): void {
  logger.warn({ audit: 'dataplane-auth', where, proxy, code: verdict.code, reason: verdict.message, peer }, 'dataplane refused');
}
