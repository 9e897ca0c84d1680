// Creates or merge-patches the gateway Service (docs/gateway.md §3.2 step 3).
import type { KubeConfig } from '@kubernetes/client-node';

import type { Service } from '../render/kube-objects.js';
import { kubeRequest } from '../watch/kube-request.js';
import type { MergePatcher } from './merge-patch-request.js';
import { replacingPatch } from './merge-patch-body.js';
import { OWNED_KINDS } from './owned-objects.js';

/**
 * Makes the Service match `desired` and resolves to it as stored. An existing owned Service is
 * patched under its own name; labels and annotations are merged (desired already holds the
 * existing ones), the selector and port list are replaced, other spec fields are left alone.
 * The patch is sent on every reconcile: an unchanged result is a no-op for the API server, and a
 * hand edit of an owned field is undone.
 */
export async function ensureService(
  kubeConfig: KubeConfig,
  patcher: MergePatcher,
  desired: Service,
  existing: Service | undefined,
): Promise<Service> {
  const namespace = desired.metadata?.namespace ?? '';
  if (!existing) {
    return kubeRequest<Service>(kubeConfig, { method: 'POST', path: OWNED_KINDS.Service(namespace), body: desired });
  }
  const { name: _name, namespace: _namespace, ...metadata } = desired.metadata ?? {};
  const body = {
    metadata,
    spec: { ...desired.spec, selector: replacingPatch(existing.spec?.selector, desired.spec?.selector) },
  };
  return patcher.service<Service>(namespace, existing.metadata?.name ?? '', body);
}
