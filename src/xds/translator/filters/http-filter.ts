// The shape every HTTP filter module exports, so that the connection manager builds its filter
// list from one explicit, ordered registration (http-filters.ts) instead of ad-hoc literals.
import type { AnyObject } from '../../envoy/type-urls.js';

/** One HTTP filter of the gateway's connection manager. */
export interface HttpFilterDefinition {
  /** Envoy filter name; also the key of per-route `typed_per_filter_config` entries. */
  readonly name: string;
  /** The listener-level `typed_config`. Pure: the same Any every time. */
  readonly buildConfig: () => AnyObject;
}
