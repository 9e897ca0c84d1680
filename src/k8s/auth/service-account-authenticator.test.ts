// The Kubernetes-mode proxy check against the fake API server through the real client: a real
// TokenReview request, the pod read, the cache, and API failures as refusals.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKubeApi, type FakeKubeApi } from '../../../test/support/fake-kube-api/index.js';
import { createServiceAccountAuthenticator, REVIEW_CACHE_MS, type ServiceAccountAuthenticator } from './service-account-authenticator.js';

let api: FakeKubeApi;
let clock: number;
let authenticate: ServiceAccountAuthenticator;

const pod = (name: string, serviceAccountName?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'apps' },
  spec: { ...(serviceAccountName ? { serviceAccountName } : {}), containers: [{ name: 'kuma-gateway', image: 'portico' }] },
});

beforeEach(async () => {
  api = await startFakeKubeApi({ namespaces: ['default', 'apps'] });
  api.seed([pod('edge-1', 'edge'), pod('web-1')]);
  api.setTokenReview('edge-token', { authenticated: true, user: { username: 'system:serviceaccount:apps:edge' } });
  api.setTokenReview('other-ns-token', { authenticated: true, user: { username: 'system:serviceaccount:prod:edge' } });
  api.setTokenReview('user-token', { authenticated: true, user: { username: 'alice' } });
  clock = 1_000_000;
  authenticate = createServiceAccountAuthenticator({ kubeConfig: api.kubeConfig(), now: () => clock });
});

afterEach(async () => {
  await api.close();
});

describe('ServiceAccount authenticator', () => {
  it('accepts the token of the ServiceAccount the pod runs as', async () => {
    expect(await authenticate('edge-token', 'edge-1.apps')).toEqual({ ok: true });
  });

  it.each([
    ['an unknown token', 'nope', 'edge-1.apps', 'UNAUTHENTICATED', 'service account token was not accepted by the Kubernetes API server: invalid bearer token'],
    ['a user, not a ServiceAccount', 'user-token', 'edge-1.apps', 'UNAUTHENTICATED', 'token of "alice" is not a service account token'],
    ['a pod of another ServiceAccount', 'edge-token', 'web-1.apps', 'PERMISSION_DENIED', 'proxy service account from requestor: default is different than in token: edge'],
    ['another namespace', 'other-ns-token', 'edge-1.apps', 'PERMISSION_DENIED', 'proxy namespace from requestor: apps is different than in token: prod'],
    ['a pod that does not exist', 'edge-token', 'ghost.apps', 'PERMISSION_DENIED', 'pod apps/ghost not found'],
    ['a name without namespace', 'edge-token', 'edge-1', 'PERMISSION_DENIED', 'proxy name "edge-1" is not <pod>.<namespace>'],
  ])('refuses %s', async (_what, token, proxy, code, message) => {
    expect(await authenticate(token, proxy)).toEqual({ ok: false, code, message });
  });

  it('reviews an accepted token once per cache period, and never caches a refusal', async () => {
    const reviews = () => api.countRequests({ path: '/apis/authentication.k8s.io/v1/tokenreviews' });
    await authenticate('edge-token', 'edge-1.apps');
    await authenticate('edge-token', 'edge-1.apps');
    expect(reviews()).toBe(1);
    clock += REVIEW_CACHE_MS + 1;
    await authenticate('edge-token', 'edge-1.apps');
    expect(reviews()).toBe(2);
    await authenticate('late-token', 'edge-1.apps');
    api.setTokenReview('late-token', { authenticated: true, user: { username: 'system:serviceaccount:apps:edge' } });
    expect(await authenticate('late-token', 'edge-1.apps')).toEqual({ ok: true });
  });

  it('refuses (so the proxy retries) while the API server fails', async () => {
    api.failNext({ path: '/apis/authentication.k8s.io/v1/tokenreviews', status: 503, count: 1 });
    const verdict = await authenticate('edge-token', 'edge-1.apps');
    expect(verdict).toMatchObject({ ok: false, code: 'UNAUTHENTICATED', message: expect.stringContaining('could not verify the service account token with the Kubernetes API server') });
    expect(await authenticate('edge-token', 'edge-1.apps')).toEqual({ ok: true });
  });
});
