import { SELECTORS_SCHEMA, TAGS_SCHEMA } from './common-schemas.js';
import { bool, double, enumeration, field, integer, listOf, object, oneOf, port, text, uint32, type ObjectSchema } from './schema.js';
import type { Selector, Tags } from './tags.js';

/** Path match kinds; EXACT (0) is the default. */
export type PathMatchKind = 'EXACT' | 'PREFIX' | 'REGEX';
/** Header match kinds. */
export type HeaderMatchKind = 'EXACT' | 'REGEX' | 'ABSENT' | 'PRESENT';
/** Query parameter match kinds. */
export type QueryMatchKind = 'EXACT' | 'REGEX';
/** HTTP methods a match may name; NONE means any method. */
export type HttpMethod =
  | 'NONE'
  | 'CONNECT'
  | 'DELETE'
  | 'GET'
  | 'HEAD'
  | 'OPTIONS'
  | 'PATCH'
  | 'POST'
  | 'PUT'
  | 'TRACE';

/** One match of an HTTP rule; every condition given must hold. */
export interface HttpMatch {
  readonly path?: { readonly match: PathMatchKind; readonly value: string };
  readonly method?: HttpMethod;
  readonly headers: readonly { readonly match: HeaderMatchKind; readonly name: string; readonly value: string }[];
  readonly queryParameters: readonly { readonly match: QueryMatchKind; readonly name: string; readonly value: string }[];
}

/** A header name/value pair in a header filter. */
export interface HeaderValue {
  readonly name: string;
  readonly value: string;
}

/** Request or response header modification. */
export interface HeaderFilter {
  readonly set: readonly HeaderValue[];
  readonly add: readonly HeaderValue[];
  readonly remove: readonly string[];
}

/** A weighted backend; `weight` is undefined when the user omitted it (docs/gateway.md D1). */
export interface Backend {
  readonly weight?: number;
  readonly destination: Tags;
}

/** Path rewrite used by `rewrite` and `redirect.path`. */
export interface PathRewrite {
  readonly replaceFull?: string;
  readonly replacePrefixMatch?: string;
}

/** One filter of an HTTP rule: exactly one member is set. */
export interface HttpFilter {
  readonly requestHeader?: HeaderFilter;
  readonly responseHeader?: HeaderFilter;
  readonly mirror?: { readonly backend: Backend; readonly percentage?: number };
  readonly redirect?: {
    readonly scheme?: string;
    readonly hostname?: string;
    /** 0 or absent means not set. */
    readonly port?: number;
    readonly statusCode?: number;
    readonly path?: PathRewrite;
  };
  readonly rewrite?: PathRewrite & { readonly hostToBackendHostname?: boolean };
}

/** One rule of an HTTP route. */
export interface HttpRule {
  readonly matches: readonly HttpMatch[];
  readonly filters: readonly HttpFilter[];
  readonly backends: readonly Backend[];
}

/** One rule of a TCP route (no matches). */
export interface TcpRule {
  readonly backends: readonly Backend[];
}

/** Spec of a MeshGatewayRoute: exactly one of `conf.http` and `conf.tcp`. */
export interface MeshGatewayRouteSpec {
  readonly selectors: readonly Selector[];
  readonly conf: {
    readonly http?: { readonly hostnames: readonly string[]; readonly rules: readonly HttpRule[] };
    readonly tcp?: { readonly rules: readonly TcpRule[] };
  };
}

/** Most rules one route may declare (docs/robustness.md §4.1 row 21). */
export const MAX_RULES = 1_000;

const PATH_MATCH = enumeration({ EXACT: 0, PREFIX: 1, REGEX: 2 });
const HEADER_MATCH = enumeration({ EXACT: 0, REGEX: 1, ABSENT: 2, PRESENT: 3 });
const QUERY_MATCH = enumeration({ EXACT: 0, REGEX: 1 });
/** HTTP method numbers as in Kuma's `HttpMethod` proto. */
export const HTTP_METHOD_SCHEMA = enumeration({
  NONE: 0,
  CONNECT: 1,
  DELETE: 2,
  GET: 3,
  HEAD: 4,
  OPTIONS: 5,
  PATCH: 6,
  POST: 7,
  PUT: 8,
  TRACE: 9,
});

/** A weighted backend. */
export const BACKEND_SCHEMA: ObjectSchema = object('A destination service and its share of traffic.', {
  weight: field(uint32(), 'Relative weight; absent means 1, 0 means no traffic.'),
  destination: field(TAGS_SCHEMA, 'Tags of the destination; must include kuma.io/service.', { default: {} }),
});

const NAMED_CONDITION = (kinds: typeof HEADER_MATCH | typeof QUERY_MATCH, what: string): ObjectSchema =>
  object(`A ${what} condition.`, {
    match: field(kinds, 'How the value is compared.', { default: 'EXACT' }),
    name: field(text(), `The ${what} name.`, { default: '' }),
    value: field(text(), 'The value to compare with.', { default: '' }),
  });

const MATCH_SCHEMA: ObjectSchema = object('Conditions that must all hold.', {
  path: field(
    object('A path condition.', {
      match: field(PATH_MATCH, 'EXACT (default), PREFIX (whole segments) or REGEX.', { default: 'EXACT' }),
      value: field(text(), 'The path or regular expression.', { default: '' }),
    }),
    'Request path condition.',
  ),
  method: field(HTTP_METHOD_SCHEMA, 'Request method; NONE means any.'),
  headers: field(listOf(NAMED_CONDITION(HEADER_MATCH, 'header')), 'Header conditions.', { default: [] }),
  queryParameters: field(listOf(NAMED_CONDITION(QUERY_MATCH, 'query parameter')), 'Query parameter conditions.', {
    default: [],
    pathName: 'query_parameters',
  }),
});

const HEADER_VALUE_SCHEMA: ObjectSchema = object('A header name and value.', {
  name: field(text(), 'Header name.', { default: '' }),
  value: field(text(), 'Header value.', { default: '' }),
});

const HEADER_FILTER_SCHEMA: ObjectSchema = object('Header changes.', {
  set: field(listOf(HEADER_VALUE_SCHEMA), 'Headers to set, replacing existing values.', { default: [] }),
  add: field(listOf(HEADER_VALUE_SCHEMA), 'Headers to append.', { default: [] }),
  remove: field(listOf(text()), 'Header names to remove.', { default: [] }),
});

const PATH_REWRITE_FIELDS = {
  replaceFull: field(text(), 'Replace the whole path.'),
  replacePrefixMatch: field(text(), 'Replace the matched path prefix.'),
};

const FILTER_SCHEMA: ObjectSchema = object(
  'One request or response transformation.',
  {
    requestHeader: field(HEADER_FILTER_SCHEMA, 'Request header changes.', { pathName: 'request_header' }),
    responseHeader: field(HEADER_FILTER_SCHEMA, 'Response header changes.', { pathName: 'response_header' }),
    mirror: field(
      object('Copies a share of requests to another backend.', {
        backend: field(BACKEND_SCHEMA, 'Backend receiving the copies; its weight is unused.'),
        percentage: field(double(), 'Share of requests copied, 0-100.'),
      }),
      'Request mirroring.',
    ),
    redirect: field(
      object('Answers with a redirect instead of forwarding.', {
        scheme: field(text(), 'Scheme of the location.'),
        hostname: field(text(), 'Host of the location.'),
        port: field(port(), 'Port of the location; 0 means not set.'),
        statusCode: field(integer('uint32'), 'One of 301, 302, 303, 307, 308.', { pathName: 'status_code' }),
        path: field(
          object('Path rewrite of the location.', PATH_REWRITE_FIELDS, { oneOf: [oneOf(Object.keys(PATH_REWRITE_FIELDS), false)] }),
          'Path rewrite of the location.',
        ),
      }),
      'Redirect response.',
    ),
    rewrite: field(
      object(
        'Rewrites the forwarded request.',
        {
          ...PATH_REWRITE_FIELDS,
          hostToBackendHostname: field(bool(), "Set the Host header to the backend's host name."),
        },
        { oneOf: [oneOf(Object.keys(PATH_REWRITE_FIELDS), false)] },
      ),
      'Request rewrite.',
    ),
  },
  { oneOf: [oneOf(['requestHeader', 'responseHeader', 'mirror', 'redirect', 'rewrite'], true)] },
);

const HTTP_RULE_SCHEMA: ObjectSchema = object('Matches, filters and backends of HTTP traffic.', {
  matches: field(listOf(MATCH_SCHEMA), 'The rule applies when any match applies.', { default: [] }),
  filters: field(listOf(FILTER_SCHEMA), 'Transformations, in order.', { default: [] }),
  backends: field(listOf(BACKEND_SCHEMA), 'Weighted destinations.', { default: [] }),
});

// No `matches` here: Kuma's TCP rule has none, so writing one is an unknown-field error.
const TCP_RULE_SCHEMA: ObjectSchema = object('Backends of TCP traffic.', {
  backends: field(listOf(BACKEND_SCHEMA), 'Weighted destinations; at least one.', { default: [] }),
});

/** Spec schema of a MeshGatewayRoute. */
export const MESH_GATEWAY_ROUTE_SPEC_SCHEMA: ObjectSchema = object('Routes traffic of gateway listeners to services.', {
  selectors: field(SELECTORS_SCHEMA, "Selects listeners by their merged tags.", { default: [] }),
  conf: field(
    object(
      'Exactly one of http or tcp.',
      {
        http: field(
          object('HTTP route.', {
            hostnames: field(listOf(text()), 'Host names the route applies to.', { default: [] }),
            rules: field(listOf(HTTP_RULE_SCHEMA, MAX_RULES), 'Rules; at least one.', { default: [] }),
          }),
          'HTTP route.',
        ),
        tcp: field(
          object('TCP route.', {
            rules: field(listOf(TCP_RULE_SCHEMA, MAX_RULES), 'Rules; at least one.', { default: [] }),
          }),
          'TCP route.',
        ),
      },
      { oneOf: [oneOf(['http', 'tcp'], false)] },
    ),
    'Route configuration.',
    { default: {} },
  ),
});
