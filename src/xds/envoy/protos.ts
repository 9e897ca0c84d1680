// Loads Envoy's protos from the pinned @grpc/grpc-js-xds package (never copied into the repo)
// into one protobufjs Root, with one options object for everything that decodes or encodes.
import { createRequire } from 'node:module';
import path from 'node:path';
import { accessSync } from 'node:fs';
import type protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/**
 * protobufjs, loaded on first use: a module that only may need Envoy types (the ProxyTemplate
 * validator, which `portico apply` loads) does not pay for it unless a value is read.
 */
export function protobufjs(): typeof protobuf {
  return require('protobufjs') as typeof protobuf;
}

/** Root folders of the proto trees shipped by @grpc/grpc-js-xds. */
export const PROTO_INCLUDE_DIRS: readonly string[] = (() => {
  const deps = path.join(path.dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
  const trees = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((d) => path.join(deps, d));
  // google/protobuf/descriptor.proto (imported by validate.proto) ships with protobufjs itself.
  return [...trees, path.dirname(require.resolve('protobufjs/package.json'))];
})();

/**
 * Extensions a ProxyTemplate modification may name in an Any's `@type` (docs/policies.md,
 * "ProxyTemplate"): the filters and loggers Kuma's examples and users' templates reach for. A
 * `value` naming a type outside the loaded set is rejected at admission ("unknown message type").
 */
function proxyTemplateExtensionFiles(): string[] {
  const http = ['lua/v3/lua', 'gzip/v3/gzip', 'buffer/v3/buffer', 'cors/v3/cors', 'health_check/v3/health_check', 'header_to_metadata/v3/header_to_metadata', 'rbac/v3/rbac', 'ext_authz/v3/ext_authz', 'header_mutation/v3/header_mutation', 'decompressor/v3/decompressor', 'grpc_web/v3/grpc_web', 'jwt_authn/v3/config'];
  const network = ['local_ratelimit/v3/local_rate_limit', 'direct_response/v3/config', 'connection_limit/v3/connection_limit', 'ext_authz/v3/ext_authz'];
  const listener = ['http_inspector/v3/http_inspector', 'original_dst/v3/original_dst', 'proxy_protocol/v3/proxy_protocol'];
  return [
    ...http.map((f) => `envoy/extensions/filters/http/${f}.proto`),
    ...network.map((f) => `envoy/extensions/filters/network/${f}.proto`),
    ...listener.map((f) => `envoy/extensions/filters/listener/${f}.proto`),
    'envoy/extensions/access_loggers/file/v3/file.proto',
    'envoy/extensions/access_loggers/stream/v3/stream.proto',
    'envoy/extensions/compression/brotli/compressor/v3/brotli.proto',
    'envoy/extensions/upstreams/tcp/v3/tcp_protocol_options.proto',
  ];
}

/** Every Envoy proto file whose messages Portico builds, reads or packs into an Any. */
export const ENVOY_PROTO_FILES: readonly string[] = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/discovery/v3/discovery.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/service/runtime/v3/rtds.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/grpc_stats/v3/config.proto',
  'envoy/extensions/filters/network/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto',
  'envoy/extensions/health_check/event_sinks/file/v3/file.proto',
  'envoy/extensions/filters/http/compressor/v3/compressor.proto',
  'envoy/extensions/compression/gzip/compressor/v3/gzip.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/access_loggers/fluentd/v3/fluentd.proto',
  'envoy/config/trace/v3/zipkin.proto',
  'envoy/admin/v3/config_dump.proto',
  'envoy/config/overload/v3/overload.proto',
  'envoy/extensions/resource_monitors/downstream_connections/v3/downstream_connections.proto',
  'envoy/extensions/resource_monitors/fixed_heap/v3/fixed_heap.proto',
  ...proxyTemplateExtensionFiles(),
];

/** Options for grpc proto-loader and protobufjs conversions: proto field names, enums as strings. */
export const CONVERSION_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: false,
} as const;

let cachedRoot: protobuf.Root | undefined;

/** The shared Root with every Envoy type Portico uses; loaded once per process. */
export function envoyRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  const root = new (protobufjs().Root)();
  root.resolvePath = (_origin, target) => {
    if (path.isAbsolute(target)) return target;
    for (const dir of PROTO_INCLUDE_DIRS) {
      const candidate = path.join(dir, target);
      try {
        accessSync(candidate);
        return candidate;
      } catch {
        // try the next include directory
      }
    }
    return target;
  };
  root.loadSync([...ENVOY_PROTO_FILES], { keepCase: true });
  root.resolveAll();
  cachedRoot = root;
  return root;
}

/** Look up a message type by its full name (without the type URL prefix). */
export function messageType(fullName: string): protobuf.Type {
  return envoyRoot().lookupType(fullName);
}
