// The `kuma-gateway` container of a builtin gateway pod (docs/gateway.md §3.2 step 4).
//
// Portico's gateway image runs `portico dp run`, not `kuma-dp`. The arguments and environment are
// nevertheless Kuma's, name for name: the Portico agent reads the KUMA_* variables (and accepts
// `run --log-level --concurrency`), so existing tooling, dashboards and overrides through
// `kuma.io/sidecar-env-vars` keep working unchanged.

import type { ResourceRequirements } from '../../api/mesh-gateway-instance.js';
import { compareKeys, type GatewayInstanceRenderInput, type ProbeTiming } from './gateway-instance-input.js';
import type { Container, EnvVar, Probe, StringMap } from './kube-objects.js';

/** Name of the gateway container. */
export const GATEWAY_CONTAINER = 'kuma-gateway';
/** The gateway container's command in the Portico image (its args are docs/gateway.md §3.2's). */
export const GATEWAY_COMMAND: readonly string[] = ['portico', 'dp'];
/** Instance annotation: the proxy's worker thread count. */
export const CONCURRENCY_ANNOTATION = 'kuma.io/sidecar-concurrency';
/** Instance annotation: extra environment, `NAME=value;NAME2=value2`. */
export const ENV_VARS_ANNOTATION = 'kuma.io/sidecar-env-vars';
/** Instance annotation: the Envoy admin port the probes use. */
export const ADMIN_PORT_ANNOTATION = 'kuma.io/envoy-admin-port';

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const MAX_UINT32 = 4_294_967_295;

/** The gateway container, fully rendered. */
export function desiredGatewayContainer(input: GatewayInstanceRenderInput): Container {
  const { instance, settings } = input;
  const adminPort = uint32Annotation(instance.annotations, ADMIN_PORT_ANNOTATION) ?? settings.adminPort;
  const readOnlyRootFilesystem = instance.spec.podTemplate?.spec?.container?.securityContext?.readOnlyRootFilesystem;
  return {
    name: GATEWAY_CONTAINER,
    image: settings.image,
    imagePullPolicy: 'IfNotPresent',
    // One image serves the control plane and gateways: `portico dp` + Kuma's `run ...` arguments.
    command: GATEWAY_COMMAND,
    args: ['run', '--log-level=info', ...concurrencyArgs(instance.annotations, settings.cpuLimit)],
    env: gatewayEnv(input),
    livenessProbe: readyProbe(adminPort, settings.livenessProbe),
    readinessProbe: readyProbe(adminPort, settings.readinessProbe),
    resources: instance.spec.resources ?? defaultResources(settings.resources, settings.cpuLimit),
    securityContext: {
      runAsUser: settings.uid,
      runAsGroup: settings.gid,
      capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
      allowPrivilegeEscalation: false,
      ...(readOnlyRootFilesystem !== undefined ? { readOnlyRootFilesystem } : {}),
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

/**
 * `--concurrency=<n>`: the instance's `kuma.io/sidecar-concurrency` annotation wins; otherwise a
 * configured non-zero CPU limit gives max(limit rounded up, 2). An annotation that is not an
 * unsigned 32-bit integer is ignored, like an absent one.
 */
export function concurrencyArgs(annotations: StringMap, cpuLimit: string | undefined): string[] {
  const annotated = uint32Annotation(annotations, CONCURRENCY_ANNOTATION);
  if (annotated !== undefined) return [`--concurrency=${annotated}`];
  const cores = cpuLimit === undefined ? undefined : quantityValue(cpuLimit);
  if (cores === undefined || cores <= 0) return [];
  return [`--concurrency=${Math.max(Math.ceil(cores), 2)}`];
}

/**
 * The environment, sorted by name, with KUMA_DATAPLANE_RESOURCES_MAX_MEMORY_BYTES last. Later
 * sources override earlier ones: defaults, the control-plane configuration, the annotation.
 */
export function gatewayEnv(input: GatewayInstanceRenderInput): EnvVar[] {
  const { settings } = input;
  const vars = new Map<string, EnvVar>();
  const set = (name: string, value: string): void => void vars.set(name, { name, value });
  vars.set('POD_NAME', fieldRef('POD_NAME', 'metadata.name'));
  vars.set('POD_NAMESPACE', fieldRef('POD_NAMESPACE', 'metadata.namespace'));
  vars.set('INSTANCE_IP', fieldRef('INSTANCE_IP', 'status.podIP'));
  set('KUMA_CONTROL_PLANE_URL', settings.controlPlaneUrl);
  set('KUMA_CONTROL_PLANE_CA_CERT', settings.caCert);
  set('KUMA_DATAPLANE_MESH', input.mesh);
  set('KUMA_DATAPLANE_DRAIN_TIME', settings.drainTime);
  set('KUMA_DATAPLANE_RUNTIME_TOKEN_PATH', TOKEN_PATH);
  if (settings.builtinDnsPort === undefined) set('KUMA_DNS_ENABLED', 'false');
  else {
    const port = settings.builtinDnsPort;
    set('KUMA_DNS_ENABLED', 'true');
    set('KUMA_DNS_CORE_DNS_PORT', String(port));
    set('KUMA_DNS_CORE_DNS_EMPTY_PORT', String(port + 1));
    set('KUMA_DNS_ENVOY_DNS_PORT', String(port + 2));
    set('KUMA_DNS_CORE_DNS_BINARY_PATH', 'coredns');
  }
  for (const [name, value] of Object.entries(settings.env)) set(name, value);
  for (const [name, value] of annotationEnv(input.instance.annotations)) set(name, value);
  const sorted = [...vars.values()].sort((a, b) => compareKeys(a.name, b.name));
  // Last because the value depends on the container's own limits, resolved by the kubelet.
  sorted.push({ name: 'KUMA_DATAPLANE_RESOURCES_MAX_MEMORY_BYTES', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } });
  return sorted;
}

/** Default resources with the configured CPU limit added when it is set and non-zero. */
function defaultResources(resources: ResourceRequirements, cpuLimit: string | undefined): ResourceRequirements {
  const cores = cpuLimit === undefined ? undefined : quantityValue(cpuLimit);
  if (cpuLimit === undefined || cores === undefined || cores <= 0) return resources;
  return { ...resources, limits: sortedKeys({ ...resources.limits, cpu: cpuLimit }) };
}

function readyProbe(port: number, timing: ProbeTiming): Probe {
  return {
    httpGet: { path: '/ready', port },
    initialDelaySeconds: timing.initialDelaySeconds,
    timeoutSeconds: timing.timeoutSeconds,
    periodSeconds: timing.periodSeconds,
    successThreshold: 1,
    failureThreshold: timing.failureThreshold,
  };
}

function fieldRef(name: string, fieldPath: string): EnvVar {
  return { name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } };
}

/** `NAME=value;NAME2=value2` pairs; a pair without `=` or without a name is skipped. */
function annotationEnv(annotations: StringMap): [string, string][] {
  const raw = annotations[ENV_VARS_ANNOTATION];
  if (raw === undefined) return [];
  const pairs: [string, string][] = [];
  for (const item of raw.split(';')) {
    const at = item.indexOf('=');
    const name = item.slice(0, at).trim();
    if (at > 0 && name !== '') pairs.push([name, item.slice(at + 1)]);
  }
  return pairs;
}

function uint32Annotation(annotations: StringMap, key: string): number | undefined {
  const raw = annotations[key];
  if (raw === undefined || !/^[0-9]+$/.test(raw)) return undefined;
  const value = Number(raw);
  return value <= MAX_UINT32 ? value : undefined;
}

const SUFFIXES: Readonly<Record<string, number>> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The numeric value of a Kubernetes quantity (`1500m` -> 1.5), or undefined when malformed. */
export function quantityValue(quantity: string): number | undefined {
  const m = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([KMGTPE]i|[numkMGTPE]?)|[eE]([+-]?[0-9]+))$/.exec(quantity);
  if (!m) return undefined;
  const [, number = '', suffix = '', exponent] = m;
  const scale = exponent !== undefined ? 10 ** Number(exponent) : SUFFIXES[suffix];
  return scale === undefined ? undefined : Number(number) * scale;
}

function sortedKeys<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareKeys(a, b)));
}
