// The ProxyTemplate a proxy's configuration is finished with (docs/policies.md "ProxyTemplate"),
// as plain data for the xDS layer (xds/translator/proxy-template.ts): its values are already Envoy
// messages in the builders' `fromObject` form, decoded and validated by the generation step.
import type { Tags } from './gateway.js';

/** Which generated resources a modification applies to; every field present must hold. */
export interface TemplateMatch {
  readonly origin?: string;
  readonly name?: string;
  /** Listener modifications: the listener's `io.kuma.tags` metadata (a selector). */
  readonly tags?: Tags;
  /** Filter modifications: the listener holding the filter. */
  readonly listenerName?: string;
  readonly listenerTags?: Tags;
  /** Virtual host modifications: the route configuration holding the host. */
  readonly routeConfigurationName?: string;
}

/** One modification, in template order. */
export interface TemplateModification {
  readonly kind: 'cluster' | 'listener' | 'networkFilter' | 'httpFilter' | 'virtualHost';
  readonly operation: 'add' | 'patch' | 'remove' | 'addFirst' | 'addLast' | 'addBefore' | 'addAfter';
  readonly match: TemplateMatch;
  /** The decoded `value`; absent for `remove`. */
  readonly value?: Readonly<Record<string, unknown>>;
}

/** A raw resource of the template, added as written. */
export interface TemplateRawResource {
  /** Full proto name of its type (one of the six served types). */
  readonly typeName: string;
  readonly name: string;
  readonly resource: Readonly<Record<string, unknown>>;
}

/** The selected template of one proxy. */
export interface ProxyTemplatePlan {
  /** `<mesh>/<name>` of the ProxyTemplate, for problems. */
  readonly source: string;
  /** Whether the generated configuration is kept (an `imports` profile that covers the proxy). */
  readonly keepsGenerated: boolean;
  readonly resources: readonly TemplateRawResource[];
  readonly modifications: readonly TemplateModification[];
}
