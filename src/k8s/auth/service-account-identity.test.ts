import { describe, expect, it } from 'vitest';
import { podRunsAs, reviewedServiceAccount, serviceAccountOf } from './service-account-identity.js';

describe('serviceAccountOf', () => {
  it.each<[string, ReturnType<typeof serviceAccountOf>]>([
    ['system:serviceaccount:apps:edge', { namespace: 'apps', name: 'edge' }],
    ['system:serviceaccount:apps', undefined],
    ['system:serviceaccount:apps:edge:extra', undefined],
    ['system:serviceaccount::edge', undefined],
    ['alice', undefined],
    ['system:node:worker-1', undefined],
  ])('%s', (username, expected) => {
    expect(serviceAccountOf(username)).toEqual(expected);
  });
});

describe('reviewedServiceAccount', () => {
  it('takes the ServiceAccount of an authenticated review', () => {
    expect(reviewedServiceAccount({ authenticated: true, user: { username: 'system:serviceaccount:apps:edge' } })).toEqual({ namespace: 'apps', name: 'edge' });
  });

  it('refuses an unauthenticated review with the API server error', () => {
    expect(reviewedServiceAccount({ user: {}, error: 'invalid bearer token' })).toEqual({
      ok: false,
      code: 'UNAUTHENTICATED',
      message: 'service account token was not accepted by the Kubernetes API server: invalid bearer token',
    });
  });

  it('refuses a user token that is not a ServiceAccount', () => {
    expect(reviewedServiceAccount({ authenticated: true, user: { username: 'alice' } })).toEqual({
      ok: false,
      code: 'UNAUTHENTICATED',
      message: 'token of "alice" is not a service account token',
    });
  });
});

describe('podRunsAs', () => {
  const account = { namespace: 'apps', name: 'edge' };
  it('accepts the pod of that namespace and ServiceAccount', () => {
    expect(podRunsAs({ namespace: 'apps', name: 'edge-1', serviceAccountName: 'edge' }, account)).toEqual({ ok: true });
  });
  it('reads a pod without serviceAccountName as "default"', () => {
    expect(podRunsAs({ namespace: 'apps', name: 'p' }, { namespace: 'apps', name: 'default' })).toEqual({ ok: true });
    expect(podRunsAs({ namespace: 'apps', name: 'p' }, account)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
  });
  it('refuses another namespace and another ServiceAccount, each with its own message', () => {
    expect(podRunsAs({ namespace: 'other', name: 'p', serviceAccountName: 'edge' }, account)).toEqual({
      ok: false,
      code: 'PERMISSION_DENIED',
      message: 'proxy namespace from requestor: other is different than in token: apps',
    });
    expect(podRunsAs({ namespace: 'apps', name: 'p', serviceAccountName: 'web' }, account)).toEqual({
      ok: false,
      code: 'PERMISSION_DENIED',
      message: 'proxy service account from requestor: web is different than in token: edge',
    });
  });
});
