// A GET of one object where "not found" is an answer, not an error: controllers read the object
// they were asked about, and a deleted one simply needs nothing.
import type { KubeConfig } from '@kubernetes/client-node';

import { KubeApiError, kubeRequest } from '../watch/kube-request.js';

/** The object at `path` as raw JSON, or undefined on 404; every other failure throws. */
export async function readObject<T>(kubeConfig: KubeConfig, path: string): Promise<T | undefined> {
  try {
    return await kubeRequest<T>(kubeConfig, { path });
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return undefined;
    throw error;
  }
}
