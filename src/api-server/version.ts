// The version Portico reports (GET /, `portico --version`), read from the package.json above
// this file. It is looked up by walking up because the depth differs between src/ (tests) and
// dist/src/ (the installed command).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** Portico's version from its package.json, or `unknown` when it cannot be found. */
export function porticoVersion(): string {
  cached ??= findVersion(path.dirname(fileURLToPath(import.meta.url)));
  return cached;
}

/** The version of the nearest package.json named `portico` at or above `dir`. */
function findVersion(dir: string): string {
  for (let current = dir; ; current = path.dirname(current)) {
    const version = readVersion(path.join(current, 'package.json'));
    if (version !== undefined) return version;
    if (path.dirname(current) === current) return 'unknown';
  }
}

/** The version field of a package.json if it is Portico's; undefined otherwise or if unreadable. */
function readVersion(file: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === 'portico' && typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}
