// The SNI match of HTTPS and TLS filter chains (docs/gateway.md §2.13, §2.14). The TLS inspector
// listener filter supplies both the transport protocol and the server name it matches on.

/** Hostname group key that matches any server name, and connections sending none. */
const ANY_HOSTNAME = '*';

/**
 * `{server_names: [hostname], transport_protocol: tls}`; the group `*` matches on the transport
 * protocol only, so it also catches clients that send no SNI. Wildcards like `*.example.com` are
 * passed through: Envoy matches them as suffixes, the most specific name winning.
 */
export function buildSniFilterChainMatch(hostname: string): object {
  return {
    ...(hostname === ANY_HOSTNAME ? {} : { server_names: [hostname] }),
    transport_protocol: 'tls',
  };
}
