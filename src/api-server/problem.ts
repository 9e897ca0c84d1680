// Error bodies of the REST API. Kuma clients (kumactl, the GUI, scripts) read the legacy
// `details` and `causes[{field, message}]`; newer clients read the RFC 7807 fields `title`,
// `detail` and `invalid_parameters[{field, reason}]`. Every error carries both, always with
// both arrays present, so a client never has to probe for a field.
import type { Violation } from '../api/violation.js';

/** A response produced by the router; the server serialises `body` as JSON. */
export interface ApiResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Send `body` (a string) as is with this type instead of as JSON (a token is answered as text). */
  readonly contentType?: 'text/plain';
}

/** The error body of every non-2xx answer. */
export interface ProblemBody {
  readonly type: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly instance: string;
  readonly invalid_parameters: readonly { readonly field: string; readonly reason: string }[];
  readonly details: string;
  readonly causes: readonly { readonly field: string; readonly message: string }[];
}

/** Kuma's problem `type` for its standard errors. */
const PROBLEM_TYPE = '/std-errors';

/** Build an error response; `instance` is the request path so a log line can be matched to it. */
export function problem(
  status: number,
  title: string,
  detail: string,
  instance: string,
  violations: readonly Violation[] = [],
  headers?: Readonly<Record<string, string>>,
): ApiResponse {
  const body: ProblemBody = {
    type: PROBLEM_TYPE,
    status,
    title,
    detail,
    instance,
    invalid_parameters: violations.map((v) => ({ field: v.field, reason: v.message })),
    details: detail,
    causes: violations.map((v) => ({ field: v.field, message: v.message })),
  };
  return headers ? { status, headers, body } : { status, body };
}

/** 400 listing every violation (Kuma's wording for an invalid resource). */
export function invalidResource(instance: string, violations: readonly Violation[]): ApiResponse {
  return problem(400, 'Could not process a resource', 'Resource is not valid', instance, violations);
}

/** 400 for a request that is not about a resource body (bad query parameter, mesh in use). */
export function badRequest(instance: string, detail: string, violations: readonly Violation[]): ApiResponse {
  return problem(400, 'Bad Request', detail, instance, violations);
}

/** 404 in Kuma's wording. */
export function notFound(instance: string): ApiResponse {
  return problem(404, 'Could not find a resource', 'Not found', instance);
}

/** 405 with the methods the path does accept. */
export function methodNotAllowed(instance: string, allowed: readonly string[]): ApiResponse {
  return problem(405, 'Method Not Allowed', `allowed methods: ${allowed.join(', ')}`, instance, [], {
    allow: allowed.join(', '),
  });
}

/** 409 for a failed optimistic-concurrency precondition or a name clash. */
export function conflict(instance: string, detail: string, violations: readonly Violation[] = []): ApiResponse {
  return problem(409, 'Resource conflict', detail, instance, violations);
}

/** 413 for a body over the limit; sent before any byte of it is parsed. */
export function payloadTooLarge(instance: string, limit: number): ApiResponse {
  return problem(413, 'Payload Too Large', `request body exceeds ${limit} bytes`, instance);
}

/** 415 for a body that is neither JSON nor YAML. */
export function unsupportedMediaType(instance: string, contentType: string): ApiResponse {
  return problem(
    415,
    'Unsupported Media Type',
    `content type "${contentType}" is not supported; use application/json or application/yaml`,
    instance,
  );
}

/** 503 when the store cannot serve; clients retry. */
export function unavailable(instance: string): ApiResponse {
  return problem(503, 'Service Unavailable', 'the resource store is unavailable; retry later', instance);
}

/** 500 without any internal detail: the cause goes to the log, never to the client. */
export function internalError(instance: string): ApiResponse {
  return problem(500, 'Internal Server Error', 'an internal error occurred; see the control plane log', instance);
}
