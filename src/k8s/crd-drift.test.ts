// crds/ must hold exactly what the schemas generate today (docs/architecture.md §2). Runs in
// `npm test` and alone in `npm run check`; the fix is always `npm run gen`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRD_DIRECTORY, renderCrdFiles } from './crd-files.js';

const DIR = path.resolve(import.meta.dirname, '..', '..', CRD_DIRECTORY);
const FIX = 'crds/ is out of date with the schemas in src/api: run `npm run gen` and commit the result';

describe('crds/', () => {
  it('matches the CRDs generated from the schemas', () => {
    const files = renderCrdFiles();
    const existing = existsSync(DIR) ? readdirSync(DIR).filter((name) => name.endsWith('.yaml')).sort() : [];
    expect(existing, FIX).toEqual(files.map((f) => f.fileName));
    for (const f of files) expect(readFileSync(path.join(DIR, f.fileName), 'utf8'), `${FIX} (${f.fileName})`).toBe(f.content);
  });
});
