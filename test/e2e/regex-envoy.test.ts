// Loads every row of the regex table (test/support/re2-table.ts) into the real Envoy in
// `--mode validate` and checks Envoy's verdict and reason are the table's, so the table, and with
// it Portico's validator (src/api/regex.test.ts), agree with Envoy itself. The runtime is the
// static layer of Portico's gateway bootstrap, as on a real gateway. Validation stops at the first
// bad regex, so accepted rows share one run and each refused row gets its own, a few at a time.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findEnvoyBinary } from '../../src/xds/envoy/envoy-binary.js';
import { buildBootstrap } from '../../src/xds/server/bootstrap.js';
import { validateRegex } from '../../src/api/regex.js';
import { RE2_ACCEPTED, RE2_REFUSED } from '../support/re2-table.js';

const ENVOY = findEnvoyBinary();
const dir = mkdtempSync(path.join(tmpdir(), 'portico-regex-envoy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The static runtime layers of a gateway bootstrap (the RTDS layer needs a control plane). */
function gatewayStaticLayers(): object[] {
  const bootstrap = buildBootstrap({ nodeId: 'default.gw', service: 'gw', isGateway: true, xdsHost: '127.0.0.1', xdsPort: 1, apiType: 'GRPC', metadata: {} });
  const layers = (bootstrap.layered_runtime as { layers: Record<string, unknown>[] }).layers;
  return layers.filter((l) => l.static_layer !== undefined);
}

/** A static bootstrap with one route per regex; `layers` undefined leaves Envoy's defaults. */
function bootstrapWith(regexes: readonly string[], layers: object[] | undefined): object {
  const routes = regexes.map((regex) => ({ match: { safe_regex: { regex } }, direct_response: { status: 200 } }));
  const hcm = {
    '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    stat_prefix: 'regex',
    route_config: { virtual_hosts: [{ name: 'all', domains: ['*'], routes }] },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
  };
  const listener = { name: 'l', address: { socket_address: { address: '127.0.0.1', port_value: 10000 } }, filter_chains: [{ filters: [{ name: 'hcm', typed_config: hcm }] }] };
  return { ...(layers ? { layered_runtime: { layers } } : {}), static_resources: { listeners: [listener] } };
}

let runs = 0;
/** Envoy's verdict on a bootstrap: null when valid, else the reason after the file name. */
function validate(bootstrap: object): Promise<string | null> {
  if (!ENVOY) throw new Error('no Envoy binary found: run envoy/install.sh (or set ENVOY_BIN to an Envoy 1.40 binary)');
  const file = path.join(dir, `${runs++}.json`);
  writeFileSync(file, JSON.stringify(bootstrap));
  return new Promise((resolve, reject) => {
    const options = { timeout: 240_000, maxBuffer: 64 * 1024 * 1024 };
    execFile(ENVOY, ['--mode', 'validate', '-c', file, '--log-level', 'critical'], options, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (!err && /configuration '.*' OK/.test(output)) return resolve(null);
      const reason = /error initializing configuration '[^']*': (.*)/.exec(output);
      return reason ? resolve(reason[1]!.trim()) : reject(new Error(`unexpected Envoy output: ${output.slice(0, 500)}`, { cause: err }));
    });
  });
}

/** `fn` over `items`, `width` at a time: Envoy validation takes a fraction of a second each. */
async function inBatches<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let k = 0; k < items.length; k += width) out.push(...(await Promise.all(items.slice(k, k + width).map(fn))));
  return out;
}

describe('the regex table agrees with the real Envoy', () => {
  const layers = gatewayStaticLayers();

  it('runs with the gateway bootstrap static layer, which lifts the RE2 program size limit', () => {
    expect(layers).toEqual([{ name: 'kuma', static_layer: { 're2.max_program_size.error_level': 4294967295, 're2.max_program_size.warn_level': 1000 } }]);
  });

  it('Envoy accepts every accepted row', async () => {
    expect(await validate(bootstrapWith(RE2_ACCEPTED.map(([p]) => p), layers))).toBeNull();
  }, 60_000);

  it('Envoy refuses every refused row, with the table reason', async () => {
    const reasons = await inBatches(RE2_REFUSED, 4, ([p]) => validate(bootstrapWith([p], layers)));
    expect(reasons).toEqual(RE2_REFUSED.map(([, e]) => e));
  }, 120_000);

  it('agrees with Envoy on the compile budget at its boundary', async () => {
    // Literal runs and counted literals, where Portico's bound is RE2's own count.
    const cases: [string, number][] = [
      ['a', 698_992],
      ['(?:a{1000})', 698],
    ];
    const runs = cases.flatMap(([unit, n]): [string, string | null][] => [
      [unit.repeat(n), null],
      [unit.repeat(n + 1), 'pattern too large - compile failed'],
    ]);
    for (const [pattern, reason] of runs) expect(validateRegex(pattern, 'x').length === 0).toBe(reason === null);
    const reasons = await inBatches(runs, 2, ([p]) => validate(bootstrapWith([p], layers)));
    expect(reasons).toEqual(runs.map(([, reason]) => reason));
  }, 300_000);

  it('refuses a regex above the program size limit only where Envoy keeps its default of 100', async () => {
    // a{96} compiles to 100 instructions and a{97} to 101; the gateway layer accepts both.
    expect(await validate(bootstrapWith(['a{96}'], undefined))).toBeNull();
    expect(await validate(bootstrapWith(['a{97}'], undefined))).toBe(
      "regex 'a{97}' RE2 program size of 101 > max program size of 100 set for the error level threshold. Increase configured max program size if necessary.",
    );
    expect(await validate(bootstrapWith(['a{97}'], layers))).toBeNull();
  }, 60_000);
});
