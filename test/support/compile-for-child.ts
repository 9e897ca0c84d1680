// Lets a child `node` process run current TypeScript source without `npm run build`: a stale
// dist/ would make a crash test silently exercise old code. transpileModule strips types only
// (no type check, about a second for a handful of files); `tsc` in `npm test` checks types.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Transpiled modules in a temporary directory. */
export interface ChildBuild {
  /** Absolute path of the transpiled entry module. */
  readonly entry: string;
  /** Delete the directory. */
  remove(): void;
}

/**
 * Transpile `entry` (a .ts file of this repository) and every module it imports by relative path
 * into plain ESM in a fresh temporary directory. Bare imports (better-sqlite3, pino) resolve
 * through a symlink to the repository's node_modules.
 */
export function compileForChild(entry: string): ChildBuild {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-child-'));
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const pending = [path.resolve(entry)];
  const done = new Set<string>();
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (done.has(file)) continue;
    done.add(file);
    pending.push(...transpileInto(dir, file));
  }
  return { entry: outputPath(dir, path.resolve(entry)), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// Writes one transpiled file and returns the .ts files it imports by relative path.
function transpileInto(dir: string, file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 };
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: file });
  const target = outputPath(dir, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, outputText);
  return ts
    .preProcessFile(source)
    .importedFiles.map((ref) => ref.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
}

function outputPath(dir: string, file: string): string {
  return path.join(dir, path.relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
}
