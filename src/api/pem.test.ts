// docs/gateway.md §2.13 and §4.6: one row per PEM bundle rule. Fixtures come from testdata/pem
// (generate.sh, 100-year certificates).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_PEM_BLOCKS, parseCertificateBundle } from './pem.js';
import type { Violation } from './violation.js';

/** A fixture's text exactly as stored. */
function pem(name: string): string {
  return readFileSync(new URL(`./testdata/pem/${name}`, import.meta.url), 'utf8');
}

/** A fixture's text without its final newline, as a block appears in the output. */
function block(name: string): string {
  return pem(name).trimEnd();
}

const RSA_KEY = pem('rsa.key');
const RSA_CRT = pem('rsa.crt');
const CA_CRT = pem('ca.crt');
const EC_PARAMETERS = '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n';
const CORRUPT_KEY = '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n';
const CORRUPT_CRT = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';

describe('parseCertificateBundle accepts', () => {
  it.each<[string, string, 'rsa' | 'ecdsa', string, string]>([
    ['an RSA key (PKCS#1) before its certificate and chain', RSA_KEY + RSA_CRT + CA_CRT, 'rsa', 'rsa.key', 'rsa.crt ca.crt'],
    ['the key after the certificates', RSA_CRT + CA_CRT + RSA_KEY, 'rsa', 'rsa.key', 'rsa.crt ca.crt'],
    ['an RSA key in PKCS#8 (PRIVATE KEY)', pem('rsa-pkcs8.key') + RSA_CRT, 'rsa', 'rsa-pkcs8.key', 'rsa.crt'],
    ['an ECDSA key (EC PRIVATE KEY)', pem('ec.key') + pem('ec.crt'), 'ecdsa', 'ec.key', 'ec.crt'],
    ['an ECDSA key in PKCS#8', pem('ec-pkcs8.key') + pem('ec.crt') + CA_CRT, 'ecdsa', 'ec-pkcs8.key', 'ec.crt ca.crt'],
    ['text outside the blocks', `Bag Attributes\n${RSA_KEY}subject=CN = example.com\n${RSA_CRT}`, 'rsa', 'rsa.key', 'rsa.crt'],
  ])('%s', (_name, input, keyType, key, chain) => {
    const r = parseCertificateBundle(input);
    expect(r).toEqual({
      ok: true,
      value: {
        keyType,
        privateKeyPem: `${block(key)}\n`,
        certificateChainPem: chain.split(' ').map((c) => `${block(c)}\n`).join(''),
        notAfter: expect.stringMatching(/^21\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
      },
    });
  });

  it('keeps block text byte-exact, CRLF line ends included', () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    const r = parseCertificateBundle(crlf(RSA_KEY) + crlf(RSA_CRT));
    if (!r.ok) throw new Error(JSON.stringify(r.violations));
    expect(r.value.privateKeyPem).toBe(`${crlf(RSA_KEY).trimEnd()}\n`);
    expect(r.value.certificateChainPem).toBe(`${crlf(RSA_CRT).trimEnd()}\n`);
  });

  it('reports the server certificate expiry', () => {
    const r = parseCertificateBundle(RSA_KEY + RSA_CRT + CA_CRT);
    const expected = new Date(Date.parse(new X509Certificate(RSA_CRT).validTo)).toISOString();
    expect(r.ok && r.value.notAfter).toBe(expected);
  });
});

describe('parseCertificateBundle rejects', () => {
  it.each<[string, string, Violation[]]>([
    ['another block type', RSA_KEY + EC_PARAMETERS + RSA_CRT, [{ field: 'secret[1]', message: 'unsupported PEM block "EC PARAMETERS"' }]],
    ['a second private key', RSA_KEY + RSA_CRT + pem('ec.key'), [{ field: 'secret[2]', message: 'secret contains multiple private keys' }]],
    ['no private key', RSA_CRT + CA_CRT, [{ field: '', message: 'missing private key' }]],
    ['no certificate', RSA_KEY, [{ field: '', message: 'missing server certificate' }]],
    [
      'an empty bundle',
      'not PEM at all',
      [
        { field: '', message: 'missing private key' },
        { field: '', message: 'missing server certificate' },
      ],
    ],
    ['an Ed25519 key', pem('ed25519.key') + pem('ed25519.crt'), [{ field: 'secret[0]', message: 'unsupported private key type ed25519' }]],
    ['a 1024-bit RSA key', pem('rsa-1024.key') + pem('rsa-1024.crt'), [{ field: 'secret[0]', message: 'RSA key of 1024 bits is too short (at least 2048)' }]],
    ['an ECDSA key on a curve Envoy refuses', pem('secp256k1.key') + pem('secp256k1.crt'), [{ field: 'secret[0]', message: 'unsupported ECDSA curve secp256k1' }]],
    ['an encrypted key', pem('encrypted.key') + RSA_CRT, [{ field: 'secret[0]', message: 'encrypted private keys are not supported' }]],
    ['an unparsable key', RSA_CRT + CORRUPT_KEY, [{ field: 'secret[1]', message: 'cannot parse private key' }]],
    ['an unparsable certificate', RSA_KEY + RSA_CRT + CORRUPT_CRT, [{ field: 'secret[2]', message: 'cannot parse certificate' }]],
    ['a key of another certificate', pem('rsa-other.key') + RSA_CRT, [{ field: '', message: 'private key does not match the certificate' }]],
    ['a key of another type than the certificate', pem('ec.key') + RSA_CRT, [{ field: '', message: 'private key does not match the certificate' }]],
    ['a block without END line', RSA_KEY + RSA_CRT.replace('-----END CERTIFICATE-----', ''), [{ field: 'secret[1]', message: 'PEM block "CERTIFICATE" has no END line' }]],
    [
      'every problem at once, in block order',
      EC_PARAMETERS + RSA_KEY + CORRUPT_CRT + RSA_KEY,
      [
        { field: 'secret[0]', message: 'unsupported PEM block "EC PARAMETERS"' },
        { field: 'secret[2]', message: 'cannot parse certificate' },
        { field: 'secret[3]', message: 'secret contains multiple private keys' },
      ],
    ],
    [
      `more than ${MAX_PEM_BLOCKS} blocks`,
      CA_CRT.repeat(MAX_PEM_BLOCKS + 1),
      [{ field: `secret[${MAX_PEM_BLOCKS}]`, message: `too many PEM blocks (at most ${MAX_PEM_BLOCKS})` }],
    ],
  ])('%s', (_name, input, expected) => {
    const r = parseCertificateBundle(input);
    expect(r.ok ? [] : r.violations).toEqual(expected);
  });

  it('never quotes key material in a message', () => {
    const keyLines = [RSA_KEY, pem('ec.key'), pem('encrypted.key')].flatMap((k) => k.split('\n').slice(1, -2));
    const inputs = [RSA_KEY + EC_PARAMETERS, pem('encrypted.key') + RSA_CRT, pem('ec.key') + RSA_CRT, RSA_KEY + RSA_KEY];
    for (const input of inputs) {
      const r = parseCertificateBundle(input);
      expect(r.ok).toBe(false);
      const text = JSON.stringify(r);
      for (const line of keyLines) expect(text).not.toContain(line);
    }
  });
});
