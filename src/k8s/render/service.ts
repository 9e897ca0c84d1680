// The gateway Service of a MeshGatewayInstance (docs/gateway.md §3.2 step 3). The result is both the
// body of a create and of a merge patch: it holds exactly the fields the controller owns, already
// merged with what the existing Service carries where docs/gateway.md §3.2 says existing values survive.

import { instanceOwnerReference, withOwnerReference, type GatewayInstanceRenderInput } from './gateway-instance-input.js';
import type { Service, ServicePort, StringMap } from './kube-objects.js';

/** Annotation marking builtin gateway Services and pods. */
export const GATEWAY_ANNOTATION = 'kuma.io/gateway';
/** Value of GATEWAY_ANNOTATION for builtin gateways. */
export const GATEWAY_BUILTIN = 'builtin';
/** Label selecting an instance's pods: `app: <instance name>`. */
export const APP_LABEL = 'app';

// Kubernetes' default node port range; a listener port inside it can be its own nodePort [D12].
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

/** The gateway Service `<instance name>` in the instance namespace. */
export function desiredService(input: GatewayInstanceRenderInput): Service {
  const { instance } = input;
  const existing = input.existingService;
  const template = instance.spec.serviceTemplate;
  const annotations: StringMap = {
    [GATEWAY_ANNOTATION]: GATEWAY_BUILTIN,
    ...existing?.metadata?.annotations,
    ...template?.metadata?.annotations,
  };
  const labels: StringMap = { ...existing?.metadata?.labels, ...template?.metadata?.labels };
  const loadBalancerIP = template?.spec?.loadBalancerIP;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: instance.name,
      namespace: instance.namespace,
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      annotations,
      ownerReferences: withOwnerReference(existing?.metadata?.ownerReferences, instanceOwnerReference(instance)),
    },
    spec: {
      type: instance.spec.serviceType,
      selector: { [APP_LABEL]: instance.name },
      ...(loadBalancerIP ? { loadBalancerIP } : {}),
      ports: input.listenerPorts.map((port) =>
        servicePort(port, existing?.spec?.ports ?? [], instance.spec.serviceType === 'NodePort'),
      ),
    },
  };
}

/**
 * One Service port. An existing entry with the same port number is reused with every field
 * Kubernetes filled in [D11]; NodePort Services get the listener port as nodePort only inside
 * the node port range, else keep what Kubernetes allocated [D12].
 */
function servicePort(port: number, existing: readonly ServicePort[], nodePortService: boolean): ServicePort {
  const reused = existing.find((p) => p.port === port);
  const { name: _name, protocol: _protocol, port: _port, targetPort: _targetPort, nodePort: reusedNodePort, ...kept } =
    reused ?? { port };
  const forced = nodePortService && port >= NODE_PORT_MIN && port <= NODE_PORT_MAX;
  const nodePort = forced ? port : reusedNodePort;
  return {
    name: String(port),
    protocol: 'TCP',
    port,
    targetPort: port,
    ...dropUndefined(kept),
    ...(nodePort !== undefined && nodePort !== null ? { nodePort } : {}),
  };
}

// Objects from the client library carry absent fields as `undefined` (or null); a request body
// and a golden file must not.
function dropUndefined(obj: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== null));
}
