// The light part of every stored kind's descriptor: its names (kind, REST plural, CLI singular and
// aliases), its scope and its `portico get` table columns, declared here once. Each descriptor
// (src/api/kinds/<kind>.ts) takes its entry and adds the schema, the checks and the Kubernetes
// form. This module imports no schema and no validator, so `portico get`, `delete` and the output
// of `apply` can name, address and list kinds without loading them (docs/operations.md, "CLI").
// Entries are in apply order; src/api/resource-kinds.test.ts checks them against RESOURCE_KINDS.
import { zoneEnabled } from '../zone.js';
import type { ZoneIngressSpec } from '../zone-ingress.js';
import { ingressReachability } from '../zone-ingress-reachability.js';
import { zoneOnline, type ZoneInsightSpec } from '../zone-insight.js';
import { at, joined, list, SECRET_DATA_COLUMN, selectedServices, text } from './columns.js';
import type { KindNames, UniversalItem } from './descriptor.js';

/** Declares the names of a kind, keeping its literal name for the descriptor's types. */
function kindNames<const K extends string>(names: KindNames<K>): KindNames<K> {
  return names;
}

/**
 * A classic connection policy: mesh-scoped, no aliases, listed with MESH, NAME and AGE only (as
 * kumactl lists them).
 */
function connectionPolicyNames<const K extends string>(kind: K, plural: string, singular: string): KindNames<K> {
  return { kind, plural, singular, aliases: [], scope: 'mesh', columns: [] };
}

/** Every stored kind's names, scope and table columns, by kind name, in apply order. */
export const KIND_NAMES = {
  Mesh: kindNames({
    kind: 'Mesh',
    plural: 'meshes',
    singular: 'mesh',
    aliases: [],
    scope: 'global',
    columns: [{ header: 'MTLS', cell: (i) => text(at(i, 'mtls', 'enabledBackend') ?? 'off') }],
  }),
  Dataplane: kindNames({
    kind: 'Dataplane',
    plural: 'dataplanes',
    singular: 'dataplane',
    aliases: ['dp'],
    scope: 'mesh',
    columns: [
      { header: 'TYPE', cell: dataplaneType },
      { header: 'ADDRESS', cell: (i) => text(at(i, 'networking', 'address')) },
      { header: 'SERVICE', cell: dataplaneServices },
    ],
  }),
  MeshGateway: kindNames({
    kind: 'MeshGateway',
    plural: 'meshgateways',
    singular: 'meshgateway',
    aliases: ['mgw'],
    scope: 'mesh',
    columns: [
      { header: 'SERVICE', cell: selectedServices },
      { header: 'LISTENERS', cell: gatewayListeners },
    ],
  }),
  MeshGatewayRoute: kindNames({
    kind: 'MeshGatewayRoute',
    plural: 'meshgatewayroutes',
    singular: 'meshgatewayroute',
    aliases: ['mgwr'],
    scope: 'mesh',
    columns: [
      { header: 'GATEWAYS', cell: selectedServices },
      { header: 'TYPE', cell: routeType },
    ],
  }),
  // Kuma's `kumactl get traffic-permissions` shows MESH, NAME and AGE only.
  TrafficPermission: kindNames({ kind: 'TrafficPermission', plural: 'traffic-permissions', singular: 'traffic-permission', aliases: [], scope: 'mesh', columns: [] }),
  Timeout: connectionPolicyNames('Timeout', 'timeouts', 'timeout'),
  Retry: connectionPolicyNames('Retry', 'retries', 'retry'),
  CircuitBreaker: connectionPolicyNames('CircuitBreaker', 'circuit-breakers', 'circuit-breaker'),
  HealthCheck: connectionPolicyNames('HealthCheck', 'health-checks', 'health-check'),
  FaultInjection: connectionPolicyNames('FaultInjection', 'fault-injections', 'fault-injection'),
  RateLimit: connectionPolicyNames('RateLimit', 'rate-limits', 'rate-limit'),
  TrafficLog: connectionPolicyNames('TrafficLog', 'traffic-logs', 'traffic-log'),
  TrafficTrace: kindNames({ kind: 'TrafficTrace', plural: 'traffic-traces', singular: 'traffic-trace', aliases: [], scope: 'mesh', columns: [] }),
  // `kumactl get proxytemplates` shows MESH, NAME and AGE only.
  ProxyTemplate: kindNames({ kind: 'ProxyTemplate', plural: 'proxytemplates', singular: 'proxytemplate', aliases: [], scope: 'mesh', columns: [] }),
  ExternalService: kindNames({
    kind: 'ExternalService',
    plural: 'external-services',
    singular: 'external-service',
    aliases: [],
    scope: 'mesh',
    // Kuma's `kumactl get external-services` shows MESH, NAME, ADDRESS and AGE.
    columns: [{ header: 'ADDRESS', cell: externalServiceAddress }],
  }),
  Secret: kindNames({ kind: 'Secret', plural: 'secrets', singular: 'secret', aliases: ['sec'], scope: 'mesh', columns: [SECRET_DATA_COLUMN] }),
  GlobalSecret: kindNames({
    kind: 'GlobalSecret',
    plural: 'global-secrets',
    singular: 'global-secret',
    aliases: ['globalsecret', 'globalsecrets'],
    scope: 'global',
    columns: [SECRET_DATA_COLUMN],
  }),
  Zone: kindNames({
    kind: 'Zone',
    plural: 'zones',
    singular: 'zone',
    aliases: [],
    scope: 'global',
    // STATUS comes from the zone's ZoneInsight: the CLI joins it in (src/cli/get.ts).
    columns: [{ header: 'ENABLED', cell: (i) => String(zoneEnabled({ enabled: i['enabled'] === false ? false : undefined })) }],
  }),
  ZoneInsight: kindNames({
    kind: 'ZoneInsight',
    plural: 'zone-insights',
    singular: 'zone-insight',
    aliases: ['zoneinsight', 'zoneinsights'],
    scope: 'global',
    columns: [{ header: 'STATUS', cell: (i) => (zoneOnline(i as ZoneInsightSpec) ? 'Online' : 'Offline') }],
  }),
  ZoneIngress: kindNames({
    kind: 'ZoneIngress',
    plural: 'zone-ingresses',
    singular: 'zone-ingress',
    aliases: ['zoneingress', 'zoneingresses'],
    scope: 'global',
    columns: [
      { header: 'ZONE', cell: (i) => (typeof i['zone'] === 'string' && i['zone'] !== '' ? i['zone'] : '-') },
      { header: 'ADDRESS', cell: (i) => hostPort(ingressNetworking(i)?.address, ingressNetworking(i)?.port) },
      { header: 'ADVERTISED', cell: (i) => hostPort(ingressNetworking(i)?.advertisedAddress, ingressNetworking(i)?.advertisedPort) },
      { header: 'SERVICES', cell: (i) => String(Array.isArray(i['availableServices']) ? i['availableServices'].length : 0) },
      // Why other zones skip an ingress, where Kuma says nothing ([Z3]).
      { header: 'REACHABLE', cell: (i) => ingressReachable(i as ZoneIngressSpec) },
    ],
  }),
};

/** The names of a stored kind. */
export type StoredKindNames = (typeof KIND_NAMES)[keyof typeof KIND_NAMES];

/** Every stored kind's names, in apply order. */
export const STORED_KIND_NAMES: readonly StoredKindNames[] = Object.values(KIND_NAMES);

/** Resolves a user-typed name (kind, plural, singular or alias, any case) to a stored kind's names. */
export function findKindNames(name: string): StoredKindNames | undefined {
  const n = name.toLowerCase();
  return STORED_KIND_NAMES.find((d) => d.kind.toLowerCase() === n || d.plural === n || d.singular === n || d.aliases.includes(n));
}

/** `gateway/builtin`, `gateway/delegated` or `standard`. */
function dataplaneType(item: UniversalItem): string {
  const gateway = at(item, 'networking', 'gateway');
  if (gateway === undefined) return 'standard';
  return `gateway/${text(at(gateway, 'type') ?? 'DELEGATED').toLowerCase()}`;
}

/** The services a dataplane stands for: its gateway's, else its inbounds'. */
function dataplaneServices(item: UniversalItem): string {
  const gateway = at(item, 'networking', 'gateway', 'tags', 'kuma.io/service');
  if (gateway !== undefined) return text(gateway);
  return joined(list(at(item, 'networking', 'inbound')).map((i) => at(i, 'tags', 'kuma.io/service')));
}

/** `HTTP:8080,HTTPS:8443` for a gateway's listeners. */
function gatewayListeners(item: UniversalItem): string {
  return joined(list(at(item, 'conf', 'listeners')).map((l) => `${text(at(l, 'protocol'))}:${text(at(l, 'port'))}`));
}

/** HTTP or TCP, whichever the route configures. */
function routeType(item: UniversalItem): string {
  if (at(item, 'conf', 'http') !== undefined) return 'HTTP';
  return at(item, 'conf', 'tcp') !== undefined ? 'TCP' : '-';
}

function externalServiceAddress(item: UniversalItem): string {
  const networking = item['networking'];
  const address = networking !== null && typeof networking === 'object' ? (networking as Record<string, unknown>)['address'] : undefined;
  return typeof address === 'string' && address !== '' ? address : '-';
}

function ingressNetworking(item: UniversalItem): ZoneIngressSpec['networking'] {
  return (item['networking'] ?? {}) as ZoneIngressSpec['networking'];
}

function hostPort(address: string | undefined, port: number | undefined): string {
  return address ? `${address}:${port ?? ''}` : '-';
}

function ingressReachable(spec: ZoneIngressSpec): string {
  const r = ingressReachability(spec);
  return r.reachable ? 'Yes' : `No (${r.reason})`;
}
