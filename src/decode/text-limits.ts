// The limits on untrusted YAML and JSON text, in one place; docs/limits.md explains each value.

/**
 * Deepest nesting accepted in a request body, a CLI file or an inline Dataplane. The deepest
 * real objects are about 12 levels (an AdmissionReview around a MeshGatewayRoute:
 * request.object.spec.conf.http.rules[].filters[].requestHeader.set[].name), so 64 leaves five
 * times the room while keeping every recursive reader (parser, toJS, JSON.stringify, deep-freeze)
 * far from the stack limit, which the parser reached at about 4,000 levels.
 */
export const MAX_NESTING_DEPTH = 64;
/**
 * Most values in one text. Parsing costs about a kilobyte and 10-50 microseconds per value, and
 * the event loop serves nobody else meanwhile: 100,000 values stalled it for over 5 s on a busy
 * 2-core machine, long enough for node's connection timers (keep-alive, first bytes) to reset
 * other clients' connections. 20,000 values keeps the worst body near a second there; it is
 * 1,000 small resources, or a few hundred large ones, per request.
 */
export const MAX_VALUES = 20_000;
/** Most anchors plus aliases in one YAML document (resolving one alias scans all of them). */
export const MAX_ANCHORS_AND_ALIASES = 1000;
