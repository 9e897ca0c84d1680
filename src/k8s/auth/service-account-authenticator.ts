// Kubernetes-mode proxy authentication (docs/dataplane-auth.md): TokenReview of the presented
// ServiceAccount token, then the pod behind the Dataplane (`<pod>.<namespace>`) must run as that
// ServiceAccount. Accepted reviews are cached briefly by a hash of the token, so a reconnect storm
// of thousands of proxies does not become thousands of reviews; refusals are never cached, so a
// proxy whose RBAC or pod was just fixed is not kept out.
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { readObject } from '../controllers/read-object.js';
import { kubeRequest } from '../watch/kube-request.js';
import { podRunsAs, reviewedServiceAccount, type IdentityVerdict, type ServiceAccountRef, type TokenReviewStatus } from './service-account-identity.js';

/** How long an accepted review is reused. */
export const REVIEW_CACHE_MS = 30_000;
/** Most reviews kept; the oldest go first. */
const REVIEW_CACHE_SIZE = 10_000;

/** Options of createServiceAccountAuthenticator. */
export interface ServiceAccountAuthenticatorOptions {
  readonly kubeConfig: KubeConfig;
  /** Audiences to request in the review (default: the API server's own). */
  readonly audiences?: readonly string[];
  readonly now?: () => number;
}

/** Checks that `token` may act as the proxy named `<pod>.<namespace>`. */
export type ServiceAccountAuthenticator = (token: string, proxyName: string) => Promise<IdentityVerdict>;

interface PodObject {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: { readonly serviceAccountName?: string };
}

/** The authenticator; every API failure is a refusal with its reason (the proxy retries). */
export function createServiceAccountAuthenticator(options: ServiceAccountAuthenticatorOptions): ServiceAccountAuthenticator {
  const now = options.now ?? Date.now;
  const reviews = new Map<string, { account: ServiceAccountRef; until: number }>();

  async function review(token: string): Promise<ServiceAccountRef | Extract<IdentityVerdict, { ok: false }>> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = reviews.get(key);
    if (cached && cached.until > now()) return cached.account;
    const answer = await kubeRequest<{ status?: TokenReviewStatus }>(options.kubeConfig, {
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/tokenreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, ...(options.audiences ? { audiences: options.audiences } : {}) } },
    });
    const account = reviewedServiceAccount(answer.status ?? {});
    if ('namespace' in account) {
      if (reviews.size >= REVIEW_CACHE_SIZE) reviews.delete(reviews.keys().next().value as string);
      reviews.set(key, { account, until: now() + REVIEW_CACHE_MS });
    }
    return account;
  }

  return async (token, proxyName) => {
    const dot = proxyName.lastIndexOf('.');
    if (dot <= 0 || dot === proxyName.length - 1) {
      return { ok: false, code: 'PERMISSION_DENIED', message: `proxy name ${JSON.stringify(proxyName)} is not <pod>.<namespace>` };
    }
    const pod = { name: proxyName.slice(0, dot), namespace: proxyName.slice(dot + 1) };
    let account: ServiceAccountRef | Extract<IdentityVerdict, { ok: false }>;
    let object: PodObject | undefined;
    try {
      account = await review(token);
      if (!('namespace' in account)) return account;
      object = await readObject<PodObject>(options.kubeConfig, `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}`);
    } catch (err) {
      return { ok: false, code: 'UNAUTHENTICATED', message: `could not verify the service account token with the Kubernetes API server: ${(err as Error).message}` };
    }
    if (!object) return { ok: false, code: 'PERMISSION_DENIED', message: `pod ${pod.namespace}/${pod.name} not found` };
    return podRunsAs({ ...pod, ...(object.spec?.serviceAccountName ? { serviceAccountName: object.spec.serviceAccountName } : {}) }, account);
  };
}
