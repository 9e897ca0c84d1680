// Dataplane tokens for tests, issued the way a user does: `POST /tokens/dataplane` on the REST API
// of a running control plane (docs/dataplane-auth.md). A token is a credential: tests pass it
// around, never print it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { portico } from './processes.js';

/** What to put in the token (Kuma's request body). */
export interface TokenFor {
  readonly mesh: string;
  readonly name?: string;
  readonly tags?: Readonly<Record<string, readonly string[]>>;
  readonly validFor?: string;
}

/** Issues a dataplane token from the control plane whose REST API is at `apiUrl`. */
export async function issueDataplaneToken(apiUrl: string, body: TokenFor): Promise<string> {
  const res = await fetch(`${apiUrl}/tokens/dataplane`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /tokens/dataplane answered ${res.status}: ${text}`);
  return text;
}

/** gRPC metadata carrying a token, as Envoy sends it from the bootstrap's initial_metadata. */
export function tokenMetadata(token: string): Record<string, string> {
  return { authorization: token };
}

/**
 * End-to-end way: `portico generate dataplane-token` (the built CLI) writes the token for
 * `mesh/name` to a file (mode 0600) under `dir`, for `dp run --dataplane-token-file`.
 */
export async function dataplaneTokenFile(apiUrl: string, mesh: string, name: string, dir: string): Promise<string> {
  const generated = await portico(['generate', 'dataplane-token', '--mesh', mesh, '--name', name, '--valid-for', '1h', '--api', apiUrl]);
  if (generated.code !== 0) throw new Error(`portico generate dataplane-token failed: ${generated.output}`);
  const file = path.join(dir, `${mesh}.${name}.token`);
  writeFileSync(file, generated.output, { mode: 0o600 });
  return file;
}
