import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareControlPlaneTls, type ControlPlaneTlsConfig } from './control-plane-tls.js';
import { generateTestTls, testTls } from '../../test/support/tls-fixtures.js';

const logger = pino({ level: 'silent' });
const base: ControlPlaneTlsConfig = { xdsPlaintext: false, extraSubjectAltNames: [] };
const inputs = { xdsHost: '127.0.0.1', apiHost: '127.0.0.1', logger };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('prepareControlPlaneTls', () => {
  it('keeps generated certificates in <dataDir>/tls and names the CA', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-cp-tls-'));
    dirs.push(dataDir);
    const tls = await prepareControlPlaneTls({ ...inputs, tls: { ...base, extraSubjectAltNames: ['cp.example.com'] }, dataDir });
    tls.stop();
    expect(tls.caFile).toBe(path.join(dataDir, 'tls', 'ca.crt'));
    expect(tls.caPem).toBe(readFileSync(tls.caFile!, 'utf8'));
    expect(tls.serving.cert).toBe(readFileSync(path.join(dataDir, 'tls', 'server.crt'), 'utf8'));
  });

  it('uses a temporary directory without a data directory, removed on stop', async () => {
    const tls = await prepareControlPlaneTls({ ...inputs, tls: base, dataDir: '' });
    const dir = path.dirname(tls.caFile!);
    expect(existsSync(tls.caFile!)).toBe(true);
    tls.stop();
    expect(existsSync(dir)).toBe(false);
  });

  it("serves the operator's files as they are, without a CA of its own", async () => {
    const { certFile, keyFile, serving } = await testTls();
    const tls = await prepareControlPlaneTls({ ...inputs, tls: { ...base, certFile, keyFile }, dataDir: '/nonexistent' });
    tls.stop();
    expect(tls.caFile).toBeUndefined();
    expect(tls.serving.cert).toBe(serving.cert);
  });

  it('refuses a certificate without its key, and a key of another certificate', async () => {
    const { certFile } = await testTls();
    await expect(prepareControlPlaneTls({ ...inputs, tls: { ...base, certFile }, dataDir: '' })).rejects.toThrow(/needs its key file/);
    const other = await generateTestTls();
    await expect(prepareControlPlaneTls({ ...inputs, tls: { ...base, certFile, keyFile: other.keyFile }, dataDir: '' })).rejects.toThrow(
      `the key in ${other.keyFile} does not belong to the certificate in ${certFile}`,
    );
    const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-cp-tls-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'empty.crt'), '');
    await expect(prepareControlPlaneTls({ ...inputs, tls: { ...base, certFile: path.join(dir, 'empty.crt'), keyFile: other.keyFile }, dataDir: '' })).rejects.toThrow(/is not a PEM certificate/);
  });
});
