// Dataplane tokens for tests, issued the way a user does: `POST /tokens/dataplane` on the REST API
// of a running control plane (docs/dataplane-auth.md). A token is a credential: tests pass it
// around, never print it.

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
