// Everything Kubernetes mode starts, behind one module that control-plane.ts imports only in that
// mode. The Kubernetes client library takes over half a second to load; universal mode (and every
// restart of a universal control plane, and every `portico` command) should not pay for it.
export { KubernetesStore } from '../k8s/kubernetes-store.js';
export { createServiceAccountAuthenticator } from '../k8s/auth/service-account-authenticator.js';
export { startAdmissionServer } from '../k8s/webhook/admission-server.js';
export { SYSTEM_TRUSTED_USERS } from '../k8s/webhook/admit.js';
export { installedControlPlaneUser, selfUsername } from '../k8s/auth/self-identity.js';
export { CONTROL_PLANE_NAME } from '../k8s/render/control-plane-manifests.js';
export { startLeaderElection } from '../k8s/leader-election.js';
export { startKubernetesControllers } from './kubernetes-controllers.js';
export { startStatusWriter } from './kubernetes-status-writer.js';
