// Secret: opaque bytes in a mesh, in Kuma's universal shape `{type: Secret, mesh, name, data}`.
// Certificate sources (`tls.certificates[].secret`) name one. The content is not interpreted at
// write time: Kuma secrets hold any data, and whether it is a valid PEM bundle is decided by
// the gateway that uses it (docs/gateway.md §4.6).

import { bytes, field, object, type ObjectSchema } from './schema.js';
import type { Violation } from './violation.js';

/** Largest Secret content accepted, decoded (1 MiB; Kubernetes caps a whole Secret at 1 MiB too). */
export const MAX_SECRET_BYTES = 1024 * 1024;

/** Spec of a Secret resource. */
export interface SecretSpec {
  /** The content, as standard padded base64 (the decoder normalises other spellings). */
  readonly data: string;
}

/** Spec schema of a Secret. */
export const SECRET_SPEC_SCHEMA: ObjectSchema = object('Opaque data of a mesh, such as a PEM certificate bundle.', {
  data: field(bytes(MAX_SECRET_BYTES), 'The content, base64-encoded.', { default: '' }),
});

/** Every violation of a decoded Secret spec: Kuma requires non-empty data. */
export function validateSecret(spec: SecretSpec): Violation[] {
  return spec.data === '' ? [{ field: 'data', message: 'cannot be empty' }] : [];
}
