#!/usr/bin/env node
// Writes crds/*.yaml from the compiled schemas (run `npm run build` first; `npm run gen` does) and
// deletes YAML files there that no CRD produces any more. With --check it writes nothing and
// exits 1 when crds/ differs from what the schemas give, naming the files.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const compiled = path.join(root, 'dist', 'src', 'k8s', 'crd-files.js');
if (!existsSync(compiled)) {
  process.stderr.write(`gen-crds: ${path.relative(root, compiled)} is missing; run \`npm run build\` first\n`);
  process.exit(1);
}
const { CRD_DIRECTORY, renderCrdFiles } = await import(compiled);

const dir = path.join(root, CRD_DIRECTORY);
const check = process.argv.includes('--check');
const files = renderCrdFiles();
const wanted = new Set(files.map((f) => f.fileName));
const existing = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.yaml')) : [];

const changed = files.filter((f) => !existing.includes(f.fileName) || readFileSync(path.join(dir, f.fileName), 'utf8') !== f.content);
const orphans = existing.filter((name) => !wanted.has(name));

if (check) {
  if (changed.length === 0 && orphans.length === 0) {
    process.stdout.write(`crds: ok (${files.length} files)\n`);
    process.exit(0);
  }
  const names = [...changed.map((f) => f.fileName), ...orphans].sort().join(', ');
  process.stderr.write(`crds/ is out of date (${names}); run \`npm run gen\` and commit the result\n`);
  process.exit(1);
}

mkdirSync(dir, { recursive: true });
for (const f of changed) writeFileSync(path.join(dir, f.fileName), f.content);
for (const name of orphans) rmSync(path.join(dir, name));
process.stdout.write(`crds: ${changed.length} written, ${orphans.length} removed, ${files.length - changed.length} unchanged\n`);
