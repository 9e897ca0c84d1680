import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBuiltinCa } from './mesh-ca.js';
import { checkProvidedCa } from './provided-ca-checks.js';

const dir = mkdtempSync(path.join(tmpdir(), 'portico-provided-ca-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate and key from openssl with the given extensions. */
function openssl(name: string, extensions: string[]): { cert: string; key: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`, ...extensions.flatMap((e) => ['-addext', e])], { stdio: 'ignore' });
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

describe('checkProvidedCa (docs/mesh-mtls.md §1.2)', () => {
  it('accepts a CA made as the builtin one is', async () => {
    const ca = await createBuiltinCa('m', { rsaBits: 2048, lifetimeMs: 86_400_000, now: new Date() });
    expect(checkProvidedCa(ca.certPem, ca.keyPem)).toEqual([]);
  });

  it('refuses a key that is not the certificate\'s', async () => {
    const a = await createBuiltinCa('a', { rsaBits: 2048, lifetimeMs: 86_400_000, now: new Date() });
    const b = await createBuiltinCa('b', { rsaBits: 2048, lifetimeMs: 86_400_000, now: new Date() });
    expect(checkProvidedCa(a.certPem, b.keyPem)).toEqual([{ field: 'cert', message: 'not a valid TLS key pair: the private key does not match the certificate' }]);
    expect(checkProvidedCa('not pem', a.keyPem)).toEqual([{ field: 'cert', message: 'not a valid TLS key pair: the certificate holds no PEM certificate' }]);
  });

  it('names every certificate of the bundle that may not sign, with Kuma\'s messages', () => {
    const leaf = openssl('leaf', ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyAgreement']);
    expect(checkProvidedCa(leaf.cert, leaf.key)).toEqual([
      { field: 'cert[0]', message: "basic constraint 'CA' must be set to 'true' (see X509-SVID: 4.1. Basic Constraints)" },
      { field: 'cert[0]', message: "key usage extension 'keyCertSign' must be set (see X509-SVID: 4.3. Key Usage)" },
      { field: 'cert[0]', message: "key usage extension 'keyAgreement' must NOT be set (see X509-SVID: Appendix A. X.509 Field Reference)" },
    ]);
    const good = openssl('good', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign']);
    expect(checkProvidedCa(good.cert + leaf.cert, good.key).map((p) => p.field)).toEqual(['cert[1]', 'cert[1]', 'cert[1]']);
  });
});
