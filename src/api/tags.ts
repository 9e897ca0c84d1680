/** A tag map: tag name to tag value (`kuma.io/service: echo`). */
export type Tags = Readonly<Record<string, string>>;

/** The tag that names a service; every selector and gateway tag set must carry it. */
export const SERVICE_TAG = 'kuma.io/service';
/** The tag that names a workload's protocol (`http`, `http2`, `grpc`, `tcp`, `kafka`). */
export const PROTOCOL_TAG = 'kuma.io/protocol';
/** The tag that names a dataplane's zone. */
export const ZONE_TAG = 'kuma.io/zone';
/** The tag an ExternalService endpoint carries. */
export const EXTERNAL_SERVICE_TAG = 'kuma.io/external-service-name';

/** A selector: every tag must be present with the same value; `*` accepts any value. */
export interface Selector {
  readonly match: Tags;
}
