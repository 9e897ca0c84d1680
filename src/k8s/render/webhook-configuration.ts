// The ValidatingWebhookConfiguration of the install manifests: it sends creates and updates of
// Portico's kinds to the control plane's admission server (src/k8s/webhook). Two webhooks, because
// Kubernetes rules cannot select Secrets by their `type`: the Secret webhook narrows by the
// kuma.io/mesh label and by the control plane's namespace, the only one Portico reads Secrets from;
// the server then ignores Secrets of other types.

import { CRD_KINDS } from '../../api/crd-kinds.js';
import { KUMA_GROUP, KUMA_VERSION } from '../../api/kinds/descriptor.js';

/** Name of the ValidatingWebhookConfiguration object. */
export const WEBHOOK_CONFIGURATION_NAME = 'portico-validating-webhook';
/** The one path the admission server answers on, for every kind. */
export const WEBHOOK_PATH = '/validate';
/** Webhook for the kuma.io/v1alpha1 kinds (shown by kubectl in denials). */
export const RESOURCES_WEBHOOK_NAME = 'validator.portico-admission.kuma.io';
/** Webhook for mesh Secrets. */
export const SECRETS_WEBHOOK_NAME = 'secret.validator.portico-admission.kuma.io';
/** Seconds the API server waits for an answer (Kubernetes allows 1 to 30). */
export const WEBHOOK_TIMEOUT_SECONDS = 10;

/** The kuma.io/v1alpha1 resources the admission server validates: every CRD's plural, sorted. */
export const VALIDATED_KUMA_RESOURCES: readonly string[] = CRD_KINDS.map((k) => k.plural).sort();

/** A `admissionregistration.k8s.io/v1` RuleWithOperations. */
export interface WebhookRule {
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly operations: readonly string[];
  readonly resources: readonly string[];
  readonly scope: '*' | 'Cluster' | 'Namespaced';
}

/** A `metav1.LabelSelector`. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/** One entry of `webhooks`. */
export interface ValidatingWebhook {
  readonly name: string;
  readonly admissionReviewVersions: readonly string[];
  readonly clientConfig: {
    readonly service: { readonly namespace: string; readonly name: string; readonly path: string; readonly port: number };
    /** Base64 of the PEM CA that signed the admission server's certificate. */
    readonly caBundle: string;
  };
  readonly rules: readonly WebhookRule[];
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly matchPolicy: 'Equivalent' | 'Exact';
  readonly sideEffects: 'None';
  readonly timeoutSeconds: number;
  readonly namespaceSelector?: LabelSelector;
  readonly objectSelector?: LabelSelector;
}

/** A `admissionregistration.k8s.io/v1` ValidatingWebhookConfiguration. */
export interface ValidatingWebhookConfiguration {
  readonly apiVersion: 'admissionregistration.k8s.io/v1';
  readonly kind: 'ValidatingWebhookConfiguration';
  readonly metadata: { readonly name: string };
  readonly webhooks: readonly ValidatingWebhook[];
}

/** Where the admission server runs and the CA its certificate chains to. */
export interface WebhookConfigurationInput {
  /** Namespace of the control plane (its Service, and the only namespace of mesh Secrets). */
  readonly namespace: string;
  /** Service in front of the control plane's admission port. */
  readonly serviceName: string;
  /** PEM text of the CA; base64-encoded here, as `caBundle` requires. */
  readonly caBundle: string;
  /** Service port of the admission server. */
  readonly port: number;
  /**
   * A global or federated zone: deletes are sent too, so the webhook can refuse deleting what the
   * control plane's role does not own (docs/multizone.md §5). Elsewhere deletes are always allowed and
   * the API server need not ask (nor depend on the webhook being up to delete).
   */
  readonly checkDeletes?: boolean;
}

// Deletes are allowed except under multi-zone rules, so the API server is asked only then.
const OPERATIONS = ['CREATE', 'UPDATE'];
const OPERATIONS_WITH_DELETE = ['CREATE', 'UPDATE', 'DELETE'];

/** The ValidatingWebhookConfiguration for a control plane behind `serviceName` in `namespace`. */
export function desiredWebhookConfiguration(input: WebhookConfigurationInput): ValidatingWebhookConfiguration {
  const operations = input.checkDeletes ? OPERATIONS_WITH_DELETE : OPERATIONS;
  const resources: WebhookRule = {
    apiGroups: [KUMA_GROUP],
    apiVersions: [KUMA_VERSION],
    operations,
    resources: VALIDATED_KUMA_RESOURCES,
    scope: '*',
  };
  const secrets: WebhookRule = {
    apiGroups: [''],
    apiVersions: ['v1'],
    operations,
    resources: ['secrets'],
    scope: 'Namespaced',
  };
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: WEBHOOK_CONFIGURATION_NAME },
    webhooks: [
      webhook(RESOURCES_WEBHOOK_NAME, input, resources, {}),
      webhook(SECRETS_WEBHOOK_NAME, input, secrets, {
        // kubernetes.io/metadata.name is set on every namespace by the API server (1.21+).
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': input.namespace } },
        objectSelector: { matchExpressions: [{ key: 'kuma.io/mesh', operator: 'Exists' }] },
      }),
    ],
  };
}

function webhook(
  name: string,
  input: WebhookConfigurationInput,
  rule: WebhookRule,
  selectors: Pick<ValidatingWebhook, 'namespaceSelector' | 'objectSelector'>,
): ValidatingWebhook {
  return {
    name,
    admissionReviewVersions: ['v1'],
    clientConfig: {
      service: { namespace: input.namespace, name: input.serviceName, path: WEBHOOK_PATH, port: input.port },
      caBundle: Buffer.from(input.caBundle, 'utf8').toString('base64'),
    },
    rules: [rule],
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    sideEffects: 'None',
    timeoutSeconds: WEBHOOK_TIMEOUT_SECONDS,
    ...selectors,
  };
}
