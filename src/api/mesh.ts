// Mesh: the unit of isolation. Issue 2 needs only its existence and name; mTLS, logging and
// tracing backends arrive with later issues and are accepted (not rejected as unknown) today.

/** The builtin or provided CA backend of a mesh (gateway.md §1.5). */
export interface MeshMtlsBackend {
  readonly name: string;
  readonly type: string;
  readonly mode?: 'STRICT' | 'PERMISSIVE';
  readonly dpCert?: { readonly rotation?: { readonly expiration?: string } };
  readonly conf?: Readonly<Record<string, unknown>>;
}

/** Spec of a Mesh resource (the universal form without `type` and `name`). */
export interface MeshSpec {
  readonly mtls?: {
    readonly enabledBackend?: string;
    readonly backends?: readonly MeshMtlsBackend[];
  };
  readonly networking?: { readonly outbound?: { readonly passthrough?: boolean } };
  readonly routing?: {
    readonly zoneEgress?: boolean;
    readonly localityAwareLoadBalancing?: boolean;
  };
  readonly logging?: Readonly<Record<string, unknown>>;
  readonly tracing?: Readonly<Record<string, unknown>>;
  readonly metrics?: Readonly<Record<string, unknown>>;
  readonly constraints?: Readonly<Record<string, unknown>>;
  readonly skipCreatingInitialPolicies?: readonly string[];
}
