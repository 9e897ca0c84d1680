// Server-side defaults, all in one place. The real API server fills these in on every write, so
// code that compares its desired object with the stored one must tolerate them; the fake fills
// the same ones so that such code (and infinite update loops) show up in tests.
//
// Namespace:  label kubernetes.io/metadata.name=<name>; spec.finalizers [kubernetes]; status.phase Active.
// Service:    type ClusterIP; sessionAffinity None; ports[].protocol TCP; ports[].targetPort = port;
//             clusterIP + clusterIPs allocated from 10.96.0.0/16 (not for `None` or ExternalName),
//             ipFamilies [IPv4] and ipFamilyPolicy SingleStack with it; internalTrafficPolicy Cluster;
//             NodePort/LoadBalancer: externalTrafficPolicy Cluster and ports[].nodePort allocated in
//             30000-32767; LoadBalancer: allocateLoadBalancerNodePorts true; status {loadBalancer: {}}.
//             On update an omitted clusterIP/nodePort keeps the allocated one (matched by port and
//             protocol); switching to ClusterIP drops unchanged nodePorts.
// Secret:     type Opaque; stringData is base64-encoded into data and removed.
// Pod spec (Pods and Deployment templates): restartPolicy Always, dnsPolicy ClusterFirst,
//             terminationGracePeriodSeconds 30, schedulerName default-scheduler, securityContext {};
//             containers: terminationMessagePath /dev/termination-log, terminationMessagePolicy File,
//             imagePullPolicy Always for `:latest` or untagged images else IfNotPresent, ports[].protocol
//             TCP, probes (timeoutSeconds 1, periodSeconds 10, successThreshold 1, failureThreshold 3,
//             httpGet.scheme HTTP), env fieldRef.apiVersion v1, resourceFieldRef.divisor "0".
// Pod:        status.phase Pending.
// Deployment: replicas 1, revisionHistoryLimit 10, progressDeadlineSeconds 600, strategy RollingUpdate
//             25%/25%; status {} on create.
// Custom resources: `default` values of the registered openAPIV3Schema (see crd-schema.ts).
// Not implemented: ServiceAccount admission (pods get no serviceAccountName), LimitRanges, quotas.
import type { Obj } from './json.js';
import { child, isObj, items, metadataOf, str } from './json.js';
import type { ResourceType } from './resource-types.js';
import type { FieldError } from './status-errors.js';

const setDefault = (obj: Obj, key: string, value: unknown): void => {
  if (obj[key] === undefined) obj[key] = value;
};

/** The status a type's registry strategy writes on create, discarding what the client sent. */
export function initialStatus(type: ResourceType, obj: Obj): unknown {
  switch (type.kind) {
    case 'Namespace':
      return { phase: 'Active' };
    case 'Pod':
      return { phase: 'Pending' };
    case 'Service':
      return { loadBalancer: {} };
    case 'Deployment':
      return {};
    default:
      return type.statusSubresource ? undefined : obj['status'];
  }
}

/** Applies the built-in defaults listed in the file comment (Service allocation is separate). */
export function applyBuiltinDefaults(type: ResourceType, obj: Obj): void {
  const spec = child(obj, 'spec');
  switch (type.kind) {
    case 'Namespace': {
      const meta = metadataOf(obj);
      meta['labels'] = { ...(child(meta, 'labels') ?? {}), 'kubernetes.io/metadata.name': str(meta, 'name') };
      obj['spec'] = { finalizers: ['kubernetes'], ...(spec ?? {}) };
      break;
    }
    case 'Secret':
      defaultSecret(obj);
      break;
    case 'Pod':
      if (spec) defaultPodSpec(spec);
      break;
    case 'Deployment':
      if (spec) defaultDeploymentSpec(spec);
      break;
    case 'Service':
      if (spec) defaultServiceSpec(spec);
      break;
  }
}

function defaultSecret(obj: Obj): void {
  setDefault(obj, 'type', 'Opaque');
  const stringData = child(obj, 'stringData');
  if (!stringData) return;
  const data = { ...(child(obj, 'data') ?? {}) };
  for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value)).toString('base64');
  obj['data'] = data;
  delete obj['stringData'];
}

function defaultDeploymentSpec(spec: Obj): void {
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  setDefault(spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
  const podSpec = child(child(spec, 'template'), 'spec');
  if (podSpec) defaultPodSpec(podSpec);
}

function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  for (const container of [...items(spec, 'containers'), ...items(spec, 'initContainers')].filter(isObj)) defaultContainer(container);
}

function defaultContainer(container: Obj): void {
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  const image = str(container, 'image');
  const tag = /:([^:/@]+)$/.exec(image)?.[1];
  setDefault(container, 'imagePullPolicy', tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent');
  for (const port of items(container, 'ports').filter(isObj)) setDefault(port, 'protocol', 'TCP');
  for (const probeKey of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = child(container, probeKey);
    if (!probe) continue;
    setDefault(probe, 'timeoutSeconds', 1);
    setDefault(probe, 'periodSeconds', 10);
    setDefault(probe, 'successThreshold', 1);
    setDefault(probe, 'failureThreshold', 3);
    const httpGet = child(probe, 'httpGet');
    if (httpGet) setDefault(httpGet, 'scheme', 'HTTP');
  }
  for (const env of items(container, 'env').filter(isObj)) {
    const fieldRef = child(child(env, 'valueFrom'), 'fieldRef');
    if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
    const resourceFieldRef = child(child(env, 'valueFrom'), 'resourceFieldRef');
    if (resourceFieldRef) setDefault(resourceFieldRef, 'divisor', '0');
  }
}

const needsNodePorts = (type: string): boolean => type === 'NodePort' || type === 'LoadBalancer';

function defaultServiceSpec(spec: Obj): void {
  setDefault(spec, 'type', 'ClusterIP');
  const type = str(spec, 'type');
  if (type === 'ExternalName') return;
  setDefault(spec, 'sessionAffinity', 'None');
  setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (needsNodePorts(type)) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  for (const port of items(spec, 'ports').filter(isObj)) {
    setDefault(port, 'protocol', 'TCP');
    setDefault(port, 'targetPort', port['port']);
  }
}

const portKey = (port: Obj): string => `${String(port['port'])}/${str(port, 'protocol') || 'TCP'}`;

/** On update, keeps what the server allocated when the client omitted it (as `patchAllocatedValues` does). */
export function carryServiceAllocations(next: Obj, old: Obj): void {
  const spec = child(next, 'spec');
  const oldSpec = child(old, 'spec');
  if (!spec || !oldSpec) return;
  const type = str(spec, 'type') || 'ClusterIP';
  const oldType = str(oldSpec, 'type') || 'ClusterIP';
  if (type !== 'ExternalName' && oldType !== 'ExternalName' && !spec['clusterIP'] && oldSpec['clusterIP']) {
    spec['clusterIP'] = oldSpec['clusterIP'];
    spec['clusterIPs'] = oldSpec['clusterIPs'];
  }
  const oldPorts = new Map(items(oldSpec, 'ports').filter(isObj).map((p) => [portKey(p), p['nodePort']]));
  for (const port of items(spec, 'ports').filter(isObj)) {
    const oldNodePort = oldPorts.get(portKey(port));
    if (needsNodePorts(type) && needsNodePorts(oldType) && port['nodePort'] === undefined && oldNodePort !== undefined) port['nodePort'] = oldNodePort;
    if (!needsNodePorts(type) && needsNodePorts(oldType) && port['nodePort'] === oldNodePort) delete port['nodePort'];
  }
}

const ipToInt = (ip: string): number => ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
const intToIp = (n: number): string => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
const CIDR_START = ipToInt('10.96.0.0');
const CIDR_SIZE = 1 << 16;

/** Allocates a Service's clusterIP and nodePorts against the ones other Services hold. */
export function allocateServiceAddresses(service: Obj, others: readonly Obj[]): FieldError[] {
  const spec = child(service, 'spec');
  if (!spec) return [];
  const type = str(spec, 'type');
  const usedIps = new Set(others.map((o) => str(child(o, 'spec'), 'clusterIP')).filter((ip) => ip && ip !== 'None'));
  const usedPorts = new Set(others.flatMap((o) => items(child(o, 'spec'), 'ports').filter(isObj).map((p) => p['nodePort'])));
  const errors: FieldError[] = [];
  if (type !== 'ExternalName') {
    const requested = str(spec, 'clusterIP');
    if (!requested) {
      let candidate = CIDR_START + 2; // .0 is the network, .1 the `kubernetes` Service
      while (usedIps.has(intToIp(candidate)) && candidate < CIDR_START + CIDR_SIZE - 1) candidate += 1;
      spec['clusterIP'] = intToIp(candidate);
    } else if (requested !== 'None') {
      const n = ipToInt(requested);
      const why = !/^\d+\.\d+\.\d+\.\d+$/.test(requested) || n < CIDR_START || n >= CIDR_START + CIDR_SIZE ? 'the provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/16' : usedIps.has(requested) ? 'provided IP is already allocated' : '';
      if (why) errors.push({ type: 'Invalid', field: 'spec.clusterIPs', value: [requested], detail: `failed to allocate IP ${requested}: ${why}` });
    }
    spec['clusterIPs'] = [spec['clusterIP']];
    if (spec['clusterIP'] !== 'None') {
      setDefault(spec, 'ipFamilies', ['IPv4']);
      setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    }
  }
  items(spec, 'ports').forEach((port, i) => {
    if (!isObj(port)) return;
    if (!needsNodePorts(type)) {
      if (port['nodePort'] !== undefined) errors.push({ type: 'Forbidden', field: `spec.ports[${i}].nodePort`, detail: `may not be used when \`type\` is '${type}'` });
      return;
    }
    const requested = port['nodePort'];
    if (requested === undefined || requested === 0) {
      let candidate = 30000;
      while (usedPorts.has(candidate) && candidate < 32767) candidate += 1;
      port['nodePort'] = candidate;
      usedPorts.add(candidate);
    } else if (typeof requested !== 'number' || requested < 30000 || requested > 32767) {
      errors.push({ type: 'Invalid', field: `spec.ports[${i}].nodePort`, value: requested, detail: 'provided port is not in the valid range. The range of valid ports is 30000-32767' });
    } else if (usedPorts.has(requested)) {
      errors.push({ type: 'Invalid', field: `spec.ports[${i}].nodePort`, value: requested, detail: 'provided port is already allocated' });
    } else {
      usedPorts.add(requested);
    }
  });
  return errors;
}
