import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { namesOf, SERVING_LIFETIME_MS, subjectAltNamesOf } from './control-plane-certificate-spec.js';
import { certificateFilesIn, ensureControlPlaneCertificates } from './control-plane-certificates.js';

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
});
