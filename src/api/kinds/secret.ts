// Secret: opaque data in a mesh (certificates named by gateways, token signing keys). On
// Kubernetes a core/v1 Secret of Kuma's type in the control plane's namespace, as in Kuma.
import { SECRET_SPEC_SCHEMA, validateSecret } from '../secret.js';
import { KIND_NAMES } from './names.js';
import { defineResourceKind, SECRET_FLAGS } from './descriptor.js';

/** The Secret kind. */
export const SECRET = defineResourceKind({
  ...KIND_NAMES.Secret,
  confidential: true,
  schema: SECRET_SPEC_SCHEMA,
  validate: validateSecret,
  kubernetes: { form: 'secret', secretType: 'system.kuma.io/secret' },
  multizone: SECRET_FLAGS,
});
