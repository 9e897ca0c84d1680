// The shape Kuma's classic connection policies share (docs/gateway.md §1.6, §2.16): `sources[]` and
// `destinations[]` tag selectors plus a kind-specific `conf`. Each kind declares its conf schema
// and checks once; the spec schema, the selector checks and the policy durations come from here.
import { SELECTORS_SCHEMA } from './common-schemas.js';
import { parseGoDuration } from './go-duration.js';
import { field, object, type ObjectSchema } from './schema.js';
import type { Selector } from './tags.js';
import { validateSelectors, type SelectorRules } from './tag-validation.js';
import type { Violation } from './violation.js';

/** Spec of a connection policy with configuration `C`. */
export interface ConnectionPolicySpec<C> {
  /** The proxies sending the traffic: alternatives, matched against a proxy's (listener's) tags. */
  readonly sources: readonly Selector[];
  /** The services receiving it: alternatives, matched against a destination's tags. */
  readonly destinations: readonly Selector[];
  readonly conf: C;
}

/** The spec schema of a connection policy whose `conf` has `confSchema`. */
export function connectionPolicySchema(doc: string, confSchema: ObjectSchema): ObjectSchema {
  return object(doc, {
    sources: field(SELECTORS_SCHEMA, 'Proxies the policy applies to, by their tags; at least one.', { default: [] }),
    destinations: field(SELECTORS_SCHEMA, 'Destinations the policy applies to, by their tags; at least one.', { default: [] }),
    conf: field(confSchema, 'The policy settings.'),
  });
}

/**
 * Which destination selectors a kind accepts: Kuma matches Timeout and Retry by service only,
 * most kinds by tags naming a service, RateLimit and FaultInjection by any non-empty tags.
 */
export type DestinationRule = 'service-only' | 'tags' | 'any-tags';

/** Which source selectors a kind accepts: tags naming a service (most kinds) or any non-empty tags. */
export type SourceRule = 'service' | 'any-tags';

/**
 * Kuma's checks of a connection policy: sources name a service (unless `any-tags`), destinations
 * too (exactly the service for `service-only` kinds, not at all for `any-tags`), then the kind's
 * own checks of `conf`.
 */
export function validateConnectionPolicy<C>(
  spec: ConnectionPolicySpec<C>,
  destinations: DestinationRule,
  validateConf: (conf: C, path: string) => Violation[],
  sources: SourceRule = 'service',
): Violation[] {
  const destinationRules: SelectorRules = destinations === 'service-only' ? { onlyService: true } : { requireService: destinations === 'tags' };
  return [
    ...validateSelectors(spec.sources, 'sources', { requireService: sources === 'service' }),
    ...validateSelectors(spec.destinations, 'destinations', destinationRules),
    ...validateConf(spec.conf, 'conf'),
  ];
}

/** Kuma's message for a section or value that is missing. */
export const HAS_TO_BE_DEFINED = 'has to be defined';
/** Kuma's message for a zero duration where one must be positive. */
export const HAS_TO_BE_GREATER_THAN_0 = 'has to be greater than 0';
/** Kuma's message for an optional duration written as zero. */
export const WHEN_DEFINED_HAS_TO_BE_GREATER_THAN_0 = 'has to be greater than 0 when defined';

/**
 * Milliseconds of a policy duration. Kuma writes them as protobuf Durations (`5s`, `0.25s`) in
 * some places and as Go durations (`1h`, `30m`) in its documentation; Go's syntax accepts both.
 * Validation has already rejected anything else, so an unparsable text reads as 0.
 */
export function policyDurationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = parseGoDuration(text);
  return parsed.ok ? parsed.ms : 0;
}

/**
 * Checks an optional duration at `path`: well-formed and not negative, and positive when
 * `positive` is `required` (always) or `when-defined` (if written at all).
 */
export function validatePolicyDuration(text: string | undefined, path: string, positive?: 'required' | 'when-defined'): Violation[] {
  if (text === undefined) return positive === 'required' ? [{ field: path, message: HAS_TO_BE_DEFINED }] : [];
  const parsed = parseGoDuration(text);
  if (!parsed.ok) return [{ field: path, message: parsed.message }];
  if (parsed.ms < 0) return [{ field: path, message: 'must not be negative' }];
  if (parsed.ms === 0 && positive === 'required') return [{ field: path, message: HAS_TO_BE_GREATER_THAN_0 }];
  if (parsed.ms === 0 && positive === 'when-defined') return [{ field: path, message: WHEN_DEFINED_HAS_TO_BE_GREATER_THAN_0 }];
  return [];
}
