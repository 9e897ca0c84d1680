// RateLimit (classic, docs/gateway.md §1.6, §2.16): a local token bucket of HTTP requests from the
// sources to the destinations, with the status and headers of a limited request's answer.
import { connectionPolicySchema, type ConnectionPolicySpec } from './connection-policy.js';
import { bool, field, listOf, object, text, uint32, type ObjectSchema } from './schema.js';

/** A response header added when a request is limited. */
export interface RateLimitHeader {
  readonly key?: string;
  readonly value?: string;
  /** True adds to a header already present; absent or false replaces it. */
  readonly append?: boolean;
}

/** `conf` of a RateLimit. */
export interface RateLimitConf {
  readonly http?: {
    /** Requests allowed per interval (the bucket size and refill). */
    readonly requests?: number;
    readonly interval?: string;
    readonly onRateLimit?: { readonly status?: number; readonly headers?: readonly RateLimitHeader[] };
  };
}

/** Spec of a RateLimit. */
export type RateLimitSpec = ConnectionPolicySpec<RateLimitConf>;

/** Spec schema of a RateLimit. */
export const RATE_LIMIT_SPEC_SCHEMA: ObjectSchema = connectionPolicySchema(
  'Rate limit of the HTTP requests from the sources to the destination services.',
  object('Rate limit settings.', {
    http: field(
      object('HTTP rate limit.', {
        requests: field(uint32(), 'Requests allowed per interval.'),
        interval: field(text(64), 'The interval the requests are counted over.'),
        onRateLimit: field(
          object('The answer to a limited request.', {
            status: field(uint32(), 'Status returned (Envoy default 429).'),
            headers: field(
              listOf(
                object('A response header.', {
                  key: field(text(1024), 'Header name.'),
                  value: field(text(16384), 'Header value.'),
                  append: field(bool(), 'Add to a header already present instead of replacing it.'),
                }),
                100,
              ),
              'Headers added to the answer.',
            ),
          }),
          'The answer to a limited request.',
        ),
      }),
      'HTTP rate limit.',
    ),
  }),
);
