// How the dataplane port authenticates proxies in each mode (docs/dataplane-auth.md), plugged into
// the one seam both ADS and /bootstrap use (xds/server/proxy-authentication.ts):
// - universal (embedded or memory store): dataplane tokens, bound to the stored Dataplane and, on
//   /bootstrap, to the Dataplane being registered, so a proxy can never take over one it is not
//   bound to; on by default, turned off only by an explicit `none`;
// - Kubernetes: the pod's ServiceAccount token, checked with a TokenReview, and the Pod behind the
//   Dataplane (`<pod>.<namespace>`) must run as that ServiceAccount (k8s/auth/);
// - a zone ingress (node id `.<name>`, no mesh; docs/multizone.md "Zone ingresses"): a zone token of
//   scope `ingress` for this zone, in universal mode; dataplane tokens never pass for an ingress,
//   nor zone tokens for a Dataplane (each is checked only against its own signing keys).
import type { Logger } from 'pino';
import type { DataplaneSpec } from '../api/dataplane.js';
import { parseResourceDocument } from '../api/resource-document.js';
import type { ResourceStore } from '../core/store.js';
import type { ServiceAccountAuthenticator } from '../k8s/auth/service-account-authenticator.js';
import { checkDataplaneBinding, type DataplaneTokens, type TokenSubject } from '../tokens/dataplane-token.js';
import type { ZoneTokens } from '../tokens/zone-token.js';
import { isZoneIngressProxy } from '../xds/server/proxy-id.js';
import {
  credentialAuthentication,
  NO_AUTHENTICATION,
  type AuthVerdict,
  type ProxyAuthentication,
  type ProxyAuthenticator,
} from '../xds/server/proxy-authentication.js';

/** Kuma's `KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE` values Portico supports. */
export type DataplaneAuthType = 'dpToken' | 'none';

/** Environment variable that selects the dataplane authentication (Kuma's name). */
export const DP_AUTH_ENV = 'KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE';

/** What the control plane's mode asks for, resolved to the seam's value. */
export function dataplaneAuthentication(options: {
  readonly store: 'memory' | 'embedded' | 'postgres' | 'kubernetes';
  readonly type: DataplaneAuthType;
  readonly resources: ResourceStore;
  readonly tokens: DataplaneTokens;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Kubernetes mode: the ServiceAccount token check. */
  readonly serviceAccounts?: ServiceAccountAuthenticator;
  /** Zone ingresses: the zone tokens to verify and this zone's name; absent = ingresses refused. */
  readonly zoneIngresses?: { readonly tokens: ZoneTokens; readonly zone: string };
}): ProxyAuthentication {
  if (options.type === 'none') {
    options.logger.warn(`dataplane authentication is OFF (${DP_AUTH_ENV}=none): any client can fetch any proxy's configuration and keys`);
    return NO_AUTHENTICATION;
  }
  if (options.store === 'kubernetes') {
    const check = options.serviceAccounts;
    if (!check) throw new Error('Kubernetes mode needs the ServiceAccount token check');
    return credentialAuthentication(async (request) => (isZoneIngressProxy(request.proxy) ? NO_KUBERNETES_INGRESS : check(request.credential, request.proxy.name)));
  }
  const now = options.now ?? Date.now;
  const dataplanes = dataplaneTokenAuthenticator(options.resources, options.tokens, now);
  const ingresses = options.zoneIngresses ? zoneIngressTokenAuthenticator(options.zoneIngresses.tokens, options.zoneIngresses.zone, now) : async () => NO_INGRESSES;
  return credentialAuthentication((request) => (isZoneIngressProxy(request.proxy) ? ingresses(request) : dataplanes(request)));
}

const NO_KUBERNETES_INGRESS: AuthVerdict = { ok: false, code: 'PERMISSION_DENIED', message: 'zone ingress proxies are not served in Kubernetes mode yet' };
const NO_INGRESSES: AuthVerdict = { ok: false, code: 'PERMISSION_DENIED', message: 'this control plane serves no zone ingress proxies' };

/**
 * A zone ingress's check: a zone token (signature, expiry, revocation: UNAUTHENTICATED otherwise)
 * whose `Zone` is this zone and whose `Scope` holds `ingress` (PERMISSION_DENIED otherwise). The
 * token names no ingress, so any ingress of the zone may present it, as in Kuma.
 */
export function zoneIngressTokenAuthenticator(tokens: ZoneTokens, zone: string, now: () => number): ProxyAuthenticator {
  return async ({ credential }): Promise<AuthVerdict> => {
    const verified = await tokens.verifyZoneToken(credential, { zone, scope: 'ingress' }, now());
    if (verified.ok) return { ok: true };
    const code = verified.reason === 'zone-mismatch' || verified.reason === 'scope-missing' ? 'PERMISSION_DENIED' : 'UNAUTHENTICATED';
    return { ok: false, code, message: verified.message };
  };
}

/**
 * Universal mode's check: the token must be valid for the proxy's mesh (UNAUTHENTICATED
 * otherwise), and bound to the proxy (PERMISSION_DENIED otherwise) — its name, and the tags of
 * the stored Dataplane if there is one (no takeover) and of the candidate being registered.
 */
export function dataplaneTokenAuthenticator(store: ResourceStore, tokens: DataplaneTokens, now: () => number): ProxyAuthenticator {
  return async ({ credential, proxy, candidate }): Promise<AuthVerdict> => {
    const valid = await tokens.validate(credential, proxy.mesh, now());
    if (!valid.ok) return { ok: false, code: 'UNAUTHENTICATED', message: valid.message };
    const stored = await store.get({ kind: 'Dataplane', mesh: proxy.mesh, name: proxy.name });
    const registering = candidate === undefined ? undefined : candidateSpec(candidate);
    const specs = [stored?.spec, registering].filter((s): s is DataplaneSpec => s !== undefined);
    // Neither stored nor registered: no tags, so a tag-bound token is refused (it binds to nothing).
    const subjects: TokenSubject[] = specs.length > 0 ? specs.map((spec) => ({ ...proxy, tags: dataplaneTags(spec) })) : [{ ...proxy, tags: {} }];
    for (const subject of subjects) {
      const message = checkDataplaneBinding(valid.claims, subject);
      if (message !== undefined) return { ok: false, code: 'PERMISSION_DENIED', message };
    }
    return { ok: true };
  };
}

/** Every value of every tag a Dataplane has: its gateway's tags and all its inbounds' tags. */
export function dataplaneTags(spec: DataplaneSpec): Record<string, string[]> {
  const tags: Record<string, string[]> = {};
  const sets = [spec.networking.gateway?.tags ?? {}, ...(spec.networking.inbound ?? []).map((i) => i.tags)];
  for (const set of sets) {
    for (const [tag, value] of Object.entries(set)) {
      const values = (tags[tag] ??= []);
      if (!values.includes(value)) values.push(value);
    }
  }
  return tags;
}

/**
 * The spec of an inline Dataplane, when it is a valid one. An invalid one is refused by
 * registration right after (422) and never stored, so it needs no binding check of its own.
 */
function candidateSpec(candidate: Readonly<Record<string, unknown>>): DataplaneSpec | undefined {
  const parsed = parseResourceDocument(candidate);
  return parsed.ok && parsed.value.kind === 'Dataplane' ? (parsed.value.spec as DataplaneSpec) : undefined;
}
