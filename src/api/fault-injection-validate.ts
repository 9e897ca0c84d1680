// Semantic checks of a decoded FaultInjection with Kuma's fields and messages: sources and
// destinations are any non-empty tags, destinations name an HTTP-based `kuma.io/protocol`, and
// `conf` configures at least one fault, each with a percentage in range and its value.
import { fieldPath, keyPath } from './field-path.js';
import { HAS_TO_BE_GREATER_THAN_0, validateConnectionPolicy } from './connection-policy.js';
import { parseGoDuration } from './go-duration.js';
import type { FaultInjectionConf, FaultInjectionSpec } from './fault-injection.js';
import { PROTOCOL_TAG } from './tags.js';
import type { Violation } from './violation.js';

/** Protocols a FaultInjection destination may name, in Kuma's order (its message lists them so). */
const HTTP_BASED_PROTOCOLS = ['http', 'http2', 'grpc'];

/**
 * `<n>kbps`, `<n>Mbps` or `<n>Gbps` (one optional space). Kuma's validator also lets the unit's
 * first letter be lower case, so `10mbps` is accepted and means the same.
 */
export const BANDWIDTH = /^(\d+)\s?([kKmMgG])bps$/;

/**
 * Status codes accepted for an abort: those with a standard reason phrase (Go's http.StatusText,
 * which Kuma's validator asks), without the 1xx ones, which Envoy refuses for an abort (and with
 * them the whole route table).
 */
const KNOWN_STATUSES = new Set([
  200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412,
  413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/** Every violation of a decoded FaultInjection spec, in document order. */
export function validateFaultInjection(spec: FaultInjectionSpec): Violation[] {
  return [...validateConnectionPolicy(spec, 'any-tags', validateConf, 'any-tags'), ...spec.destinations.flatMap((d, i) => protocolViolations(d.match, `destinations[${i}].match`))];
}

/** Kuma's protocol check of each destination selector: the tag is required and HTTP-based. */
function protocolViolations(match: Readonly<Record<string, string>>, path: string): Violation[] {
  const protocol = match[PROTOCOL_TAG];
  if (protocol === undefined) return [{ field: path, message: 'protocol must be specified' }];
  if (HTTP_BASED_PROTOCOLS.includes(protocol)) return [];
  return [{ field: keyPath(path, PROTOCOL_TAG), message: `must be one of the [${HTTP_BASED_PROTOCOLS.join(', ')}]` }];
}

/** A section written as `{}` counts as absent, as in Kuma. */
function isSet(section: object | undefined): section is object {
  return section !== undefined && Object.values(section).some((v) => v !== undefined);
}

function validateConf(conf: FaultInjectionConf | undefined, path: string): Violation[] {
  const { delay, abort, responseBandwidth } = conf ?? {};
  const out: Violation[] = [];
  if (!isSet(delay) && !isSet(abort) && !isSet(responseBandwidth)) out.push({ field: path, message: 'must have at least one of the faults configured' });
  if (isSet(delay) && delay) {
    const at = fieldPath(path, 'delay');
    out.push(...percentage(delay.percentage, at));
    if (delay.value === undefined) out.push({ field: fieldPath(at, 'value'), message: 'cannot be empty' });
    else out.push(...wellFormed(delay.value, fieldPath(at, 'value')));
  }
  if (isSet(abort) && abort) {
    const at = fieldPath(path, 'abort');
    out.push(...percentage(abort.percentage, at));
    if (abort.httpStatus === undefined) out.push({ field: fieldPath(at, 'httpStatus'), message: 'cannot be empty' });
    else if (!KNOWN_STATUSES.has(abort.httpStatus)) out.push({ field: fieldPath(at, 'httpStatus'), message: 'http status code is incorrect' });
  }
  if (isSet(responseBandwidth) && responseBandwidth) {
    const at = fieldPath(path, 'responseBandwidth');
    out.push(...percentage(responseBandwidth.percentage, at));
    if (responseBandwidth.limit === undefined) out.push({ field: fieldPath(at, 'limit'), message: 'cannot be empty' });
    else if (!BANDWIDTH.test(responseBandwidth.limit)) out.push({ field: fieldPath(at, 'limit'), message: 'has to be in kbps/mbps/gbps units' });
    // Envoy needs at least 1 kbps; Kuma does not check it.
    else if (Number(BANDWIDTH.exec(responseBandwidth.limit)?.[1]) === 0) out.push({ field: fieldPath(at, 'limit'), message: HAS_TO_BE_GREATER_THAN_0 });
  }
  return out;
}

function percentage(value: number | undefined, parent: string): Violation[] {
  const at = fieldPath(parent, 'percentage');
  if (value === undefined) return [{ field: at, message: 'cannot be empty' }];
  return value < 0 || value > 100 ? [{ field: at, message: 'has to be in [0.0 - 100.0] range' }] : [];
}

/** A delay must be positive: Envoy refuses a zero fixed delay (Kuma does not check it). */
function wellFormed(text: string, path: string): Violation[] {
  const parsed = parseGoDuration(text);
  if (!parsed.ok) return [{ field: path, message: parsed.message }];
  if (parsed.ms < 0) return [{ field: path, message: 'must not be negative' }];
  return parsed.ms === 0 ? [{ field: path, message: HAS_TO_BE_GREATER_THAN_0 }] : [];
}
