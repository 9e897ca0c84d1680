// Tag map and selector checks of docs/gateway.md §4.1, shared by every resource kind. Keys are checked
// in document order so that violations follow the user's manifest.

import { indexPath, keyPath } from './field-path.js';
import { EXTERNAL_SERVICE_TAG, PROTOCOL_TAG, SERVICE_TAG, ZONE_TAG, type Selector, type Tags } from './tags.js';
import type { Violation } from './violation.js';

/**
 * Which characters a tag value may use: `selector` (selectors and MeshGateway/listener tags, `*`
 * allowed), `dataplane` (no `/`, no `*`), or `any` (only non-empty, e.g. route destinations).
 */
export type TagValueRule = 'selector' | 'dataplane' | 'any';

/** What a tag set must contain besides well-formed entries. */
export interface TagSetRules {
  readonly values: TagValueRule;
  /** Report `must have at least one tag` (and nothing else) for an empty map. */
  readonly nonEmpty?: boolean;
  /** Report `mandatory tag "kuma.io/service" is missing` at the map path. */
  readonly requireService?: boolean;
}

/** Keys that MeshGateway and listener `tags` must not set: the gateway derives them itself. */
export const RESERVED_GATEWAY_TAGS: readonly string[] = [SERVICE_TAG, PROTOCOL_TAG, ZONE_TAG, EXTERNAL_SERVICE_TAG];

const TAG_NAME = /^[a-zA-Z0-9.\-_:/]*$/;
const SELECTOR_VALUE = /^[a-zA-Z0-9.\-_:/]*$/;
const DATAPLANE_VALUE = /^[a-zA-Z0-9.\-_:]*$/;

/** Message for a missing `kuma.io/service` tag. */
export const MISSING_SERVICE_TAG = `mandatory tag "${SERVICE_TAG}" is missing`;

/** Checks one tag map at `path`: presence rules first, then each entry. */
export function validateTagSet(tags: Tags, path: string, rules: TagSetRules): Violation[] {
  const keys = Object.keys(tags);
  if (rules.nonEmpty && keys.length === 0) return [{ field: path, message: 'must have at least one tag' }];
  const out: Violation[] = [];
  if (rules.requireService && !Object.hasOwn(tags, SERVICE_TAG)) out.push({ field: path, message: MISSING_SERVICE_TAG });
  for (const key of keys) out.push(...validateTag(key, tags[key] ?? '', path, rules.values));
  return out;
}

function validateTag(key: string, value: string, path: string, rule: TagValueRule): Violation[] {
  const at = keyPath(path, key);
  const out: Violation[] = [];
  if (key === '') out.push({ field: path, message: 'tag name must be non-empty' });
  else if (!TAG_NAME.test(key)) {
    out.push({ field: at, message: 'tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores' });
  }
  if (value === '') out.push({ field: at, message: 'tag value must be non-empty' });
  else if (rule === 'selector' && value !== '*' && !SELECTOR_VALUE.test(value)) {
    out.push({
      field: at,
      message: 'tag value must consist of alphanumeric characters, dots, dashes, slashes and underscores or be "*"',
    });
  } else if (rule === 'dataplane' && !DATAPLANE_VALUE.test(value)) {
    out.push({ field: at, message: 'tag value must consist of alphanumeric characters, dots, dashes and underscores' });
  }
  return out;
}

/**
 * Checks a list of selectors: at least one selector, each a non-empty match naming a service
 * unless `requireService` is false (TrafficPermission sources and destinations, docs/mesh-mtls.md §5.1).
 */
export function validateSelectors(selectors: readonly Selector[], path: string, options: SelectorRules = {}): Violation[] {
  if (selectors.length === 0) return [{ field: path, message: 'must have at least one element' }];
  const requireService = options.requireService ?? true;
  return selectors.flatMap((s, i) => {
    const at = `${indexPath(path, i)}.match`;
    if (options.onlyService) return onlyServiceViolations(s.match, at);
    return validateTagSet(s.match, at, { values: 'selector', nonEmpty: true, requireService });
  });
}

/** What validateSelectors checks besides well-formed, non-empty selectors. */
export interface SelectorRules {
  /** Each selector must name `kuma.io/service` (default true). */
  readonly requireService?: boolean;
  /**
   * Each selector must be exactly `{kuma.io/service: <value>}`: the destinations of policies that
   * Kuma matches by service only (Timeout, Retry), with Kuma's three messages.
   */
  readonly onlyService?: boolean;
}

/** Kuma's checks of a service-only selector: one tag, the service, each other key named. */
function onlyServiceViolations(match: Tags, path: string): Violation[] {
  const keys = Object.keys(match);
  const out: Violation[] = [];
  if (keys.length !== 1 || !Object.hasOwn(match, SERVICE_TAG)) out.push({ field: path, message: `must consist of exactly one tag "${SERVICE_TAG}"` });
  for (const key of keys) {
    out.push(...validateTag(key, match[key] ?? '', path, 'selector'));
    if (key !== SERVICE_TAG) out.push({ field: keyPath(path, key), message: `tag "${key}" is not allowed` });
  }
  if (!Object.hasOwn(match, SERVICE_TAG)) out.push({ field: path, message: MISSING_SERVICE_TAG });
  return out;
}

/** Checks MeshGateway or listener `tags`: well-formed, and none of the reserved keys. */
export function validateGatewayTags(tags: Tags, path: string): Violation[] {
  const out = validateTagSet(tags, path, { values: 'selector' });
  for (const key of Object.keys(tags)) {
    if (RESERVED_GATEWAY_TAGS.includes(key)) {
      out.push({ field: keyPath(path, key), message: `tag name must not be ${JSON.stringify(key)}` });
    }
  }
  return out;
}
