// Dataplane tokens at unit level: the issue request (REST body and CLI flags), the claims that
// come back from validation, offline issuing with a key file, and the binding checks against a
// Dataplane — one table row per message of docs/xds-server.md §17.
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import {
  checkDataplaneBinding,
  DataplaneTokens,
  DEFAULT_DATAPLANE_TOKEN_VALIDITY_SECONDS,
  issueOfflineDataplaneToken,
  parseDataplaneTokenRequest,
  requestFromFlags,
  type DataplaneTokenClaims,
  type TokenSubject,
} from './dataplane-token.js';
import { parseDuration } from './duration.js';
import { newSigningKeyPem } from './signing-keys.js';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const claims = (c: Partial<DataplaneTokenClaims>): DataplaneTokenClaims => ({ Name: '', Mesh: 'default', Tags: {}, Type: 'dataplane', ...c });
const subject: TokenSubject = { mesh: 'default', name: 'gw-1', tags: { 'kuma.io/service': ['edge'], team: ['a', 'b'] } };

describe('checkDataplaneBinding', () => {
  it.each<[string, Partial<DataplaneTokenClaims>, string | undefined]>([
    ['a mesh-wide token', {}, undefined],
    ['a token for this name and its tags', { Name: 'gw-1', Tags: { 'kuma.io/service': ['edge', 'other'], team: ['a', 'b'] } }, undefined],
    ['a token from before the Type claim', { Type: '' }, undefined],
    ['another name', { Name: 'gw-2' }, 'proxy name from requestor: gw-1 is different than in token: gw-2'],
    ['another mesh', { Mesh: 'demo' }, 'proxy mesh from requestor: default is different than in token: demo'],
    ['another proxy type', { Type: 'ingress' }, 'proxy type from requestor: dataplane is different than in token: ingress'],
    ['a tag the Dataplane lacks', { Tags: { 'kuma.io/zone': ['east'] } }, 'dataplane has no tag "kuma.io/zone" required by the token'],
    [
      'a tag value the token does not allow',
      { Tags: { 'kuma.io/service': ['backend'] } },
      'dataplane contains tag "kuma.io/service" with value "edge" which is not allowed with this token. Allowed values in token are ["backend"]',
    ],
    [
      'one of several Dataplane values not allowed',
      { Tags: { team: ['b', 'c'] } },
      'dataplane contains tag "team" with value "a" which is not allowed with this token. Allowed values in token are ["b" "c"]',
    ],
  ])('%s', (_name, c, message) => {
    expect(checkDataplaneBinding(claims(c), subject)).toBe(message);
  });
});

describe('parseDataplaneTokenRequest', () => {
  it("reads Kuma's body", () => {
    expect(parseDataplaneTokenRequest({ name: 'gw-1', mesh: 'default', tags: { team: ['b', 'a', 'a'] }, type: 'dataplane', validFor: '24h' })).toEqual({
      ok: true,
      value: { name: 'gw-1', mesh: 'default', tags: { team: ['a', 'b'] }, type: 'dataplane', validForSeconds: 86400 },
    });
  });
  it('defaults the name (any), the type and a validity of 10 years', () => {
    expect(parseDataplaneTokenRequest({ mesh: 'default' })).toEqual({
      ok: true,
      value: { name: '', mesh: 'default', tags: {}, type: 'dataplane', validForSeconds: DEFAULT_DATAPLANE_TOKEN_VALIDITY_SECONDS },
    });
  });
  it('lists every mistake with its field path', () => {
    expect(parseDataplaneTokenRequest({ name: 7, tags: { team: [], '': ['x'] }, type: 'ingress', validFor: '1 day' })).toEqual({
      ok: false,
      violations: [
        { field: 'name', message: 'must be a string' },
        { field: 'mesh', message: 'cannot be empty' },
        { field: 'type', message: 'must be "dataplane" (ingress and egress proxies are not served)' },
        { field: 'validFor', message: 'invalid duration "1 day": use a number with a unit (h, m, s), e.g. 24h, 30m, 8760h' },
        { field: 'tags["team"]', message: 'must be a non-empty list of non-empty strings' },
        { field: 'tags[""]', message: 'tag name cannot be empty' },
      ],
    });
  });
  it('refuses a validity over 10 years', () => {
    expect(parseDataplaneTokenRequest({ mesh: 'm', validFor: '87601h' })).toEqual({ ok: false, violations: [{ field: 'validFor', message: 'must be at most 87600h' }] });
  });
  it('reads CLI flags: repeated --tag k=v, --valid-for', () => {
    expect(requestFromFlags({ mesh: 'm', name: 'n', tags: ['team=a', 'team=b', 'kuma.io/service=edge'], validFor: '30m' })).toEqual({
      ok: true,
      value: { name: 'n', mesh: 'm', tags: { team: ['a', 'b'], 'kuma.io/service': ['edge'] }, type: 'dataplane', validForSeconds: 1800 },
    });
    expect(requestFromFlags({ mesh: 'm', tags: ['novalue'] })).toEqual({ ok: false, violations: [{ field: 'tag', message: '"novalue" is not of the form name=value' }] });
  });
});

describe('parseDuration', () => {
  it.each([
    ['24h', 86400],
    ['30m', 1800],
    ['8760h', 31_536_000],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['90s', 90],
  ])('%s is %d s', (text, seconds) => {
    expect(parseDuration(text)).toEqual({ ok: true, seconds });
  });
  it.each([
    ['', 'use a number with a unit'],
    ['24', 'use a number with a unit'],
    ['1d', 'use a number with a unit'],
    ['-1h', 'use a number with a unit'],
    ['0s', 'must be longer than 0s'],
    ['1500ms', 'must be a whole number of seconds'],
  ])('refuses %j', (text, message) => {
    expect(parseDuration(text)).toEqual({ ok: false, message: expect.stringContaining(message) });
  });
});

describe('DataplaneTokens', () => {
  let store: MemoryStore;
  let tokens: DataplaneTokens;
  beforeEach(() => {
    store = new MemoryStore({ logger: pino({ level: 'silent' }) });
    tokens = new DataplaneTokens(store);
  });

  it('issues with the mesh key and validates back to the claims', async () => {
    const token = await tokens.issue({ name: 'gw-1', mesh: 'default', tags: { team: ['a'] }, type: 'dataplane', validForSeconds: 3600 }, NOW);
    expect(await tokens.validate(token, 'default', NOW)).toMatchObject({ ok: true, claims: { Name: 'gw-1', Mesh: 'default', Tags: { team: ['a'] }, Type: 'dataplane' } });
    expect(await store.get({ kind: 'Secret', mesh: 'default', name: 'dataplane-token-signing-key-default-1' })).toBeDefined();
  });

  it('checks a token with the keys of the mesh the proxy claims', async () => {
    const token = await tokens.issue({ name: '', mesh: 'default', tags: {}, type: 'dataplane', validForSeconds: 3600 }, NOW);
    expect(await tokens.validate(token, 'other', NOW)).toEqual({
      ok: false,
      reason: 'unknown-kid',
      message: 'there is no signing key with KID 1. Secret of name "dataplane-token-signing-key-other-1" in mesh "other" is not found. If signing key was rotated, regenerate the token',
    });
  });

  it('keeps validating after many claimed meshes pushed its key cache around', async () => {
    const token = await tokens.issue({ name: '', mesh: 'default', tags: {}, type: 'dataplane', validForSeconds: 3600 }, NOW);
    for (let i = 0; i < 300; i++) expect((await tokens.validate(token, `m${i}`, NOW)).ok).toBe(false);
    expect((await tokens.validate(token, 'default', NOW)).ok).toBe(true);
  });

  it('accepts a token issued offline with the stored key file and its kid', async () => {
    const pem = await newSigningKeyPem();
    await store.put({ kind: 'Secret', mesh: 'default', name: 'dataplane-token-signing-key-default-3', spec: { data: Buffer.from(pem).toString('base64') } });
    const request = { name: 'gw-1', mesh: 'default', tags: {}, type: 'dataplane', validForSeconds: 60 };
    const token = await issueOfflineDataplaneToken(request, pem, '3', NOW);
    expect(await tokens.validate(token, 'default', NOW)).toMatchObject({ ok: true, claims: { Name: 'gw-1' } });
    await expect(issueOfflineDataplaneToken(request, pem, 'x', NOW)).rejects.toThrow('kid must be a positive key number, got "x"');
    await expect(issueOfflineDataplaneToken(request, 'not a key', '1', NOW)).rejects.toThrow('the signing key is not a PEM private key');
  });
});
