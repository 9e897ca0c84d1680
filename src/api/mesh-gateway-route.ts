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

/** A weighted backend; `weight` is undefined when the user omitted it (gateway.md D1). */
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
