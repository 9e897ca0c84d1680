// The subject of the client certificate the control plane presents to proxies' admin servers
// (docs/inspect.md, "Envoy admin views"): issued by ca/control-plane-certificates.ts, admitted by
// cli/dp-admin-server.ts. A module of its own so the proxy side loads no certificate code for it.
export const ADMIN_CLIENT_COMMON_NAME = 'portico-control-plane-envoy-admin';
