// `portico --help`, `get`, `delete` and `apply` start without the heavy modules (issue 13): what
// node loads before their action runs is the static import graph of main.ts and the command,
// followed here file by file as TypeScript compiles it (type-only imports are dropped, dynamic
// import() and createRequire are the deferrals). No timing is asserted: `npm run bench --
// cli-start` measures it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const IMPORT_RE = /^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;

/** What a source file imports once compiled: relative files as paths, packages by name. */
function compiledImports(file: string): string[] {
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return [...outputText.matchAll(IMPORT_RE)].map((m) => {
    const spec = (m[1] ?? m[2])!;
    return spec.startsWith('.') ? path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')) : spec;
  });
}

/** Every module the entries load statically: src files relative to src/, packages by name. */
function staticGraph(...entries: string[]): Set<string> {
  const seen = new Set<string>();
  const files = entries.map((e) => path.join(SRC, e));
  for (let file = files.pop(); file !== undefined; file = files.pop()) {
    for (const target of compiledImports(file)) {
      const key = path.isAbsolute(target) ? path.relative(SRC, target) : target;
      if (seen.has(key)) continue;
      seen.add(key);
      if (path.isAbsolute(target)) files.push(target);
    }
  }
  return seen;
}

/** Modules a start must not load: parsers, protos, clients, the descriptors with their validators. */
function heavy(graph: Set<string>): string[] {
  return [...graph].filter(
    (m) =>
      m === 'yaml' ||
      m === 'pino' ||
      m.startsWith('protobufjs') ||
      m.startsWith('@grpc/') ||
      m.startsWith('@kubernetes/') ||
      m === 'node:http' ||
      m === 'node:https' ||
      m === 'api/resource-kinds.ts' ||
      m === 'api/resource-document.ts' ||
      m.endsWith('-validate.ts') ||
      (m.startsWith('api-server/') && m !== 'api-server/version.ts') ||
      m.startsWith('runtime/') ||
      m.startsWith('xds/'),
  );
}

describe('CLI start-up imports', () => {
  it('portico --help loads commander and the command table only', () => {
    expect(heavy(staticGraph('cli/main.ts'))).toEqual([]);
    expect([...staticGraph('cli/main.ts')].filter((m) => m.startsWith('api/'))).toEqual([]);
  });

  it.each(['get', 'delete', 'apply'])('portico %s names kinds from kinds/names.ts, without schemas, validators or the YAML reader', (command) => {
    const graph = staticGraph('cli/main.ts', `cli/${command}.ts`);
    expect(heavy(graph)).toEqual([]);
    expect(graph).toContain('api/kinds/names.ts');
  });
});
