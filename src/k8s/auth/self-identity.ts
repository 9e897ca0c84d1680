// Who the control plane is to the API server: the username its requests carry, asked once at start
// with a SelfSubjectReview (any authenticated client may ask; no RBAC rule is needed). The admission
// webhook exempts that user from the multi-zone write rules, so the copies the control plane
// itself writes are never refused while the same write by a person is (src/k8s/webhook/admit.ts).
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest } from '../watch/kube-request.js';

/** The ServiceAccount username `install control-plane` runs the control plane as. */
export function installedControlPlaneUser(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** The username the API server sees for `kubeConfig`; rejects when the review fails. */
export async function selfUsername(kubeConfig: KubeConfig, timeoutMs = 10_000): Promise<string> {
  const answer = await kubeRequest<{ status?: { userInfo?: { username?: string } } }>(kubeConfig, {
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    timeoutMs,
  });
  const username = answer.status?.userInfo?.username;
  if (!username) throw new Error('the SelfSubjectReview answer names no user');
  return username;
}
