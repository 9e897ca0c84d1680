import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (bin/ and dist/ live below it). */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where to find Envoy, in priority order: the explicit flag, ENVOY_BIN, the copy installed by
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
