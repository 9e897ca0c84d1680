import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CertificateFileWatch } from './certificate-file-watch.js';

describe('CertificateFileWatch', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-file-watch-'));
  let watch: CertificateFileWatch | undefined;
  afterEach(() => watch?.close());

  it('reports a replaced, appearing or vanishing file, and only the paths it was told to watch', async () => {
    const a = path.join(dir, 'a.pem');
    const b = path.join(dir, 'b.pem');
    writeFileSync(a, 'one');
    const seen: string[] = [];
    watch = new CertificateFileWatch((p) => seen.push(p), 20);
    watch.set([a, b]);
    expect(watch.paths()).toEqual([a, b]);
    const next = (p: string) =>
      expect.poll(() => seen.filter((s) => s === p).length, { timeout: 5000, interval: 20 });
    await new Promise((r) => setTimeout(r, 60));
    writeFileSync(a, 'two, longer');
    await next(a).toBe(1);
    writeFileSync(b, 'appeared');
    await next(b).toBe(1);
    rmSync(a);
    await next(a).toBe(2);
    watch.set([b]);
    expect(watch.paths()).toEqual([b]);
    writeFileSync(a, 'back, unwatched');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.filter((s) => s === a)).toHaveLength(2);
    rmSync(dir, { recursive: true, force: true });
  });
});
