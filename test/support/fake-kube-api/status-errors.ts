// Every failure the fake answers is a `Status` object shaped like the real API server's
// (k8s.io/apimachinery/pkg/api/errors): same code, reason, message wording and details, so
// clients that branch on `reason` or parse `details` behave as they would against a cluster.
import type { Obj } from './json.js';

/** The group and plural of a resource, as errors name it (`deployments.apps`). */
export interface GroupResource {
  readonly group: string;
  readonly plural: string;
  readonly kind: string;
}

/** One field violation of a 422 Invalid answer. */
export interface FieldError {
  readonly type: 'Invalid' | 'Required' | 'NotSupported' | 'Duplicate' | 'Forbidden';
  readonly field: string;
  readonly value?: unknown;
  /** Go's rendering of the value when JSON would differ (`0x0` for an empty resourceVersion). */
  readonly rawValue?: string;
  readonly detail?: string;
}

/** An error that the HTTP layer answers with its `Status` body. */
export class KubeError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Obj,
  ) {
    super(message);
  }

  /** The `Status` object sent as the response body (or in a watch ERROR event). */
  toStatus(): Obj {
    const status: Obj = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason };
    if (this.details !== undefined) status['details'] = this.details;
    status['code'] = this.code;
    return status;
  }
}

const qualified = (gr: GroupResource): string => (gr.group ? `${gr.plural}.${gr.group}` : gr.plural);
const detailsOf = (gr: GroupResource, name: string): Obj => (gr.group ? { name, group: gr.group, kind: gr.plural } : { name, kind: gr.plural });

/** 404 for a missing object: `services "web" not found`. */
export function notFound(gr: GroupResource, name: string): KubeError {
  return new KubeError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, detailsOf(gr, name));
}

/** 404 for a path that names no resource this server knows. */
export function unknownResource(): KubeError {
  return new KubeError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 409 when creating a name that is taken. */
export function alreadyExists(gr: GroupResource, name: string): KubeError {
  return new KubeError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, detailsOf(gr, name));
}

/** 409 for a stale `resourceVersion` or a failed delete precondition. */
export function conflict(gr: GroupResource, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): KubeError {
  return new KubeError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, detailsOf(gr, name));
}

const quote = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value) ?? 'null');

function describe(error: FieldError): string {
  switch (error.type) {
    case 'Invalid':
      return `Invalid value: ${error.rawValue ?? quote(error.value)}: ${error.detail ?? ''}`;
    case 'Required':
      return error.detail ? `Required value: ${error.detail}` : 'Required value';
    case 'NotSupported':
      return `Unsupported value: ${quote(error.value)}: supported values: ${error.detail ?? ''}`;
    case 'Duplicate':
      return `Duplicate value: ${quote(error.value)}`;
    case 'Forbidden':
      return `Forbidden: ${error.detail ?? ''}`;
  }
}

/** 422 with one cause per violation: `Service "web" is invalid: spec.ports[0].port: ...`. */
export function invalid(gr: GroupResource, name: string, errors: readonly FieldError[]): KubeError {
  const kind = gr.group ? `${gr.kind}.${gr.group}` : gr.kind;
  const lines = errors.map((e) => `${e.field}: ${describe(e)}`);
  const summary = lines.length === 1 ? (lines[0] ?? '') : `[${lines.join(', ')}]`;
  const causes = errors.map((e) => ({ reason: `FieldValue${e.type}`, message: describe(e), field: e.field }));
  const details: Obj = gr.group ? { name, group: gr.group, kind: gr.kind, causes } : { name, kind: gr.kind, causes };
  return new KubeError(422, 'Invalid', `${kind} "${name}" is invalid: ${summary}`, details);
}

/** 400, e.g. a body that does not decode or a name that does not match the URL. */
export function badRequest(message: string): KubeError {
  return new KubeError(400, 'BadRequest', message);
}

/** 410 sent as a watch ERROR event when the requested resourceVersion was compacted. */
export function expired(requested: number, oldest: number): KubeError {
  return new KubeError(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
}

/** 403, used for writes into a terminating namespace. */
export function forbidden(gr: GroupResource, name: string, why: string): KubeError {
  return new KubeError(403, 'Forbidden', `${qualified(gr)} "${name}" is forbidden: ${why}`, detailsOf(gr, name));
}

/** 403 as the RBAC authorizer answers it, produced by fault injection (`failNext({ status: 403 })`). */
export function rbacForbidden(verb: string, path: string): KubeError {
  return new KubeError(403, 'Forbidden', `${path} is forbidden: User "system:serviceaccount:test:fake" cannot ${verb} resource at ${path}`, {});
}

/** 405 for a verb the path does not support. */
export function methodNotAllowed(): KubeError {
  return new KubeError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

/** 415 for a patch or body content type the resource does not accept. */
export function unsupportedMediaType(contentType: string, accepted: readonly string[]): KubeError {
  return new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, { causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] });
}

/** 401 for a request without the configured bearer token. */
export function unauthorized(): KubeError {
  return new KubeError(401, 'Unauthorized', 'Unauthorized');
}

/** A 5xx answer produced by fault injection. */
export function serverError(code: number): KubeError {
  if (code === 503) return new KubeError(503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
  if (code === 504) return new KubeError(504, 'Timeout', 'Timeout: request did not complete within requested timeout - context deadline exceeded');
  return new KubeError(code, 'InternalError', 'Internal error occurred: injected fault', { causes: [{ message: 'injected fault' }] });
}

/** 500 for a bug or an unexpected state, with the cause in the message. */
export function internalError(message: string): KubeError {
  return new KubeError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}
