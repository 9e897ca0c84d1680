// Plain-data shapes of the Kubernetes objects the renderers read and produce. k8s/render may not
// import the client, so these describe only the fields Portico reads or writes; objects from the
// API carry more, which the renderers never touch. Everything is JSON: what a renderer returns is
// the body of a create or merge-patch request as is.

/** A string-to-string map (labels, annotations, selectors). */
export type StringMap = Readonly<Record<string, string>>;

/** A `metav1.OwnerReference`. */
export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

/** The parts of `metav1.ObjectMeta` Portico uses. */
export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly generation?: number;
  readonly resourceVersion?: string;
  readonly labels?: StringMap;
  readonly annotations?: StringMap;
  readonly ownerReferences?: readonly OwnerReference[];
}

/** One entry of a Service's `spec.ports`; fields Kubernetes fills in (nodePort) included. */
export interface ServicePort {
  readonly name?: string;
  readonly protocol?: string;
  readonly port: number;
  readonly targetPort?: number | string;
  readonly nodePort?: number;
  readonly appProtocol?: string;
}

/** One address of a `LoadBalancerStatus`. */
export interface LoadBalancerIngress {
  readonly ip?: string;
  readonly hostname?: string;
  readonly ipMode?: string;
  readonly ports?: readonly { readonly port: number; readonly protocol: string; readonly error?: string }[];
}

/** A Service, as far as the gateway Service goes. */
export interface Service {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly type?: string;
    readonly selector?: StringMap;
    readonly ports?: readonly ServicePort[];
    readonly loadBalancerIP?: string;
    readonly clusterIP?: string;
    readonly clusterIPs?: readonly string[];
  };
  readonly status?: { readonly loadBalancer?: { readonly ingress?: readonly LoadBalancerIngress[] } };
}

/** A `corev1.EnvVar`: a literal value or a downward-API reference. */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly fieldRef?: { readonly apiVersion: string; readonly fieldPath: string };
    readonly resourceFieldRef?: { readonly resource: string };
  };
}

/** An HTTP GET probe. */
export interface Probe {
  readonly httpGet: { readonly path: string; readonly port: number };
  readonly initialDelaySeconds: number;
  readonly timeoutSeconds: number;
  readonly periodSeconds: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

/** A `corev1.ResourceRequirements`; quantities as written (`50m`, `64Mi`). */
export interface ResourceRequirements {
  readonly limits?: Readonly<Record<string, string | number>>;
  readonly requests?: Readonly<Record<string, string | number>>;
  readonly claims?: readonly { readonly name: string; readonly request?: string }[];
}

/** The gateway container. */
export interface Container {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy: string;
  readonly command?: readonly string[];
  readonly args: readonly string[];
  readonly env: readonly EnvVar[];
  readonly livenessProbe: Probe;
  readonly readinessProbe: Probe;
  readonly resources: ResourceRequirements;
  readonly securityContext: {
    readonly runAsUser: number;
    readonly runAsGroup: number;
    readonly capabilities: { readonly add: readonly string[]; readonly drop: readonly string[] };
    readonly allowPrivilegeEscalation: boolean;
    readonly readOnlyRootFilesystem?: boolean;
  };
  readonly volumeMounts: readonly { readonly name: string; readonly mountPath: string }[];
}

/** The pod template of the gateway Deployment. */
export interface PodTemplate {
  readonly metadata: { readonly labels: StringMap; readonly annotations: StringMap };
  readonly spec: {
    readonly securityContext: {
      readonly sysctls: readonly { readonly name: string; readonly value: string }[];
      readonly fsGroup?: number;
    };
    readonly serviceAccountName?: string;
    /** Always true: the proxy authenticates to the control plane with this token. */
    readonly automountServiceAccountToken: true;
    readonly containers: readonly Container[];
    readonly volumes: readonly { readonly name: string; readonly emptyDir: Readonly<Record<string, never>> }[];
  };
}

/** A Deployment condition (`Available`, `Progressing`, ...). */
export interface DeploymentCondition {
  readonly type: string;
  readonly status: string;
}

/** A Deployment, as far as the gateway Deployment goes. Existing ones carry more fields. */
export interface Deployment {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly spec?: {
    readonly replicas?: number;
    readonly selector?: { readonly matchLabels?: StringMap };
    readonly template?: {
      readonly metadata?: { readonly labels?: StringMap; readonly annotations?: StringMap };
      readonly spec?: unknown;
    };
  };
  readonly status?: { readonly conditions?: readonly DeploymentCondition[] };
}
