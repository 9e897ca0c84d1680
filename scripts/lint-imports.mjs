#!/usr/bin/env node
// Enforces the import table of docs/architecture.md §3: which src/ module may import which, and which
// third-party packages are off limits per module. Run by `npm run lint` inside `npm test`, so a
// wrong arrow fails CI. Test files (*.test.ts) follow the rules of the module they sit in.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(import.meta.dirname, '..', 'src');

/** Module -> modules of ours it may import (itself always allowed). */
const ALLOWED = {
  // api reads ProxyTemplate values as Envoy protos at admission (proxy-template-values.ts).
  api: ['decode', 'xds/envoy'],
  core: ['api'],
  ir: [],
  mesh: ['api', 'core', 'ir'],
  gateway: ['api', 'core', 'ir', 'mesh'],
  sidecar: ['api', 'core', 'ir', 'mesh'],
  // ingress: the zone ingress proxy's translation (docs/multizone.md §7.3).
  ingress: ['api', 'core', 'ir', 'mesh', 'gateway'],
  'xds/envoy': ['ir'],
  'xds/translator': ['ir', 'xds/envoy'],
  'xds/cache': ['xds/envoy'],
  'xds/server': ['xds/cache', 'xds/envoy', 'ca', 'http', 'decode'],
  generation: ['api', 'core', 'ir', 'mesh', 'gateway', 'sidecar', 'ingress', 'xds/translator', 'xds/envoy', 'xds/cache', 'ca'],
  ca: [],
  'k8s/render': ['ir', 'api'],
  k8s: ['api', 'core', 'ir', 'gateway', 'k8s/render', 'ca', 'http', 'decode'],
  // kds: the sync service reuses the xDS server's delta rules and response encoder (issue 12).
  kds: ['api', 'core', 'multizone', 'tokens', 'xds/server', 'xds/cache', 'xds/envoy'],
  // multizone: pure naming, labels and filters of synced copies (docs/multizone.md §2, §4).
  multizone: ['api', 'core'],
  tokens: ['api', 'core'],
  'api-server': ['api', 'core', 'tokens', 'http', 'decode'],
  http: [],
  decode: [],
  cli: ['*'],
  runtime: ['*'],
};
/** Module -> third-party package prefixes it must not import. */
const FORBIDDEN_PACKAGES = {
  api: ['@grpc/', 'protobufjs', 'better-sqlite3', 'pg', '@kubernetes/'],
  ir: ['@grpc/', 'protobufjs', 'yaml', 'better-sqlite3', 'pg', '@kubernetes/'],
  gateway: ['@grpc/', 'protobufjs', 'better-sqlite3', 'pg', '@kubernetes/'],
  mesh: ['@grpc/', 'protobufjs', 'better-sqlite3', 'pg', '@kubernetes/'],
  sidecar: ['@grpc/', 'protobufjs', 'better-sqlite3', 'pg', '@kubernetes/'],
  ingress: ['@grpc/', 'protobufjs', 'better-sqlite3', 'pg', '@kubernetes/'],
  'xds/translator': ['@grpc/', 'better-sqlite3', 'pg', '@kubernetes/'],
  'k8s/render': ['@kubernetes/', '@grpc/', 'protobufjs'],
  tokens: ['@grpc/', 'protobufjs', '@kubernetes/'],
  multizone: ['@grpc/', 'protobufjs', 'better-sqlite3', 'pg', '@kubernetes/'],
};
/** Only cli may import runtime (it is the entry point that starts the composition root). */
const RUNTIME_IMPORTERS = new Set(['cli', 'runtime']);

function moduleOf(file) {
  const rel = path.relative(SRC, file).split(path.sep);
  const two = rel.slice(0, 2).join('/');
  if (two in ALLOWED && rel.length > 2) return two;
  return rel[0];
}

function* walk(dir) {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else if (full.endsWith('.ts')) yield full;
  }
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^;'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
const errors = [];
for (const file of walk(SRC)) {
  const from = moduleOf(file);
  const source = readFileSync(file, 'utf8');
  for (const m of source.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const where = path.relative(path.dirname(SRC), file);
    if (spec.startsWith('.')) {
      const target = path.resolve(path.dirname(file), spec);
      if (!target.startsWith(SRC + path.sep)) continue;
      const to = moduleOf(target);
      if (to === from) continue;
      if (to === 'runtime' && !RUNTIME_IMPORTERS.has(from)) {
        errors.push(`${where}: ${from} must not import runtime (${spec})`);
        continue;
      }
      const allowed = ALLOWED[from];
      if (!allowed) errors.push(`${where}: unknown module "${from}"; add it to scripts/lint-imports.mjs`);
      else if (!allowed.includes('*') && !allowed.includes(to)) errors.push(`${where}: ${from} must not import ${to} (${spec})`);
    } else {
      for (const banned of FORBIDDEN_PACKAGES[from] ?? []) {
        if (spec === banned || spec.startsWith(banned)) errors.push(`${where}: ${from} must not import package ${spec}`);
      }
    }
  }
}
if (errors.length > 0) {
  process.stderr.write(`import rules of docs/architecture.md §3 violated:\n  ${errors.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write('imports: ok\n');
