import { describe, expect, it } from 'vitest';
import { checkBootstrapTls } from './bootstrap-tls-check.js';
import { testTls } from '../../../test/support/tls-fixtures.js';

describe('checkBootstrapTls', () => {
  it('accepts the CA with a host the served certificate names (IP or DNS)', async () => {
    const { caPem, serving } = await testTls();
    for (const xdsHost of ['127.0.0.1', '::1', 'localhost', 'LOCALHOST']) {
      expect(checkBootstrapTls({ caCert: caPem, xdsHost, servingCert: serving.cert })).toEqual({ ok: true });
    }
    expect(checkBootstrapTls({ caCert: caPem, xdsHost: 'anything' })).toEqual({ ok: true });
  });

  it('refuses what is not a PEM certificate, and a leaf certificate given as the CA', async () => {
    const { serving } = await testTls();
    expect(checkBootstrapTls({ caCert: 'nope', xdsHost: '127.0.0.1' })).toEqual({ ok: false, message: expect.stringMatching(/^caCert: not a PEM certificate/) });
    expect(checkBootstrapTls({ caCert: serving.cert, xdsHost: '127.0.0.1' })).toEqual({ ok: false, message: expect.stringMatching(/^caCert: this certificate is not a certificate authority/) });
  });

  it('refuses a host the served certificate does not name, listing its names and the fix', async () => {
    const { caPem, serving } = await testTls();
    const check = checkBootstrapTls({ caCert: caPem, xdsHost: 'cp.example.com', servingCert: serving.cert });
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.message).toContain('the dataplane reaches the control plane as "cp.example.com", but the control plane certificate is for DNS:localhost');
      expect(check.message).toContain('cp run --tls-san cp.example.com');
    }
    expect(checkBootstrapTls({ caCert: caPem, xdsHost: '10.9.8.7', servingCert: serving.cert }).ok).toBe(false);
  });
});
