// ProxyTemplate (Kuma's classic one, docs/policies.md "ProxyTemplate"): raw Envoy configuration
// for the proxies its selectors pick, as profiles to import, raw xDS resources to add, and
// modifications of the generated clusters, listeners, network filters, HTTP filters and virtual
// hosts. `value` and `resource` hold Envoy protos in YAML (the protobuf JSON mapping).
import { SELECTORS_SCHEMA, TAGS_SCHEMA } from './common-schemas.js';
import { field, listOf, object, oneOf, text, type ObjectSchema } from './schema.js';
import type { Selector, Tags } from './tags.js';

/** What a cluster modification matches; every field set must hold. */
export interface ClusterMatch {
  readonly origin?: string;
  readonly name?: string;
}

/** What a listener modification matches. */
export interface ListenerMatch extends ClusterMatch {
  /** Tags of the listener's `io.kuma.tags` metadata (a selector: `*` accepts any value). */
  readonly tags?: Tags;
}

/** What a network or HTTP filter modification matches: the filter, and the listener it is in. */
export interface FilterMatch extends ClusterMatch {
  readonly listenerName?: string;
  readonly listenerTags?: Tags;
}

/** What a virtual host modification matches: the host, and the route configuration it is in. */
export interface VirtualHostMatch extends ClusterMatch {
  readonly routeConfigurationName?: string;
}

/** One modification of one kind of generated resource. */
export interface ResourceModification<M> {
  readonly match?: M;
  readonly operation: string;
  /** The Envoy proto in YAML: the whole resource (add) or the part to merge (patch). */
  readonly value: string;
}

/** One entry of `conf.modifications`: exactly one of the five kinds (a protobuf oneof). */
export interface ProxyTemplateModification {
  readonly cluster?: ResourceModification<ClusterMatch>;
  readonly listener?: ResourceModification<ListenerMatch>;
  readonly networkFilter?: ResourceModification<FilterMatch>;
  readonly httpFilter?: ResourceModification<FilterMatch>;
  readonly virtualHost?: ResourceModification<VirtualHostMatch>;
}

/** A raw xDS resource added as written. */
export interface ProxyTemplateRawResource {
  readonly name: string;
  readonly version: string;
  /** The resource in YAML, with `"@type"` naming its Envoy type. */
  readonly resource: string;
}

/** `conf` of a ProxyTemplate. */
export interface ProxyTemplateConf {
  readonly imports: readonly string[];
  readonly resources: readonly ProxyTemplateRawResource[];
  readonly modifications: readonly ProxyTemplateModification[];
}

/** Spec of a ProxyTemplate. */
export interface ProxyTemplateSpec {
  /** Dataplanes the template is for, by their inbound or gateway tags. */
  readonly selectors: readonly Selector[];
  readonly conf?: ProxyTemplateConf;
}

/** The five modification kinds, in the order of Kuma's oneof. */
export const MODIFICATION_KINDS = ['cluster', 'listener', 'networkFilter', 'httpFilter', 'virtualHost'] as const;

/** One modification kind. */
export type ModificationKind = (typeof MODIFICATION_KINDS)[number];

const ORIGIN = field(text(), 'Origin of the generated resource (inbound, outbound, gateway, ...); absent matches any.');

function modificationSchema(doc: string, match: ObjectSchema, operations: string): ObjectSchema {
  return object(doc, {
    match: field(match, 'Which generated resources the modification applies to; absent matches all.'),
    operation: field(text(), `The operation: ${operations}.`, { default: '' }),
    value: field(text(), 'The Envoy proto in YAML: the whole resource (add) or the part to merge (patch).', { default: '' }),
  });
}

const CLUSTER_MATCH = object('Cluster match.', { origin: ORIGIN, name: field(text(), 'Cluster name.') });
const LISTENER_MATCH = object('Listener match.', {
  origin: ORIGIN,
  name: field(text(), 'Listener name.'),
  tags: field(TAGS_SCHEMA, 'Tags of the listener (its io.kuma.tags metadata).'),
});
const FILTER_MATCH = object('Filter match.', {
  origin: ORIGIN,
  name: field(text(), 'Filter name.'),
  listenerName: field(text(), 'Name of the listener holding the filter.'),
  listenerTags: field(TAGS_SCHEMA, 'Tags of the listener holding the filter.'),
});
const VIRTUAL_HOST_MATCH = object('Virtual host match.', {
  origin: ORIGIN,
  name: field(text(), 'Virtual host name.'),
  routeConfigurationName: field(text(), 'Name of the route configuration holding the virtual host.'),
});

const ADD_PATCH_REMOVE = 'add, patch or remove';
const FILTER_OPERATIONS = 'addFirst, addLast, addBefore, addAfter, patch or remove';

const MODIFICATION_SCHEMA = object(
  'One modification of the generated configuration.',
  {
    cluster: field(modificationSchema('Cluster modification.', CLUSTER_MATCH, ADD_PATCH_REMOVE), 'Modifies clusters.'),
    listener: field(modificationSchema('Listener modification.', LISTENER_MATCH, ADD_PATCH_REMOVE), 'Modifies listeners.'),
    networkFilter: field(modificationSchema('Network filter modification.', FILTER_MATCH, FILTER_OPERATIONS), 'Modifies network filters.'),
    httpFilter: field(modificationSchema('HTTP filter modification.', FILTER_MATCH, FILTER_OPERATIONS), 'Modifies HTTP filters.'),
    virtualHost: field(modificationSchema('Virtual host modification.', VIRTUAL_HOST_MATCH, ADD_PATCH_REMOVE), 'Modifies virtual hosts.'),
  },
  { oneOf: [oneOf(MODIFICATION_KINDS, false)] },
);

const RAW_RESOURCE_SCHEMA = object('A raw xDS resource.', {
  name: field(text(), 'The resource name.', { default: '' }),
  version: field(text(), 'The resource version.', { default: '' }),
  resource: field(text(), 'The resource in YAML, with "@type".', { default: '' }),
});

/** Spec schema of a ProxyTemplate. */
export const PROXY_TEMPLATE_SPEC_SCHEMA: ObjectSchema = object('Raw Envoy configuration for the selected proxies.', {
  selectors: field(SELECTORS_SCHEMA, 'Dataplanes the template is for; at least one.', { default: [] }),
  conf: field(
    object('What the template generates.', {
      imports: field(listOf(text()), 'Profiles to import: default-proxy, gateway-proxy.', { default: [] }),
      resources: field(listOf(RAW_RESOURCE_SCHEMA), 'Raw xDS resources to add.', { default: [] }),
      modifications: field(listOf(MODIFICATION_SCHEMA), 'Modifications of the generated configuration, applied in order.', { default: [] }),
    }),
    'What the template generates.',
  ),
});
