// The universal authenticator behind the seam: which verdict each situation gets (invalid token,
// name, stored Dataplane, registered Dataplane, none of them), and which modes authenticate.
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import { DataplaneTokens } from '../tokens/dataplane-token.js';
import { ZoneTokens } from '../tokens/zone-token.js';
import { dataplaneAuthentication, dataplaneTags, dataplaneTokenAuthenticator } from './dataplane-authentication.js';

const silent = pino({ level: 'silent' });
const gateway = (service: string) => ({ type: 'Dataplane', mesh: 'default', name: 'gw-1', networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': service } } } });

describe('dataplaneTokenAuthenticator', () => {
  const store = new MemoryStore({ logger: silent });
  const tokens = new DataplaneTokens(store);
  const check = dataplaneTokenAuthenticator(store, tokens, Date.now);
  const issue = (name: string, tags: Record<string, string[]> = {}) => tokens.issue({ mesh: 'default', name, tags, type: 'dataplane', validForSeconds: 600 }, Date.now());
  const proxy = { mesh: 'default', name: 'gw-1' };

  beforeAll(async () => {
    await store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    await store.put({ kind: 'Dataplane', mesh: 'default', name: 'gw-1', spec: { networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } } });
  });

  it('accepts a token bound to the name and the stored tags', async () => {
    expect(await check({ credential: await issue('gw-1', { 'kuma.io/service': ['edge'] }), proxy })).toEqual({ ok: true });
  });
  it('refuses an invalid token as UNAUTHENTICATED', async () => {
    expect(await check({ credential: 'x', proxy })).toEqual({ ok: false, code: 'UNAUTHENTICATED', message: 'token is not a valid JWT' });
  });
  it('refuses a token for another name as PERMISSION_DENIED', async () => {
    expect(await check({ credential: await issue('gw-2'), proxy })).toEqual({ ok: false, code: 'PERMISSION_DENIED', message: 'proxy name from requestor: gw-1 is different than in token: gw-2' });
  });
  it('checks the stored Dataplane even when registering a matching one (no takeover)', async () => {
    const backend = await issue('', { 'kuma.io/service': ['backend'] });
    expect(await check({ credential: backend, proxy, candidate: gateway('backend') })).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', message: expect.stringContaining('with value "edge"') });
  });
  it('checks the Dataplane being registered', async () => {
    const edge = await issue('', { 'kuma.io/service': ['edge'] });
    expect(await check({ credential: edge, proxy, candidate: gateway('backend') })).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', message: expect.stringContaining('with value "backend"') });
    expect(await check({ credential: edge, proxy: { mesh: 'default', name: 'new' }, candidate: { ...gateway('edge'), name: 'new' } })).toEqual({ ok: true });
  });
  it('refuses a tag-bound token when there is no Dataplane at all', async () => {
    const edge = await issue('', { 'kuma.io/service': ['edge'] });
    expect(await check({ credential: edge, proxy: { mesh: 'default', name: 'nobody' } })).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', message: 'dataplane has no tag "kuma.io/service" required by the token' });
  });
});

describe('dataplaneTags', () => {
  it('merges gateway and inbound tags, every value once', () => {
    const spec = {
      networking: {
        address: '1.1.1.1',
        inbound: [
          { port: 1, tags: { 'kuma.io/service': 'a', team: 'x' } },
          { port: 2, tags: { 'kuma.io/service': 'b', team: 'x' } },
        ],
      },
    };
    expect(dataplaneTags(spec)).toEqual({ 'kuma.io/service': ['a', 'b'], team: ['x'] });
  });
});

describe('dataplaneAuthentication', () => {
  const store = new MemoryStore({ logger: silent });
  const tokens = new DataplaneTokens(store);
  it.each([
    ['embedded', 'dpToken', 'credential'],
    ['memory', 'dpToken', 'credential'],
    ['embedded', 'none', 'none'],
    ['kubernetes', 'dpToken', 'credential'],
    ['kubernetes', 'none', 'none'],
  ] as const)('store %s with %s: %s', (mode, type, kind) => {
    const serviceAccounts = async () => ({ ok: true }) as const;
    expect(dataplaneAuthentication({ store: mode, type, resources: store, tokens, logger: silent, serviceAccounts }).kind).toBe(kind);
  });

  it('checks the ServiceAccount token against the proxy name <pod>.<namespace> in Kubernetes mode', async () => {
    const asked: string[] = [];
    const auth = dataplaneAuthentication({
      store: 'kubernetes',
      type: 'dpToken',
      resources: store,
      tokens,
      logger: silent,
      serviceAccounts: async (token, proxyName) => {
        asked.push(`${token} ${proxyName}`);
        return proxyName === 'edge-1.apps' ? { ok: true } : { ok: false, code: 'PERMISSION_DENIED', message: 'no' };
      },
    });
    if (auth.kind !== 'credential') throw new Error('expected a credential check');
    expect(await auth.check({ credential: 'sa-token', proxy: { mesh: 'default', name: 'edge-1.apps' } })).toEqual({ ok: true });
    expect(await auth.check({ credential: 'sa-token', proxy: { mesh: 'default', name: 'web-1.apps' } })).toEqual({ ok: false, code: 'PERMISSION_DENIED', message: 'no' });
    expect(asked).toEqual(['sa-token edge-1.apps', 'sa-token web-1.apps']);
  });
});

describe('zone ingresses (node id .<name>): zone tokens of scope ingress for this zone', () => {
  const store = new MemoryStore({ logger: silent });
  const tokens = new DataplaneTokens(store);
  const zoneTokens = new ZoneTokens(store);
  const auth = dataplaneAuthentication({ store: 'embedded', type: 'dpToken', resources: store, tokens, logger: silent, zoneIngresses: { tokens: zoneTokens, zone: 'zone-1' } });
  const ingress = { mesh: '', name: 'ingress-1' };
  const zoneToken = (zone: string, scope: Array<'cp' | 'ingress' | 'egress'>) => zoneTokens.issue({ zone, scope, validForSeconds: 600 }, Date.now());
  const check = (credential: string, proxy = ingress) => {
    if (auth.kind !== 'credential') throw new Error('expected a credential check');
    return auth.check({ credential, proxy });
  };

  beforeAll(async () => {
    await store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
  });

  it('accepts a zone token of scope ingress for this zone', async () => {
    expect(await check(await zoneToken('zone-1', ['ingress']))).toEqual({ ok: true });
    expect(await check(await zoneToken('zone-1', ['cp', 'egress', 'ingress']))).toEqual({ ok: true });
  });
  it('refuses a token of another zone or without scope ingress as PERMISSION_DENIED', async () => {
    expect(await check(await zoneToken('zone-2', ['ingress']))).toEqual({ ok: false, code: 'PERMISSION_DENIED', message: 'zone from requestor: zone-1 is different than in token: zone-2' });
    expect(await check(await zoneToken('zone-1', ['cp']))).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', message: expect.stringContaining('no scope "ingress"') });
  });
  it('refuses a dataplane token for an ingress, and an ingress token for a Dataplane', async () => {
    const dpToken = await tokens.issue({ mesh: 'default', name: '', tags: {}, type: 'dataplane', validForSeconds: 600 }, Date.now());
    expect(await check(dpToken)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await check(dpToken, { mesh: 'default', name: 'ingress-1' })).toEqual({ ok: true });
    expect(await check(await zoneToken('zone-1', ['ingress']), { mesh: 'default', name: 'ingress-1' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });
  it('refuses every ingress when the control plane serves none, and in Kubernetes mode', async () => {
    const without = dataplaneAuthentication({ store: 'embedded', type: 'dpToken', resources: store, tokens, logger: silent });
    if (without.kind !== 'credential') throw new Error('expected a credential check');
    expect(await without.check({ credential: await zoneToken('zone-1', ['ingress']), proxy: ingress })).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
    const kube = dataplaneAuthentication({ store: 'kubernetes', type: 'dpToken', resources: store, tokens, logger: silent, serviceAccounts: async () => ({ ok: true }) });
    if (kube.kind !== 'credential') throw new Error('expected a credential check');
    expect(await kube.check({ credential: 'sa', proxy: ingress })).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', message: 'zone ingress proxies are not served in Kubernetes mode yet' });
  });
});
