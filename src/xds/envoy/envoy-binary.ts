import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest folder with a package.json (works from src/ and from dist/). */
const PACKAGE_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where to find Envoy, in priority order: the explicit path, ENVOY_BIN, the copy installed by
 * envoy/install.sh, then `envoy` on PATH. Returns undefined when none is executable.
 */
export function findEnvoyBinary(explicit?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [explicit, env.ENVOY_BIN, path.join(PACKAGE_ROOT, 'envoy', 'bin', 'envoy')];
  for (const c of candidates) if (c && executable(c)) return c;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const c = path.join(dir, 'envoy');
    if (dir && executable(c)) return c;
  }
  return undefined;
}
