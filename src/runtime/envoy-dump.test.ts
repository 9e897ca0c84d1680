import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../test/support/deep-freeze.js';
import { buildSnapshot } from '../xds/cache/snapshot.js';
import { decodeResource, encodeResource } from '../xds/envoy/encode.js';
import { TYPE_URL } from '../xds/envoy/type-urls.js';
import { emptyGatewayResources, RESOURCE_TYPE_URLS, type EnvoyResources, type NamedResource } from '../xds/translator/translate.js';
import { configDump, DUMP_GROUPS, envoyDump, REDACTED, redactPrivateKeys } from './envoy-dump.js';

const PEM = readFileSync(new URL('../gateway/testdata/pem/example-rsa.pem', import.meta.url), 'utf8');
const KEY = PEM.slice(PEM.indexOf('-----BEGIN PRIVATE KEY-----'), PEM.indexOf('-----END PRIVATE KEY-----') + 25);
const CHAIN = PEM.slice(PEM.indexOf('-----BEGIN CERTIFICATE-----'));

/** An SDS secret as the translator builds it. */
function secret(name: string): NamedResource {
  return { name, resource: { name, tls_certificate: { certificate_chain: { inline_string: CHAIN }, private_key: { inline_string: KEY } } } };
}

/** A static cluster whose keys are inserted in the order given, to show the dump ignores that order. */
function cluster(name: string, keysFirst: boolean): NamedResource {
  const address = { socket_address: { address: '10.0.0.1', port_value: 8080 } };
  const loadAssignment = { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address } }] }] };
  const resource = keysFirst
    ? { name, type: 'STATIC', connect_timeout: { seconds: 5 }, load_assignment: loadAssignment }
    : { load_assignment: loadAssignment, connect_timeout: { seconds: 5 }, type: 'STATIC', name };
  return { name, resource };
}

function resources(extra: Partial<EnvoyResources>): EnvoyResources {
  return deepFreeze({ ...emptyGatewayResources(), ...extra });
}

describe('redactPrivateKeys', () => {
  it('replaces inline material under every private_key field and keeps everything else', () => {
    const input = deepFreeze({
      name: 's',
      tls_certificate: {
        certificate_chain: { inline_string: 'CHAIN' },
        private_key: { inline_bytes: 'S0VZ', watched_directory: { path: '/x' } },
      },
      nested: [{ transport_socket: { private_key: { inline_string: 'KEY', filename: '/etc/key.pem' } } }],
      other: { private_key: 'bare' },
    });
    expect(redactPrivateKeys(input)).toEqual({
      name: 's',
      tls_certificate: {
        certificate_chain: { inline_string: 'CHAIN' },
        private_key: { inline_bytes: REDACTED, watched_directory: { path: '/x' } },
      },
      nested: [{ transport_socket: { private_key: { inline_string: REDACTED, filename: '/etc/key.pem' } } }],
      other: { private_key: REDACTED },
    });
  });
});

describe('envoyDump', () => {
  it('groups every type in a fixed order, each resource decoded from its encoding', () => {
    const dump = envoyDump(resources({ clusters: [cluster('a', true)] }));
    expect(Object.keys(dump)).toEqual([...DUMP_GROUPS]);
    // Decoded from protobuf: int64 becomes a string, the enum its name; the encoder's view wins.
    expect(dump.clusters[0]).toMatchObject({ name: 'a', type: 'STATIC', connect_timeout: { seconds: '5' } });
    expect(dump.runtimes).toEqual([{ layer: {}, name: 'gateway.listeners' }]);
    expect(dump.secrets).toEqual([]);
  });

  it('redacts private keys by default and keeps the certificate chain', () => {
    const dump = envoyDump(resources({ secrets: [secret('cert.rsa:inlineString:*')] }));
    expect(dump.secrets).toEqual([
      {
        name: 'cert.rsa:inlineString:*',
        tls_certificate: { certificate_chain: { inline_string: CHAIN }, private_key: { inline_string: REDACTED } },
      },
    ]);
    expect(JSON.stringify(dump)).not.toContain('PRIVATE KEY');
  });

  it('shows private keys only when asked', () => {
    const dump = envoyDump(resources({ secrets: [secret('s')] }), { showSecrets: true });
    expect(dump.secrets[0]).toMatchObject({ tls_certificate: { private_key: { inline_string: KEY } } });
  });

  it('prints the same bytes whatever order the builder inserted keys in, and never mutates its input', () => {
    const one = JSON.stringify(envoyDump(resources({ clusters: [cluster('a', true)] })));
    const two = JSON.stringify(envoyDump(resources({ clusters: [cluster('a', false)] })));
    expect(two).toBe(one);
    const keys = Object.keys(JSON.parse(one).clusters[0] as object);
    expect(keys).toEqual([...keys].sort());
  });
});

describe('configDump', () => {
  const served = resources({ clusters: [cluster('b', true), cluster('a', false)], secrets: [secret('s')] });
  const snapshot = buildSnapshot(
    Object.fromEntries(
      (Object.keys(served) as (keyof EnvoyResources)[]).map((key) => [
        RESOURCE_TYPE_URLS[key],
        served[key].map((r) => ({ name: r.name, bytes: encodeResource(RESOURCE_TYPE_URLS[key], r.resource) })),
      ]),
    ),
  );

  it("has Envoy's sections in Envoy's order, with the snapshot's type versions", () => {
    const dump = configDump(snapshot);
    expect(dump.configs.map((c) => c['@type'])).toEqual([
      'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
      'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
      'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
      'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
    ]);
    const clusters = dump.configs[0] as { version_info: string; dynamic_active_clusters: { version_info: string; cluster: { name: string } }[] };
    const version = snapshot.types.get(TYPE_URL.cluster)?.version;
    expect(clusters.version_info).toBe(version);
    expect(clusters.dynamic_active_clusters.map((c) => [c.version_info, c.cluster.name])).toEqual([
      [version, 'a'],
      [version, 'b'],
    ]);
    expect(clusters.dynamic_active_clusters[0]?.cluster).toMatchObject({ '@type': TYPE_URL.cluster });
  });

  it('always redacts secrets', () => {
    const secrets = configDump(snapshot).configs[4] as { dynamic_active_secrets: unknown[] };
    expect(secrets.dynamic_active_secrets).toEqual([
      {
        name: 's',
        version_info: snapshot.types.get(TYPE_URL.secret)?.version,
        secret: {
          '@type': TYPE_URL.secret,
          name: 's',
          tls_certificate: { certificate_chain: { inline_string: CHAIN }, private_key: { inline_string: REDACTED } },
        },
      },
    ]);
    expect(JSON.stringify(configDump(snapshot))).not.toContain('PRIVATE KEY');
  });

  it('is a valid envoy.admin.v3.ConfigDump that survives an encode/decode round trip', () => {
    const dump = JSON.parse(JSON.stringify(configDump(snapshot))) as Record<string, unknown>;
    const typeUrl = 'type.googleapis.com/envoy.admin.v3.ConfigDump';
    expect(decodeResource(typeUrl, encodeResource(typeUrl, dump))).toEqual(dump);
  });
});
