import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { readInputFile, readInputStream } from './input-file.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI input size limits', () => {
  it('reads a file up to the limit and refuses a larger one before reading it', () => {
    const file = path.join(dir, 'a.yaml');
    writeFileSync(file, 'x'.repeat(100));
    expect(readInputFile(file, 100)).toBe('x'.repeat(100));
    expect(() => readInputFile(file, 99)).toThrow(`${file} is larger than 99 bytes, the limit for one input (docs/limits.md)`);
  });

  it('stops reading a special file that reports no size at the limit', () => {
    expect(() => readInputFile('/dev/zero', 1024)).toThrow('/dev/zero is larger than 1024 bytes');
  });

  it('stops reading standard input at the limit', async () => {
    await expect(readInputStream(Readable.from([Buffer.alloc(60), Buffer.alloc(60)]), 100)).rejects.toThrow('standard input is larger than 100 bytes');
    await expect(readInputStream(Readable.from([Buffer.from('ab'), 'c']), 100)).resolves.toBe('abc');
  });
});
