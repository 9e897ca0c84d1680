// The config source of every resource a gateway resource refers to (RDS from the connection
// manager, EDS from clusters, SDS from TLS contexts): the ADS stream the proxy already has open.

/** `{ads: {}, resource_api_version: V3}`: fetch over ADS with the v3 transport. */
export function buildAdsConfigSource(): object {
  return { ads: {}, resource_api_version: 'V3' };
}
