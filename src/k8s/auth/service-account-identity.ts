// Kubernetes mode proxy identity (docs/dataplane-auth.md): a gateway pod presents its
// ServiceAccount token; the API server's TokenReview says whose it is, and the pod behind the
// Dataplane must run as that ServiceAccount in that namespace. Pure: the reviews and the pod are
// read by the caller.

/** A ServiceAccount as named by a TokenReview username. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** The proxy-facing outcome of one check: accepted, or refused with a gRPC-style code. */
export type IdentityVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED'; readonly message: string };

/** The status part of a TokenReview answer that the check reads. */
export interface TokenReviewStatus {
  readonly authenticated?: boolean;
  readonly user?: { readonly username?: string };
  readonly error?: string;
}

/** The pod fields the check reads. */
export interface PodIdentity {
  readonly namespace: string;
  readonly name: string;
  /** `spec.serviceAccountName`; Kubernetes runs a pod without one as `default`. */
  readonly serviceAccountName?: string;
}

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/** The ServiceAccount of a username `system:serviceaccount:<namespace>:<name>`, else undefined. */
export function serviceAccountOf(username: string): ServiceAccountRef | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const [namespace, name, ...rest] = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (!namespace || !name || rest.length > 0) return undefined;
  return { namespace, name };
}

/** The reviewed ServiceAccount, or why the token is not one. */
export function reviewedServiceAccount(status: TokenReviewStatus): ServiceAccountRef | Extract<IdentityVerdict, { ok: false }> {
  if (status.authenticated !== true) {
    const why = status.error ? `: ${status.error}` : '';
    return { ok: false, code: 'UNAUTHENTICATED', message: `service account token was not accepted by the Kubernetes API server${why}` };
  }
  const username = status.user?.username ?? '';
  const account = serviceAccountOf(username);
  if (!account) return { ok: false, code: 'UNAUTHENTICATED', message: `token of ${JSON.stringify(username)} is not a service account token` };
  return account;
}

/** Whether the pod behind a Dataplane runs as `account`, with the mismatch spelt out when not. */
export function podRunsAs(pod: PodIdentity, account: ServiceAccountRef): IdentityVerdict {
  if (pod.namespace !== account.namespace) {
    return { ok: false, code: 'PERMISSION_DENIED', message: `proxy namespace from requestor: ${pod.namespace} is different than in token: ${account.namespace}` };
  }
  const podAccount = pod.serviceAccountName || 'default';
  if (podAccount !== account.name) {
    return { ok: false, code: 'PERMISSION_DENIED', message: `proxy service account from requestor: ${podAccount} is different than in token: ${account.name}` };
  }
  return { ok: true };
}
