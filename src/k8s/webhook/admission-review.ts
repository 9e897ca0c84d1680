// The `admission.k8s.io/v1` AdmissionReview wire format: decoding the API server's request and
// building the response it expects. Only the fields Portico reads are typed; the API server sends
// more (userInfo, options, requestKind), which are ignored.
import type { Violation } from '../../api/violation.js';

/** The only AdmissionReview version the webhook configuration asks for. */
export const ADMISSION_REVIEW_API_VERSION = 'admission.k8s.io/v1';

/** What the API server is doing to the object. */
export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** Group, version and kind of the object under review (`group` is '' for core/v1). */
export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** The part of `AdmissionRequest` Portico reads. */
export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: GroupVersionKind;
  readonly operation: AdmissionOperation;
  /** Set when a subresource (`status`) is written; such writes are not the user's spec. */
  readonly subResource?: string;
  readonly name?: string;
  readonly namespace?: string;
  /** The object after the operation; absent on DELETE. */
  readonly object?: Readonly<Record<string, unknown>>;
  /**
   * The object before an UPDATE (some kinds forbid some transitions: a Mesh's CA), and the object
   * being removed on a DELETE (multi-zone rules decide by its labels).
   */
  readonly oldObject?: Readonly<Record<string, unknown>>;
  /** Who is writing (`userInfo.username`): the control plane's own writes pass the multi-zone rules. */
  readonly username?: string;
}

/** The webhook's decision about one request. */
export type AdmissionVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** HTTP-like status shown by kubectl: 422 for invalid objects, 403 for forbidden ones. */
      readonly code: 403 | 422;
      readonly reason: 'Invalid' | 'Forbidden';
      readonly message: string;
      /** Every violation, each with its field path; empty when the denial is not about a field. */
      readonly causes: readonly Violation[];
    };

/** A `metav1.Status` as the API server reads it from a denial. */
export interface AdmissionStatus {
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly code: number;
  readonly reason: string;
  readonly message: string;
  readonly details: {
    readonly name?: string;
    readonly group: string;
    readonly kind: string;
    readonly causes: readonly { readonly type: 'FieldValueInvalid'; readonly field: string; readonly message: string }[];
  };
}

/** The AdmissionReview sent back: the request's uid echoed, with the verdict. */
export interface AdmissionReviewResponse {
  readonly apiVersion: typeof ADMISSION_REVIEW_API_VERSION;
  readonly kind: 'AdmissionReview';
  readonly response: { readonly uid: string; readonly allowed: boolean; readonly status?: AdmissionStatus };
}

const OPERATIONS: readonly string[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

/** Reads an AdmissionReview request body; the error names what is wrong with it (answered as 400). */
export function decodeAdmissionReview(body: unknown): { ok: true; request: AdmissionRequest } | { ok: false; error: string } {
  if (!isRecord(body)) return { ok: false, error: 'body must be a JSON object' };
  if (body['apiVersion'] !== ADMISSION_REVIEW_API_VERSION || body['kind'] !== 'AdmissionReview') {
    return { ok: false, error: `body must be an AdmissionReview of apiVersion ${ADMISSION_REVIEW_API_VERSION}` };
  }
  const request = body['request'];
  if (!isRecord(request)) return { ok: false, error: 'request must be an object' };
  const { uid, kind, operation, object } = request;
  if (typeof uid !== 'string' || uid === '') return { ok: false, error: 'request.uid must be a non-empty string' };
  if (!isGroupVersionKind(kind)) return { ok: false, error: 'request.kind must have string group, version and kind' };
  if (typeof operation !== 'string' || !OPERATIONS.includes(operation)) {
    return { ok: false, error: `request.operation must be one of ${OPERATIONS.join(', ')}` };
  }
  if ((operation === 'CREATE' || operation === 'UPDATE') && !isRecord(object)) {
    return { ok: false, error: `request.object must be an object on ${operation}` };
  }
  return {
    ok: true,
    request: {
      uid,
      kind: { group: kind.group, version: kind.version, kind: kind.kind },
      operation: operation as AdmissionOperation,
      ...optionalString('subResource', request['subResource']),
      ...optionalString('name', request['name']),
      ...optionalString('namespace', request['namespace']),
      ...(isRecord(object) ? { object } : {}),
      ...((operation === 'UPDATE' || operation === 'DELETE') && isRecord(request['oldObject']) ? { oldObject: request['oldObject'] } : {}),
      ...optionalString('username', isRecord(request['userInfo']) ? request['userInfo']['username'] : undefined),
    },
  };
}

/** The response body for a verdict on `request`. */
export function admissionResponse(request: AdmissionRequest, verdict: AdmissionVerdict): AdmissionReviewResponse {
  const base = { apiVersion: ADMISSION_REVIEW_API_VERSION, kind: 'AdmissionReview' } as const;
  if (verdict.allowed) return { ...base, response: { uid: request.uid, allowed: true } };
  const name = objectName(request);
  const status: AdmissionStatus = {
    metadata: {},
    status: 'Failure',
    code: verdict.code,
    reason: verdict.reason,
    message: verdict.message,
    details: {
      ...(name === undefined ? {} : { name }),
      group: request.kind.group,
      kind: request.kind.kind,
      causes: verdict.causes.map((v) => ({ type: 'FieldValueInvalid', field: v.field, message: v.message })),
    },
  };
  return { ...base, response: { uid: request.uid, allowed: false, status } };
}

/** Kuma's denial text: every violation as `<field>: <message>`, joined with `; `. */
export function violationsMessage(violations: readonly Violation[]): string {
  return violations.map((v) => (v.field === '' ? v.message : `${v.field}: ${v.message}`)).join('; ');
}

// request.name is empty on a create with generateName; the object then already carries the
// generated name, because validating admission runs after name generation.
function objectName(request: AdmissionRequest): string | undefined {
  if (request.name !== undefined && request.name !== '') return request.name;
  const metadata = request.object?.['metadata'];
  const name = isRecord(metadata) ? metadata['name'] : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function isGroupVersionKind(value: unknown): value is GroupVersionKind {
  return isRecord(value) && typeof value['group'] === 'string' && typeof value['version'] === 'string' && typeof value['kind'] === 'string';
}

function optionalString<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === 'string' && value !== '' ? { [key]: value } : {}) as { [P in K]?: string };
}

/** True for a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
