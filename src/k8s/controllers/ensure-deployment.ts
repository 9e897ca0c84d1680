// Creates or merge-patches the gateway Deployment (docs/gateway.md §3.2 step 4).
import type { KubeConfig } from '@kubernetes/client-node';

import type { DesiredDeployment } from '../render/deployment.js';
import type { Deployment } from '../render/kube-objects.js';
import { kubeRequest } from '../watch/kube-request.js';
import type { MergePatcher } from './merge-patch-request.js';
import { replacingPatch } from './merge-patch-body.js';
import { OWNED_KINDS } from './owned-objects.js';

/**
 * Makes the Deployment match `desired` and resolves to it as stored. The pod template is replaced
 * whole, as Kuma does: fields of the current template that are not desired are sent as null
 * (server defaults among them come back unchanged, so an unchanged template writes nothing).
 * Replicas and selector are set; other Deployment fields (strategy, ...) are left alone.
 */
export async function ensureDeployment(
  kubeConfig: KubeConfig,
  patcher: MergePatcher,
  desired: DesiredDeployment,
  existing: Deployment | undefined,
): Promise<Deployment> {
  const namespace = desired.metadata?.namespace ?? '';
  if (!existing) {
    return kubeRequest<Deployment>(kubeConfig, { method: 'POST', path: OWNED_KINDS.Deployment(namespace), body: desired });
  }
  const body = {
    metadata: { ownerReferences: desired.metadata?.ownerReferences },
    spec: {
      replicas: desired.spec.replicas,
      selector: desired.spec.selector,
      template: replacingPatch(existing.spec?.template, desired.spec.template),
    },
  };
  return patcher.deployment<Deployment>(namespace, existing.metadata?.name ?? '', body);
}
