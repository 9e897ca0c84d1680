import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { namesOf } from './control-plane-certificate-spec.js';
import { ensureControlPlaneCertificates } from './control-plane-certificates.js';
import { readServingCertificate, watchServingCertificate, type ServingCertificate } from './serving-certificate.js';

const logger = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function generated(): Promise<{ dir: string; certFile: string; keyFile: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-serving-'));
  dirs.push(dir);
  const { files } = await ensureControlPlaneCertificates({ dir, subjectAltNames: namesOf(['localhost']), logger });
  return { dir, ...files };
}

describe('readServingCertificate', () => {
  it('returns the pair and its serial, or what is wrong as data', async () => {
    const { certFile, keyFile, dir } = await generated();
    const ok = await readServingCertificate(certFile, keyFile);
    expect(ok.ok && ok.value.serial).toMatch(/^[0-9A-F]{32}$/);
    expect(await readServingCertificate(path.join(dir, 'missing.crt'), keyFile)).toEqual({ ok: false, problem: 'cannot read the TLS certificate or key: ENOENT' });
    const other = await generated();
    expect(await readServingCertificate(certFile, other.keyFile)).toEqual({ ok: false, problem: `the key in ${other.keyFile} does not belong to the certificate in ${certFile}` });
    writeFileSync(path.join(dir, 'bad.crt'), 'nope');
    expect(await readServingCertificate(path.join(dir, 'bad.crt'), keyFile)).toEqual({ ok: false, problem: `${path.join(dir, 'bad.crt')} is not a PEM certificate` });
  });
});

describe('watchServingCertificate', () => {
  it('reports a replaced pair once, and ignores a pair whose key does not match', async () => {
    const a = await generated();
    const b = await generated();
    const current = await readServingCertificate(a.certFile, a.keyFile);
    if (!current.ok) throw new Error(current.problem);
    const seen: ServingCertificate[] = [];
    const watcher = watchServingCertificate({ certFile: a.certFile, keyFile: a.keyFile, intervalMs: 20, current: current.value, onChange: (c) => seen.push(c), logger });
    try {
      // Certificate first, key later: the half-replaced pair is not served.
      writeFileSync(a.certFile, readFileSync(b.certFile));
      await new Promise((r) => setTimeout(r, 100));
      expect(seen).toEqual([]);
      writeFileSync(a.keyFile, readFileSync(b.keyFile));
      const deadline = Date.now() + 5_000;
      while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      const next = await readServingCertificate(b.certFile, b.keyFile);
      expect(seen.map((c) => c.serial)).toEqual([next.ok ? next.value.serial : '']);
    } finally {
      watcher.stop();
    }
  });
});
