import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildBootstrap, renderBootstrapYaml } from './bootstrap.js';
import type { BootstrapParams } from './bootstrap.js';
import { parseBootstrapRequest } from './bootstrap-request.js';
import { nodeMetadata } from './bootstrap-endpoint.js';
import { encodeProtoJson, ensureProtoLoaded } from '../../../test/support/proto-json.js';
import { messageType, CONVERSION_OPTIONS } from '../envoy/protos.js';

ensureProtoLoaded('envoy/extensions/resource_monitors/fixed_heap/v3/fixed_heap.proto');
ensureProtoLoaded('envoy/extensions/transport_sockets/tls/v3/tls.proto');

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';
const params: BootstrapParams = {
  nodeId: 'default.gw-1',
  service: 'edge-gateway',
  isGateway: true,
  xdsHost: 'cp.example.com',
  xdsPort: 5678,
  apiType: 'DELTA_GRPC',
  adminPort: 9902,
  dataplaneToken: 'tok',
  maxHeapSizeBytes: 536870912,
  metadata: { 'dataplane.proxyType': 'gateway', 'dataplane.admin.port': '9902', version: { kumaDp: { version: '2.9.0' } }, features: ['a'] },
};

/** Encodes strictly, then decodes: the fields Envoy will see. */
function roundTrip(bootstrap: unknown): Record<string, any> {
  const bytes = encodeProtoJson(BOOTSTRAP, parse(renderBootstrapYaml(bootstrap as Record<string, unknown>)));
  const type = messageType(BOOTSTRAP);
  return type.toObject(type.decode(bytes), CONVERSION_OPTIONS) as Record<string, any>;
}

describe('buildBootstrap', () => {
  it('TLS to a named control plane: SNI and an exact DNS SAN matcher for the name, the CA inline, h2 and TLS 1.2+', () => {
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const decoded = roundTrip(buildBootstrap({ ...params, xdsTls: { caCert: ca } }));
    const socket = decoded.static_resources.clusters[0].transport_socket;
    expect(socket.name).toBe('envoy.transport_sockets.tls');
    const context = messageType('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext');
    const tls = context.toObject(context.decode(socket.typed_config.value), CONVERSION_OPTIONS) as Record<string, any>;
    expect(tls).toEqual({
      sni: 'cp.example.com',
      common_tls_context: {
        tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
        alpn_protocols: ['h2'],
        validation_context: {
          trusted_ca: { inline_string: ca },
          match_typed_subject_alt_names: [{ san_type: 'DNS', matcher: { exact: 'cp.example.com' } }],
        },
      },
    });
    expect(roundTrip(buildBootstrap(params)).static_resources.clusters[0].transport_socket).toBeUndefined();
  });

  it('encodes as envoy.config.bootstrap.v3.Bootstrap with no unknown field', () => {
    const decoded = roundTrip(buildBootstrap(params));
    expect(decoded.node.id).toBe('default.gw-1');
    expect(decoded.node.cluster).toBe('edge-gateway');
    expect(Object.keys(decoded.node.metadata.fields).sort()).toEqual(['dataplane.admin.port', 'dataplane.proxyType', 'features', 'version']);
    expect(decoded.admin.address.socket_address).toEqual({ address: '127.0.0.1', port_value: 9902 });
    const ads = decoded.dynamic_resources.ads_config;
    expect(ads).toMatchObject({ api_type: 'DELTA_GRPC', transport_api_version: 'V3', set_node_on_first_message_only: true });
    expect(ads.grpc_services[0]).toMatchObject({ envoy_grpc: { cluster_name: 'ads_cluster' }, initial_metadata: [{ key: 'authorization', value: 'tok' }] });
    expect(decoded.dynamic_resources.lds_config).toEqual({ ads: {}, resource_api_version: 'V3' });
    expect(decoded.dynamic_resources.cds_config).toEqual({ ads: {}, resource_api_version: 'V3' });
    const cluster = decoded.static_resources.clusters[0];
    expect(cluster).toMatchObject({ name: 'ads_cluster', type: 'STRICT_DNS', dns_lookup_family: 'V4_PREFERRED' });
    expect(cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: 'cp.example.com', port_value: 5678 });
    expect(Object.keys(cluster.typed_extension_protocol_options)).toEqual(['envoy.extensions.upstreams.http.v3.HttpProtocolOptions']);
  });

  it('gives BUILTIN gateways the runtime layers and the overload manager of docs/gateway.md §2.19', () => {
    const decoded = roundTrip(buildBootstrap(params));
    const [kuma, rtds] = decoded.layered_runtime.layers;
    expect(kuma.name).toBe('kuma');
    // Value's field is numberValue in the shared root (protobufjs's bundled struct.proto).
    expect(Object.values(kuma.static_layer.fields['re2.max_program_size.error_level'])).toEqual([4294967295]);
    expect(Object.values(kuma.static_layer.fields['re2.max_program_size.warn_level'])).toEqual([1000]);
    expect(rtds).toEqual({ name: 'gateway.listeners', rtds_layer: { name: 'gateway.listeners', rtds_config: { ads: {}, resource_api_version: 'V3' } } });
    const overload = decoded.overload_manager;
    expect(overload.refresh_interval).toMatchObject({ nanos: 250000000 });
    expect(Number(overload.refresh_interval.seconds ?? 0)).toBe(0);
    expect(overload.resource_monitors.map((m: { name: string }) => m.name)).toEqual([
      'envoy.resource_monitors.global_downstream_max_connections',
      'envoy.resource_monitors.fixed_heap',
    ]);
    expect(overload.actions.map((a: any) => [a.name, a.triggers[0].threshold.value])).toEqual([
      ['envoy.overload_actions.shrink_heap', 0.95],
      ['envoy.overload_actions.stop_accepting_requests', 0.98],
    ]);
  });

  it('omits heap actions without a memory limit, and gateway sections for other proxies', () => {
    const noHeap = roundTrip(buildBootstrap({ ...params, maxHeapSizeBytes: undefined }));
    expect(noHeap.overload_manager.resource_monitors).toHaveLength(1);
    expect(noHeap.overload_manager.actions).toBeUndefined();
    const sidecar = roundTrip(buildBootstrap({ ...params, isGateway: false, apiType: 'GRPC', xdsHost: '10.0.0.1', dataplaneToken: undefined }));
    expect(sidecar.layered_runtime).toBeUndefined();
    expect(sidecar.overload_manager).toBeUndefined();
    expect(sidecar.dynamic_resources.ads_config.api_type).toBe('GRPC');
    expect(sidecar.dynamic_resources.ads_config.grpc_services[0].initial_metadata).toBeUndefined();
    expect(sidecar.static_resources.clusters[0].type).toBe('STATIC');
  });

  it('the strict encoder rejects unknown fields, so the check above is meaningful', () => {
    expect(() => encodeProtoJson(BOOTSTRAP, { node: { id: 'x', clustr: 'typo' } })).toThrow('Bootstrap.node.clustr: unknown field');
    expect(() => encodeProtoJson(BOOTSTRAP, { overload_manager: { refresh_interval: '250ms' } })).toThrow('expected a duration');
  });
});

describe('parseBootstrapRequest', () => {
  it('takes name and mesh from the inline Dataplane and the admin port from it', () => {
    const dataplane = 'type: Dataplane\nmesh: default\nname: gw-1\nnetworking:\n  address: 10.0.0.5\n  admin:\n    port: 9911\n  gateway:\n    type: BUILTIN\n    tags:\n      kuma.io/service: edge\n';
    const parsed = parseBootstrapRequest({ dataplaneResource: dataplane, proxyType: 'gateway', resources: { maxHeapSizeBytes: 1024 } });
    expect(parsed.ok && [parsed.request.mesh, parsed.request.name, parsed.request.adminPort, parsed.request.resources]).toEqual(['default', 'gw-1', 9911, { maxHeapSizeBytes: 1024 }]);
  });

  it('proxy type ingress: a name and no mesh, the ZoneIngress inline', () => {
    const ingress = 'type: ZoneIngress\nname: ingress-1\nnetworking:\n  address: 192.168.0.10\n  port: 10001\n  admin:\n    port: 9902\n';
    const parsed = parseBootstrapRequest({ proxyType: 'ingress', dataplaneResource: ingress });
    expect(parsed.ok && [parsed.request.mesh, parsed.request.name, parsed.request.proxyType, parsed.request.adminPort]).toEqual(['', 'ingress-1', 'ingress', 9902]);
    expect(parseBootstrapRequest({ proxyType: 'ingress', mesh: '', name: 'ingress-1' })).toMatchObject({ ok: true, request: { mesh: '', name: 'ingress-1' } });
    expect(parseBootstrapRequest({ proxyType: 'ingress', mesh: 'default', name: 'ingress-1' })).toEqual({ ok: false, message: 'mesh: must be empty for a zone ingress (it serves every mesh)' });
    expect(parseBootstrapRequest({ proxyType: 'ingress' })).toEqual({ ok: false, message: 'name: cannot be empty' });
    expect(parseBootstrapRequest({ proxyType: 'egress', mesh: 'default', name: 'e' })).toEqual({ ok: false, message: 'proxyType: zone egress proxies are not served' });
    // Any other proxy type is a Dataplane's, which needs a mesh.
    expect(parseBootstrapRequest({ name: 'x' })).toEqual({ ok: false, message: 'mesh: cannot be empty' });
  });

  it('collects every problem in one message', () => {
    const parsed = parseBootstrapRequest({ mesh: 'a.b', dnsPort: 'x', xdsTransport: 'rest', features: [1] });
    expect(parsed).toEqual({
      ok: false,
      message: 'mesh: must not contain "."; name: cannot be empty; xdsTransport: must be "sotw" or "delta"; features: must be a list of strings; dnsPort: must be a number',
    });
    expect(parseBootstrapRequest([])).toEqual({ ok: false, message: 'request body must be a JSON object' });
  });

  it('maps the request onto the node metadata keys of docs/xds-server.md §16', () => {
    const parsed = parseBootstrapRequest({
      mesh: 'default',
      name: 'gw-1',
      proxyType: 'gateway',
      dnsPort: 15053,
      dynamicMetadata: { team: 'edge' },
      workdir: '/tmp/kuma',
      metricsResources: { certPath: '/c', keyPath: '/k' },
      systemCaPath: '/ca',
      features: ['feature-tcp-accesslog-via-named-pipe'],
    });
    if (!parsed.ok) throw new Error(parsed.message);
    expect(nodeMetadata(parsed.request)).toEqual({
      'dataplane.admin.port': '9901',
      'dataplane.admin.address': '127.0.0.1',
      'dataplane.dns.port': '15053',
      'dataplane.proxyType': 'gateway',
      dynamicMetadata: { team: 'edge' },
      features: ['feature-tcp-accesslog-via-named-pipe'],
      workdir: '/tmp/kuma',
      metricsCertPath: '/c',
      metricsKeyPath: '/k',
      systemCaPath: '/ca',
    });
  });
});
