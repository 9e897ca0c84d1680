// Write-time checks of inline listener certificates (docs/robustness.md §4.1 row 23), through the
// MeshGateway parser so decode and semantic violations are seen together as a user sees them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function pem(name: string): string {
  return readFileSync(new URL(`./testdata/pem/${name}`, import.meta.url), 'utf8');
}

const RSA = pem('rsa.key') + pem('rsa.crt') + pem('ca.crt');
const ECDSA = pem('ec.key') + pem('ec.crt');
const base64 = (text: string) => Buffer.from(text).toString('base64');
const SELECTORS = [{ match: { 'kuma.io/service': 'gw' } }];
const C = 'conf.listeners[0].tls.certificates';

/** A gateway with one listener terminating TLS with the given certificate sources. */
function gateway(certificates: unknown[], listener: Record<string, unknown> = {}): unknown {
  const l = { port: 443, protocol: 'HTTPS', hostname: '*.example.com', tls: { mode: 'TERMINATE', certificates }, ...listener };
  return { selectors: SELECTORS, conf: { listeners: [l] } };
}

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('MeshGateway', spec);
  return r.ok ? [] : r.violations;
}

describe('inline certificates are checked at write time', () => {
  it.each<[string, unknown, Violation[]]>([
    ['a bundle without key (inlineString)', gateway([{ inlineString: pem('rsa.crt') }]), [{ field: `${C}[0].inlineString`, message: 'missing private key' }]],
    [
      'a bundle with another block type (inline), with its block index',
      gateway([{ inline: base64(`${RSA}-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n`) }]),
      [{ field: `${C}[0].inline`, message: 'secret[3]: unsupported PEM block "EC PARAMETERS"' }],
    ],
    [
      'a key that does not match the certificate',
      gateway([{ inlineString: pem('rsa-other.key') + pem('rsa.crt') }]),
      [{ field: `${C}[0].inlineString`, message: 'private key does not match the certificate' }],
    ],
    ['inline that is not base64, reported once', gateway([{ inline: 'not base64!' }]), [{ field: `${C}[0].inline`, message: 'must be valid base64' }]],
    [
      'two inline sources with the same key type (same secret name)',
      gateway([{ inline: base64(RSA) }, { inline: base64(RSA) }]),
      [{ field: `${C}[1]`, message: 'duplicate TLS certificate "cert.rsa:inline:*.example.com"' }],
    ],
    [
      'inline and inlineString sources with the same key type, on hostname ""',
      gateway([{ inlineString: ECDSA }, { inline: base64(ECDSA) }], { hostname: '' }),
      [{ field: `${C}[1]`, message: 'duplicate TLS certificate "cert.ecdsa:inline:*": "cert.ecdsa:inlineString:*" also holds an ECDSA key' }],
    ],
    ['a bad bundle on a terminating TLS listener', gateway([{ inlineString: 'x' }], { protocol: 'TLS' }), [
      { field: `${C}[0].inlineString`, message: 'missing private key' },
      { field: `${C}[0].inlineString`, message: 'missing server certificate' },
    ]],
  ])('rejects %s', (_name, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });

  it.each<[string, unknown]>([
    ['an RSA inlineString and an ECDSA inline source', gateway([{ inlineString: RSA }, { inline: base64(ECDSA) }])],
    ['inline base64 wrapped at 76 columns', gateway([{ inline: base64(RSA).replace(/(.{76})/g, '$1\n') }])],
    ['two RSA sources of which one is a secret (checked at generation time)', gateway([{ inlineString: RSA }, { secret: 'rsa' }])],
    ['a bad bundle on a PASSTHROUGH TLS listener (unused)', gateway([{ inlineString: 'x' }], { protocol: 'TLS', tls: { mode: 'PASSTHROUGH', certificates: [{ inlineString: 'x' }] } })],
    ['a bad bundle on an HTTP listener (tls is ignored)', gateway([{ inlineString: 'x' }], { protocol: 'HTTP', port: 80 })],
  ])('accepts %s', (_name, spec) => {
    expect(violationsOf(spec)).toEqual([]);
  });

  it('stores inline certificates as standard padded base64', () => {
    const urlSafeUnpadded = Buffer.from(RSA).toString('base64url');
    const r = parseSpec('MeshGateway', gateway([{ inline: urlSafeUnpadded }]));
    expect(r.ok && r.value.conf?.listeners[0]?.tls?.certificates[0]).toEqual({ inline: base64(RSA) });
  });
});
