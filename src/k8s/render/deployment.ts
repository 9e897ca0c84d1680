// The gateway Deployment of a MeshGatewayInstance (docs/gateway.md §3.2 step 4). The pod template is
// owned whole by the controller, as Kuma replaces it on every reconcile; only the existing
// template annotations survive (they carry `kubectl rollout restart` stamps).

import { desiredGatewayContainer } from './gateway-container.js';
import {
  compareKeys,
  instanceOwnerReference,
  withOwnerReference,
  type GatewayInstanceRenderInput,
} from './gateway-instance-input.js';
import type { Deployment, PodTemplate, StringMap } from './kube-objects.js';
import { APP_LABEL, GATEWAY_ANNOTATION, GATEWAY_BUILTIN } from './service.js';

/** Pod annotation carrying the instance tags as JSON; the pod controller turns it into dataplane tags. */
export const TAGS_ANNOTATION = 'kuma.io/tags';
/** Label (and annotation) naming an object's mesh. */
export const MESH_LABEL = 'kuma.io/mesh';
/** Pod label keeping the sidecar injector away from gateway pods. */
export const SIDECAR_INJECTION_LABEL = 'kuma.io/sidecar-injection';

/** A rendered Deployment: its pod template is always complete. */
export type DesiredDeployment = Deployment & { readonly spec: { readonly template: PodTemplate } };

/** The gateway Deployment `<instance name>` in the instance namespace. */
export function desiredDeployment(input: GatewayInstanceRenderInput): DesiredDeployment {
  const { instance } = input;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: instance.name,
      namespace: instance.namespace,
      ownerReferences: withOwnerReference(
        input.existingDeployment?.metadata?.ownerReferences,
        instanceOwnerReference(instance),
      ),
    },
    spec: {
      replicas: instance.spec.replicas,
      selector: { matchLabels: { [APP_LABEL]: instance.name } },
      template: desiredPodTemplate(input),
    },
  };
}

/** The pod template: labels, annotations and a pod spec with the single gateway container. */
export function desiredPodTemplate(input: GatewayInstanceRenderInput): PodTemplate {
  const { instance } = input;
  const template = instance.spec.podTemplate;
  const labels: StringMap = {
    [APP_LABEL]: instance.name,
    [SIDECAR_INJECTION_LABEL]: 'disabled',
    [MESH_LABEL]: input.mesh,
    ...template?.metadata?.labels,
  };
  // docs/gateway.md §3.2 lists the existing template annotations after the generated ones, so that
  // rollout-restart stamps survive; read literally, that would also keep a stale `kuma.io/tags`
  // forever and a `spec.tags` change would never reach the pods. The two controller-owned keys are
  // therefore re-asserted after the existing annotations (the user's template still wins last).
  const generated: StringMap = { [GATEWAY_ANNOTATION]: GATEWAY_BUILTIN, [TAGS_ANNOTATION]: tagsJson(input.tags) };
  const annotations: StringMap = {
    ...generated,
    ...input.existingDeployment?.spec?.template?.metadata?.annotations,
    ...generated,
    ...template?.metadata?.annotations,
  };
  const fsGroup = template?.spec?.securityContext?.fsGroup;
  const serviceAccountName = template?.spec?.serviceAccountName;
  return {
    metadata: { labels, annotations },
    spec: {
      securityContext: {
        // Lets the unprivileged proxy bind listener ports below 1024.
        sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
        ...(fsGroup !== undefined ? { fsGroup } : {}),
      },
      ...(serviceAccountName ? { serviceAccountName } : {}),
      // The proxy's credential (docs/dataplane-auth.md): mounted even when the ServiceAccount opts
      // out of automounting. The automounted token is the one the API server keeps valid for long,
      // which matters because Envoy keeps the token it was started with for every reconnect.
      automountServiceAccountToken: true,
      containers: [desiredGatewayContainer(input)],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
}

/** Tags as JSON with keys in Go's map order, so the same tags always give the same annotation. */
export function tagsJson(tags: StringMap): string {
  const sorted = Object.keys(tags)
    .sort(compareKeys)
    .map((k) => [k, tags[k]]);
  return JSON.stringify(Object.fromEntries(sorted));
}
