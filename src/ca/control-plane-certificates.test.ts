import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import forge from 'node-forge';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { namesOf, SERVING_LIFETIME_MS, subjectAltNamesOf } from './control-plane-certificate-spec.js';
import { certificateFilesIn, CONTROL_PLANE_SERVING_COMMON_NAME, ensureControlPlaneCertificates, issueAdminClientCertificate } from './control-plane-certificates.js';
import { certificatePem, forgeCertificate, newCertificate, newKeyPair, privateKeyPem, signCertificate } from './x509.js';

const logger = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'portico-ca-'));
  dirs.push(d);
  return path.join(d, 'tls');
}

const names = namesOf(['localhost', '127.0.0.1', '::1', 'cp.example.com']);
const read = (file: string) => new X509Certificate(readFileSync(file));

describe('ensureControlPlaneCertificates', () => {
  it('generates a CA and a serving certificate it signed, for the wanted names, keys readable by the owner only', async () => {
    const dir = tempDir();
    const { files, generated } = await ensureControlPlaneCertificates({ dir, subjectAltNames: names, logger });
    expect(generated).toEqual(['ca', 'serving']);
    const ca = read(files.caFile);
    const cert = read(files.certFile);
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(subjectAltNamesOf(cert)).toEqual(names);
    expect(cert.checkHost('cp.example.com')).toBe('cp.example.com');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    for (const key of [files.keyFile, certificateFilesIn(dir).caKeyFile]) expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('reuses both on the next start', async () => {
    const dir = tempDir();
    const first = await ensureControlPlaneCertificates({ dir, subjectAltNames: names, logger });
    const serial = read(first.files.certFile).serialNumber;
    const again = await ensureControlPlaneCertificates({ dir, subjectAltNames: namesOf(['cp.example.com', '::1', '127.0.0.1', 'localhost']), logger });
    expect(again.generated).toEqual([]);
    expect(read(again.files.certFile).serialNumber).toBe(serial);
  });

  it('replaces only the serving certificate when the names change or it nears expiry', async () => {
    const dir = tempDir();
    const now = new Date('2030-01-01T00:00:00Z');
    const first = await ensureControlPlaneCertificates({ dir, subjectAltNames: names, logger, now });
    const caSerial = read(first.files.caFile).serialNumber;
    const serials = [read(first.files.certFile).serialNumber];

    const moreNames = namesOf([...names.dnsNames, ...names.ipAddresses, 'cp2.example.com']);
    const renamed = await ensureControlPlaneCertificates({ dir, subjectAltNames: moreNames, logger, now });
    expect(renamed.generated).toEqual(['serving']);
    expect(read(renamed.files.certFile).checkHost('cp2.example.com')).toBe('cp2.example.com');
    serials.push(read(renamed.files.certFile).serialNumber);

    const before80 = new Date(now.getTime() + SERVING_LIFETIME_MS * 0.7);
    expect((await ensureControlPlaneCertificates({ dir, subjectAltNames: moreNames, logger, now: before80 })).generated).toEqual([]);
    const after80 = new Date(now.getTime() + SERVING_LIFETIME_MS * 0.85);
    const aged = await ensureControlPlaneCertificates({ dir, subjectAltNames: moreNames, logger, now: after80 });
    expect(aged.generated).toEqual(['serving']);
    serials.push(read(aged.files.certFile).serialNumber);

    expect(new Set(serials).size).toBe(3);
    expect(read(aged.files.caFile).serialNumber).toBe(caSerial);
    expect(read(aged.files.certFile).verify(read(aged.files.caFile).publicKey)).toBe(true);
  });

  it('regenerates an unreadable CA, and with it the serving certificate', async () => {
    const dir = tempDir();
    const first = await ensureControlPlaneCertificates({ dir, subjectAltNames: names, logger });
    writeFileSync(first.files.caFile, 'not a certificate');
    const again = await ensureControlPlaneCertificates({ dir, subjectAltNames: names, logger });
    expect(again.generated).toEqual(['ca', 'serving']);
    expect(read(again.files.certFile).verify(read(again.files.caFile).publicKey)).toBe(true);
  });

  it('gives the serving certificate an ECDSA P-256 key, which only signs, named by its own key identifier', async () => {
    const { files } = await ensureControlPlaneCertificates({ dir: tempDir(), subjectAltNames: names, logger });
    const cert = read(files.certFile);
    const key = createPrivateKey(readFileSync(files.keyFile));
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.checkPrivateKey(key)).toBe(true);
    // The CA stays RSA and signed it.
    expect(read(files.caFile).publicKey.asymmetricKeyType).toBe('rsa');
    expect(cert.verify(read(files.caFile).publicKey)).toBe(true);

    const ext = extensionsOf(cert);
    // keyUsage: digitalSignature (bit 0) alone; no keyEncipherment, which is RSA key transport.
    expect(ext.get('2.5.29.15')).toBe('\x03\x02\x07\x80');
    // subjectKeyIdentifier: SHA-1 of the public key's bits (RFC 5280 4.2.1.2, method 1).
    const spki = forge.asn1.fromDer(cert.publicKey.export({ type: 'spki', format: 'der' }).toString('binary'));
    const point = ((spki.value as forge.asn1.Asn1[])[1]!.value as string).slice(1);
    const ski = createHash('sha1').update(Buffer.from(point, 'binary')).digest('binary');
    expect(ext.get('2.5.29.14')).toBe(`\x04\x14${ski}`);
    // authorityKeyIdentifier names the CA's subject key identifier.
    expect(ext.get('2.5.29.35')).toContain(extensionsOf(read(files.caFile)).get('2.5.29.14')!.slice(2));
  });

  it('issues the admin client certificate with an ECDSA key too, for client authentication, signed by the CA', async () => {
    const dir = tempDir();
    const { files } = await ensureControlPlaneCertificates({ dir, subjectAltNames: names, logger });
    const client = (await issueAdminClientCertificate(dir))!;
    const cert = new X509Certificate(client.certPem);
    expect(createPrivateKey(client.keyPem).asymmetricKeyType).toBe('ec');
    expect(cert.checkPrivateKey(createPrivateKey(client.keyPem))).toBe(true);
    expect(cert.verify(read(files.caFile).publicKey)).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });

  it('serves TLS with that key to a client that trusts only the CA', async () => {
    const { files } = await ensureControlPlaneCertificates({ dir: tempDir(), subjectAltNames: names, logger });
    const server = tls.createServer({ cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) }, (socket) => socket.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const { text, cipher } = await new Promise<{ text: string; cipher: string }>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, servername: 'cp.example.com', ca: readFileSync(files.caFile) }, () => {
          let text = '';
          socket.on('data', (d: Buffer) => (text += d.toString()));
          socket.on('end', () => resolve({ text, cipher: socket.getCipher().standardName }));
        });
        socket.once('error', reject);
      });
      expect(text).toBe('hello');
      expect(cipher).toMatch(/^TLS_/);
    } finally {
      server.close();
    }
  });

  it('replaces an RSA serving certificate of an earlier version with an ECDSA one, keeping the CA', async () => {
    const dir = tempDir();
    const first = await ensureControlPlaneCertificates({ dir, subjectAltNames: names, logger });
    const caSerial = read(first.files.caFile).serialNumber;
    // What earlier versions wrote: the same names, an RSA key, signed by the same CA.
    const caKey = createPrivateKey(readFileSync(certificateFilesIn(dir).caKeyFile));
    const rsa = await newKeyPair();
    const old = newCertificate(rsa.forgePublic, new Date(Date.now() - 60_000), new Date(Date.now() + SERVING_LIFETIME_MS));
    old.setSubject([{ name: 'commonName', value: CONTROL_PLANE_SERVING_COMMON_NAME }]);
    old.setIssuer(forgeCertificate(readFileSync(first.files.caFile, 'utf8')).subject.attributes);
    old.setExtensions([{ name: 'subjectAltName', altNames: [...names.dnsNames.map((value) => ({ type: 2, value })), ...names.ipAddresses.map((ip) => ({ type: 7, ip }))] }]);
    signCertificate(old, caKey);
    writeFileSync(first.files.certFile, certificatePem(old));
    writeFileSync(first.files.keyFile, privateKeyPem(rsa.privateKey));
    expect(subjectAltNamesOf(read(first.files.certFile))).toEqual(names);

    const again = await ensureControlPlaneCertificates({ dir, subjectAltNames: names, logger });
    expect(again.generated).toEqual(['serving']);
    expect(read(again.files.certFile).publicKey.asymmetricKeyType).toBe('ec');
    expect(read(again.files.caFile).serialNumber).toBe(caSerial);
    // And an ECDSA one is kept.
    expect((await ensureControlPlaneCertificates({ dir, subjectAltNames: names, logger })).generated).toEqual([]);
  });
});

/** A certificate's extensions: OID to the DER of extnValue's contents, parsed by forge's ASN.1 reader. */
function extensionsOf(cert: X509Certificate): Map<string, string> {
  const root = forge.asn1.fromDer(cert.raw.toString('binary'));
  const tbs = (root.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[];
  const wrapper = tbs.find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 3)!;
  const out = new Map<string, string>();
  for (const ext of (wrapper.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[]) {
    const parts = ext.value as forge.asn1.Asn1[];
    const oid = forge.asn1.derToOid(parts[0]!.value as string);
    out.set(oid, parts[parts.length - 1]!.value as string);
  }
  return out;
}
