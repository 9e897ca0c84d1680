// Write-time checks of the certificates a TLS-terminating listener carries inline
// (docs/robustness.md §4.1 row 23). `inline` and `inlineString` sources are fully known when the MeshGateway is
// written, so a bad bundle is a 400 instead of a generation failure later. `secret` and `file`
// sources may not exist yet; the gateway layer checks them at generation time (docs/gateway.md §4.6).

import { fieldPath, indexPath } from './field-path.js';
import type { DataSource, MeshGatewayListener } from './mesh-gateway.js';
import { parseCertificateBundle, type TlsKeyType } from './pem.js';
import type { Violation } from './violation.js';

// The inline source kinds: also the scope part of their SDS secret name.
type InlineScope = 'inline' | 'inlineString';

/** Violations of the inline certificate sources of one listener; `path` is the listener's. */
export function validateInlineCertificates(l: MeshGatewayListener, path: string): Violation[] {
  const tls = l.tls;
  // Certificates are used only when a TLS or HTTPS listener terminates TLS; elsewhere they are
  // ignored (HTTP, TCP, PASSTHROUGH) or already reported (cross-mesh).
  if (tls?.mode !== 'TERMINATE' || l.crossMesh || (l.protocol !== 'HTTPS' && l.protocol !== 'TLS')) return [];
  const hostname = l.hostname === '' ? '*' : l.hostname;
  const at = fieldPath(fieldPath(path, 'tls'), 'certificates');
  const out: Violation[] = [];
  const seen = new Map<TlsKeyType, string>();
  tls.certificates.forEach((source, j) => {
    const inline = inlinePem(source);
    if (inline === undefined) return;
    const sourcePath = indexPath(at, j);
    const bundle = parseCertificateBundle(inline.pem);
    if (!bundle.ok) {
      const field = fieldPath(sourcePath, inline.scope);
      out.push(...bundle.violations.map((v) => ({ field, message: v.field === '' ? v.message : `${v.field}: ${v.message}` })));
      return;
    }
    const name = secretName(bundle.value.keyType, inline.scope, hostname);
    const earlier = seen.get(bundle.value.keyType);
    if (earlier !== undefined) out.push({ field: sourcePath, message: duplicateMessage(name, earlier, bundle.value.keyType) });
    else seen.set(bundle.value.keyType, name);
  });
  return out;
}

/** The PEM text of an inline source, or undefined for secret and file sources. */
function inlinePem(source: DataSource): { scope: InlineScope; pem: string } | undefined {
  if (source.inline !== undefined) return { scope: 'inline', pem: Buffer.from(source.inline, 'base64').toString('utf8') };
  if (source.inlineString !== undefined) return { scope: 'inlineString', pem: source.inlineString };
  return undefined;
}

/**
 * The SDS secret name `cert.<rsa|ecdsa>:<scope>:<id>` (docs/gateway.md §2.13; ir/names.ts makes the
 * real one, which src/api may not import). An inline source's id is its hostname group, and on
 * TLS and HTTPS ports each listener's effective hostname is its own group (docs/gateway.md §2.6).
 */
function secretName(keyType: TlsKeyType, scope: InlineScope, hostname: string): string {
  return `cert.${keyType}:${scope}:${hostname}`;
}

// Envoy takes at most one certificate per key type in a chain. Two sources with the same name is
// docs/gateway.md §4.6's case; `inline` and `inlineString` of one key type name two secrets but clash all the same.
function duplicateMessage(name: string, earlier: string, keyType: TlsKeyType): string {
  if (name === earlier) return `duplicate TLS certificate ${JSON.stringify(name)}`;
  return `duplicate TLS certificate ${JSON.stringify(name)}: ${JSON.stringify(earlier)} also holds an ${keyType.toUpperCase()} key`;
}
