import { describe, expect, it } from 'vitest';
import {
  ALL_MESHES_CA_SECRET_NAME,
  GATEWAY_RUNTIME_NAME,
  UNRESOLVED_BACKEND,
  certificateSecretName,
  clusterName,
  connectionLimitRuntimeKey,
  identityCertSecretName,
  listenerName,
  meshCaSecretName,
  meshClusterSni,
  routeTableName,
} from './names.js';

describe('clusterName (docs/gateway.md §2.15)', () => {
  it('reproduces the worked example', () => {
    const name = clusterName({ 'kuma.io/service': 'echo-service' }, { 'kuma.io/service': 'gateway-default', port: 'http/8080' });
    expect(name).toBe('echo-service-9f149ed9e14091ca');
  });

  it('sorts keys of each map, so key order as written does not matter', () => {
    const a = clusterName({ version: 'v1', 'kuma.io/service': 'echo' }, { port: 'http/80', 'kuma.io/service': 'gw' });
    const b = clusterName({ 'kuma.io/service': 'echo', version: 'v1' }, { 'kuma.io/service': 'gw', port: 'http/80' });
    expect(a).toBe(b);
    expect(a).toMatch(/^echo-[0-9a-f]{16}$/);
  });

  it('hashes destination tags before listener tags (they are not merged)', () => {
    const a = clusterName({ 'kuma.io/service': 'echo', z: '1' }, { a: '1' });
    const b = clusterName({ 'kuma.io/service': 'echo', a: '1' }, { z: '1' });
    expect(a).not.toBe(b);
  });

  it('is the bare service only for a service-only destination and empty merged tags', () => {
    expect(clusterName({ 'kuma.io/service': 'echo' }, {})).toBe('echo');
    expect(clusterName({ 'kuma.io/service': 'echo', version: 'v1' }, {})).toMatch(/^echo-[0-9a-f]{16}$/);
    expect(clusterName({ 'kuma.io/service': 'echo' }, { 'kuma.io/service': 'gw' })).toMatch(/^echo-[0-9a-f]{16}$/);
  });
});

describe('Envoy names', () => {
  it('names listeners and route tables', () => {
    expect(listenerName('edge', 'HTTPS', 443)).toBe('edge:HTTPS:443');
    expect(routeTableName('edge:HTTP:80', '*')).toBe('edge:HTTP:80:*');
    expect(routeTableName('edge:HTTPS:443', '*.example.com')).toBe('edge:HTTPS:443:*.example.com');
  });

  it('names the runtime, its connection limit keys and the unresolved backend', () => {
    expect(GATEWAY_RUNTIME_NAME).toBe('gateway.listeners');
    expect(connectionLimitRuntimeKey('edge:HTTP:8080')).toBe('envoy.resource_limits.listener.edge:HTTP:8080.connection_limit');
    expect(UNRESOLVED_BACKEND).toBe('kuma.io/unresolved-backend');
  });

  it('names SDS secrets', () => {
    expect(certificateSecretName('rsa', 'secret', 'example-com-tls')).toBe('cert.rsa:secret:example-com-tls');
    expect(certificateSecretName('ecdsa', 'inlineString', '*.example.com')).toBe('cert.ecdsa:inlineString:*.example.com');
    expect(identityCertSecretName('default')).toBe('identity_cert:secret:default');
    expect(meshCaSecretName('default')).toBe('mesh_ca:secret:default');
    expect(ALL_MESHES_CA_SECRET_NAME).toBe('mesh_ca:secret:all');
  });

  it('builds the mesh cluster SNI from sorted non-service tags plus mesh', () => {
    expect(meshClusterSni({ 'kuma.io/service': 'echo-service' }, 'default')).toBe('echo-service{mesh=default}');
    expect(meshClusterSni({ version: 'v2', 'kuma.io/service': 'shop', env: 'prod' }, 'm1')).toBe('shop{env=prod,mesh=m1,version=v2}');
  });
});
