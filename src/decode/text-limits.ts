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
 * Most values in one text: 1,000 resources (the apply limit) of 100 values each. Parsing costs
 * about a kilobyte and 10-25 microseconds per value, so this bounds one body to a few hundred MB
 * and a couple of seconds even when every byte is a value.
 */
export const MAX_VALUES = 100_000;
/** Most anchors plus aliases in one YAML document (resolving one alias scans all of them). */
export const MAX_ANCHORS_AND_ALIASES = 1000;
