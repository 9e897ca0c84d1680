// The tables of `portico inspect dataplanes|meshes|meshgateways|meshgatewayroutes` and of one
// dataplane's policies, and the status cells `portico get` appends. Pure: bodies of the inspect
// API in (docs/inspect.md), text out. Bodies arrive as untyped JSON, so every cell reads
// defensively and prints `-` when a value is absent.
import { at, list, text } from '../api/kinds/columns.js';
import { formatAge } from './output.js';

/** An item of an API list, untyped. */
export type Item = Readonly<Record<string, unknown>>;

/** Aligned columns, three spaces apart, as `portico get` prints them. */
export function formatRows(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('   ').trimEnd()).join('\n') + '\n';
}

// ---- dataplanes (DataplaneOverview items) ----

/** The proxy's one subscription (Portico keeps one per proxy), if it ever connected here. */
function subscription(overview: Item): Item | undefined {
  const first = list(at(overview, 'dataplaneInsight', 'subscriptions'))[0];
  return first !== null && typeof first === 'object' ? (first as Item) : undefined;
}

/** The per-type entries of a subscription (`cds`, `lds`, ...), without the total. */
function typeEntries(sub: Item): [string, Item][] {
  const status = at(sub, 'status');
  if (status === null || typeof status !== 'object') return [];
  return Object.entries(status as Item).filter((e): e is [string, Item] => e[0] !== 'total' && e[0] !== 'lastUpdateTime' && e[1] !== null && typeof e[1] === 'object');
}

/**
 * `yes` or `no`; `-` when this control plane has no record of the proxy: it never connected here,
 * or this is a global control plane, which serves no proxies.
 */
export function connectedCell(overview: Item): string {
  const sub = subscription(overview);
  if (sub === undefined) return '-';
  return sub['connected'] === true ? 'yes' : 'no';
}

/**
 * Whether the proxy runs what it was last sent: `in sync` when every type's ACKed version is its
 * sent version, else `rejected (rds)` for types whose last NACK is of the sent version and
 * `pending (cds)` for types sent and not answered yet; `nothing sent` before the first response.
 * `-` without a record.
 */
export function ackedCell(overview: Item): string {
  const sub = subscription(overview);
  if (sub === undefined) return '-';
  const types = typeEntries(sub);
  if (types.length === 0) return 'nothing sent';
  const rejected: string[] = [];
  const pending: string[] = [];
  for (const [type, entry] of types) {
    const sent = entry['sentVersion'];
    if (sent === undefined || entry['acknowledgedVersion'] === sent) continue;
    if (at(entry, 'lastNack', 'version') === sent) rejected.push(type);
    else pending.push(type);
  }
  const parts = [...(rejected.length > 0 ? [`rejected (${rejected.join(', ')})`] : []), ...(pending.length > 0 ? [`pending (${pending.join(', ')})`] : [])];
  return parts.length > 0 ? parts.join(', ') : 'in sync';
}

/** Longest Envoy reason shown in a table cell; `-o yaml` has the whole message. */
const REASON_WIDTH = 60;

/** The newest standing NACK: `<Envoy type>: <reason, shortened>`, or `-`. */
export function lastNackCell(overview: Item): string {
  const sub = subscription(overview);
  let newest: { type: string; message: string; time: string } | undefined;
  for (const [, entry] of sub === undefined ? [] : typeEntries(sub)) {
    const nack = entry['lastNack'];
    const time = text(at(nack, 'time'));
    if (time === '-' || (newest !== undefined && newest.time >= time)) continue;
    newest = { type: text(at(nack, 'type')), message: text(at(nack, 'message')), time };
  }
  return newest === undefined ? '-' : `${newest.type}: ${shorten(newest.message, REASON_WIDTH)}`;
}

/** When the proxy's certificate expires, relative to `now` (`in 23h`, `expired`), or `-`. */
export function certExpiryCell(overview: Item, now: Date): string {
  const expiry = at(overview, 'dataplaneInsight', 'mTLS', 'certificateExpirationTime');
  if (typeof expiry !== 'string' || Number.isNaN(Date.parse(expiry))) return '-';
  const left = Date.parse(expiry) - now.getTime();
  // formatAge measures time since a moment; time until expiry is the age of `now` seen from it, mirrored.
  return left <= 0 ? 'expired' : `in ${formatAge(new Date(now.getTime() - left).toISOString(), now)}`;
}

/** `standard`, `gateway/builtin` or `gateway/delegated`, as `portico get dataplanes` says. */
export function dataplaneTypeCell(overview: Item): string {
  const gateway = at(overview, 'dataplane', 'networking', 'gateway');
  if (gateway === undefined) return 'standard';
  return `gateway/${text(at(gateway, 'type') ?? 'DELEGATED').toLowerCase()}`;
}

/** The `inspect dataplanes` table. CERT EXPIRY appears when some proxy holds a mesh certificate. */
export function formatDataplanes(items: readonly Item[], now: Date): string {
  const withCert = items.some((i) => certExpiryCell(i, now) !== '-');
  const headers = ['MESH', 'NAME', 'TYPE', 'CONNECTED', 'ACKED VERSION', 'LAST NACK', ...(withCert ? ['CERT EXPIRY'] : [])];
  const rows = items.map((i) => [text(i['mesh']), text(i['name']), dataplaneTypeCell(i), connectedCell(i), ackedCell(i), lastNackCell(i), ...(withCert ? [certExpiryCell(i, now)] : [])]);
  return formatRows(headers, rows);
}

// ---- meshes (MeshInsight items) ----

/** `online/total`, with the degraded ones when there are any. */
function meshDataplanesCell(insight: Item): string {
  const stat = at(insight, 'dataplanes');
  const online = text(at(stat, 'online'));
  const total = text(at(stat, 'total'));
  const degraded = at(stat, 'partiallyDegraded');
  return `${online}/${total}${typeof degraded === 'number' && degraded > 0 ? ` (${degraded} degraded)` : ''}`;
}

/** Sum of every policy kind's total. */
function policiesCell(insight: Item): string {
  const policies = at(insight, 'policies');
  if (policies === null || typeof policies !== 'object') return '-';
  return String(Object.values(policies).reduce((n: number, p) => n + (typeof at(p, 'total') === 'number' ? (at(p, 'total') as number) : 0), 0));
}

/** The `inspect meshes` table. */
export function formatMeshes(items: readonly Item[]): string {
  const rows = items.map((i) => [text(i['name']), meshDataplanesCell(i), text(at(i, 'mTLS', 'enabledBackend') ?? 'off'), text(at(i, 'services', 'total')), policiesCell(i)]);
  return formatRows(['NAME', 'DATAPLANES (ONLINE/TOTAL)', 'MTLS', 'SERVICES', 'POLICIES'], rows);
}

// ---- gateways and routes (MeshGatewayOverview, MeshGatewayRouteOverview items) ----

/**
 * A condition of an overview's (or a status body's) `conditions`: `True`, or `False (<reason>)`;
 * `-` when there is no status (nothing generated yet, or a global control plane).
 */
export function conditionCell(body: unknown, type: string): string {
  const condition = list(at(body, 'conditions')).find((c) => at(c, 'type') === type);
  if (condition === undefined) return '-';
  const status = text(at(condition, 'status'));
  return status === 'True' ? 'True' : `${status} (${text(at(condition, 'reason'))})`;
}

/** The proxies of an overview: how many, connected, and acknowledged their current configuration. */
function proxyCounts(overview: Item): [string, string, string] {
  const proxies = list(overview['dataplanes']);
  const count = (key: string) => String(proxies.filter((p) => at(p, key) === true).length);
  return [String(proxies.length), count('connected'), count('acknowledged')];
}

/** The `inspect meshgateways` table. */
export function formatGateways(items: readonly Item[]): string {
  const rows = items.map((i) => [text(i['mesh']), text(i['name']), conditionCell(i['status'], 'Accepted'), conditionCell(i['status'], 'Programmed'), ...proxyCounts(i)]);
  return formatRows(['MESH', 'NAME', 'ACCEPTED', 'PROGRAMMED', 'PROXIES', 'CONNECTED', 'ACKED'], rows);
}

/** The `inspect meshgatewayroutes` table: ACCEPTED says `False (NotBound)` for a route attached nowhere. */
export function formatRoutes(items: readonly Item[]): string {
  const rows = items.map((i) => {
    const gateways = list(i['gateways']).filter((g): g is string => typeof g === 'string');
    return [text(i['mesh']), text(i['name']), conditionCell(i['status'], 'Accepted'), conditionCell(i['status'], 'ResolvedRefs'), conditionCell(i['status'], 'Programmed'), gateways.length > 0 ? gateways.join(',') : '-'];
  });
  return formatRows(['MESH', 'NAME', 'ACCEPTED', 'RESOLVED REFS', 'PROGRAMMED', 'GATEWAYS'], rows);
}

// ---- one dataplane's policies ----

/** `Timeout edge-to-shop, Retry retry-all` from `{Timeout: [{name}], Retry: [{name}]}`. */
function policyList(byKind: unknown, suffix: (ref: unknown) => string = () => ''): string {
  if (byKind === null || typeof byKind !== 'object') return '-';
  const parts = Object.entries(byKind).flatMap(([kind, refs]) => list(refs).map((r) => `${kind} ${text(at(r, 'name'))}${suffix(r)}`));
  return parts.length > 0 ? parts.join(', ') : '-';
}

/**
 * The policies view of one proxy: a title naming its kind (and, for a gateway proxy, its
 * MeshGateway and bound routes), then one line per place: what applied, and what lost to what.
 */
export function formatDataplanePolicies(body: Item): string {
  const mesh = text(at(body, 'dataplane', 'mesh'));
  const name = text(at(body, 'dataplane', 'name'));
  const lines = [`${text(body['kind'])} "${name}" in mesh "${mesh}"`];
  if (body['kind'] === 'MeshGatewayDataplane') {
    lines.push(`gateway: ${text(at(body, 'gateway', 'name'))}`);
    const routes = list(body['routes']).map((r) => `${text(at(r, 'name'))} (${list(at(r, 'listeners')).map(text).join(', ')})`);
    lines.push(`routes: ${routes.length > 0 ? routes.join(', ') : '-'}`);
  }
  const items = list(body['items']);
  if (items.length === 0) return `${lines.join('\n')}\nno connection policy applies to this proxy\n`;
  const rows = items.map((i) => [`${text(at(i, 'type'))} ${text(at(i, 'name'))}`, policyList(at(i, 'matchedPolicies')), policyList(at(i, 'lostPolicies'), (r) => ` (lost to ${text(at(r, 'winner'))})`)]);
  return `${lines.join('\n')}\n${formatRows(['PLACE', 'APPLIED', 'LOST'], rows)}`;
}

function shorten(s: string, width: number): string {
  const line = s.replace(/\s+/g, ' ');
  return line.length <= width ? line : `${line.slice(0, width - 3)}...`;
}
