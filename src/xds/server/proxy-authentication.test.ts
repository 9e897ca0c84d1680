// The shared credential check of the dataplane port: how a credential is read from its header,
// and that a throwing authenticator refuses (INTERNAL) instead of letting the caller through.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { checkProxy, credentialCountFailure, credentialOf } from './proxy-authentication.js';

describe('credentialOf', () => {
  it.each([
    ['a.b.c', 'a.b.c'],
    ['Bearer a.b.c', 'a.b.c'],
    ['bearer   a.b.c ', 'a.b.c'],
    ['  a.b.c\n', 'a.b.c'],
    ['Bearer ', ''],
  ])('reads %j as %j', (value, credential) => {
    expect(credentialOf(value)).toBe(credential);
  });
});

describe('checkProxy', () => {
  const proxy = { mesh: 'default', name: 'gw-1' };
  it('passes the verdict through', async () => {
    const verdict = await checkProxy(async () => ({ ok: false, code: 'PERMISSION_DENIED', message: 'no' }), { credential: 't', proxy }, pino({ level: 'silent' }));
    expect(verdict).toEqual({ ok: false, code: 'PERMISSION_DENIED', message: 'no' });
  });
  it('refuses with INTERNAL when the authenticator throws', async () => {
    const verdict = await checkProxy(async () => { throw new Error('store down'); }, { credential: 't', proxy }, pino({ level: 'silent' }));
    expect(verdict).toEqual({ ok: false, code: 'INTERNAL', message: 'internal error' });
  });
});

describe('credentialCountFailure', () => {
  it("is Kuma's message", () => {
    expect(credentialCountFailure(2)).toEqual({ ok: false, code: 'UNAUTHENTICATED', message: 'request must have exactly 1 "authorization" header, got 2' });
  });
});
