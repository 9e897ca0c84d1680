// One row per limit of docs/limits.md (docs/robustness.md V1 style): a real REST API on loopback answers
// each over-limit body with its status, message and field path, and the store is unchanged.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../src/api-server/server.js';
import { MemoryStore } from '../../src/core/memory-store.js';
import { RESOURCE_KIND_NAMES } from '../../src/api/resource-kinds.js';

const route = (rules: number, header = 'x') =>
  JSON.stringify({
    type: 'MeshGatewayRoute',
    mesh: 'default',
    name: 'r',
    selectors: [{ match: { 'kuma.io/service': 'edge' } }],
    conf: { http: { rules: Array.from({ length: rules }, () => ({ matches: [{ headers: [{ name: header, value: 'v' }] }], backends: [{ destination: { 'kuma.io/service': 'b' } }] })) } },
  });

interface Row {
  readonly name: string;
  readonly method: 'PUT' | 'POST';
  readonly path: string;
  readonly contentType: string;
  readonly body: () => string;
  readonly status: number;
  readonly field: string;
  readonly reason: string | RegExp;
}

const ROWS: readonly Row[] = [
  { name: 'body over 5 MiB', method: 'PUT', path: '/meshes/big', contentType: 'application/json', body: () => `{"type":"Mesh","name":"big","x":"${'a'.repeat(5 * 1024 * 1024)}"}`, status: 413, field: '', reason: '' },
  { name: 'nesting over 64 levels', method: 'PUT', path: '/meshes/deep', contentType: 'application/json', body: () => '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000), status: 400, field: '', reason: 'nesting deeper than 64 levels at line 1, column 321' },
  { name: 'block nesting over 64 levels', method: 'POST', path: '/apply', contentType: 'application/yaml', body: () => Array.from({ length: 65 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'), status: 400, field: '', reason: 'nesting deeper than 64 levels at line 65, column 65' },
  { name: 'over 20,000 values', method: 'POST', path: '/apply', contentType: 'application/json', body: () => `{"items":[${'1,'.repeat(20_000)}1]}`, status: 400, field: '', reason: /^more than 20000 values \(list items and map entries\) at line 1, column \d+$/ },
  { name: 'over 1,000 documents', method: 'POST', path: '/apply', contentType: 'application/yaml', body: () => '---\ntype: Mesh\nname: m\n'.repeat(1001), status: 400, field: 'items', reason: 'must have at most 1000 documents' },
  { name: 'over 1,000 items in one apply', method: 'POST', path: '/apply', contentType: 'application/json', body: () => JSON.stringify({ items: Array.from({ length: 1001 }, (_, i) => ({ type: 'Mesh', name: `m${i}` })) }), status: 400, field: 'items', reason: 'must have at most 1000 elements' },
  { name: 'over 1,000 rules in a list field', method: 'POST', path: '/apply', contentType: 'application/json', body: () => `{"items":[${route(1001)}]}`, status: 400, field: 'items[0].conf.http.rules', reason: 'must have at most 1000 elements' },
  { name: 'string over 64 KiB', method: 'POST', path: '/apply', contentType: 'application/json', body: () => `{"items":[${route(1, 'h'.repeat(65_537))}]}`, status: 400, field: 'items[0].conf.http.rules[0].matches[0].headers[0].name', reason: 'must be at most 65536 characters' },
  { name: 'duplicate keys', method: 'PUT', path: '/meshes/dup', contentType: 'application/yaml', body: () => 'type: Mesh\nname: dup\nname: dup\n', status: 400, field: '', reason: 'invalid YAML: Map keys must be unique at line 3, column 1' },
  { name: 'over 1,000 anchors and aliases', method: 'PUT', path: '/meshes/anchors', contentType: 'application/yaml', body: () => `type: Mesh\nname: anchors\nx:\n${Array.from({ length: 1001 }, (_, i) => `  k${i}: &a${i} 1`).join('\n')}`, status: 400, field: '', reason: 'too many anchors and aliases: at most 1000 per document' },
  { name: 'aliases nesting past 64 levels', method: 'PUT', path: '/meshes/aliases', contentType: 'application/yaml', body: () => ['a0: &a0 [[[[[[[[[[1]]]]]]]]]]', ...Array.from({ length: 7 }, (_, i) => `a${i + 1}: &a${i + 1} [[[[[[[[[[*a${i}]]]]]]]]]]`)].join('\n'), status: 400, field: '', reason: 'nesting deeper than 64 levels once aliases are expanded' },
  { name: 'a billion laughs', method: 'PUT', path: '/meshes/lol', contentType: 'application/yaml', body: () => ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]', ...Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`)].join('\n'), status: 400, field: '', reason: /^invalid YAML: Excessive alias count/ },
];

describe('body limits of docs/limits.md over the REST API', () => {
  const store = new MemoryStore();
  let api: ApiServer;
  let port: number;
  let before: string;

  async function snapshot(): Promise<string> {
    const all = await Promise.all(RESOURCE_KIND_NAMES.map((kind) => store.list(kind)));
    return JSON.stringify(all);
  }

  beforeAll(async () => {
    api = createApiServer({ store, logger: pino({ level: 'silent' }), isReady: () => true });
    port = await api.listen(0, '127.0.0.1');
    await store.put({ kind: 'Mesh', mesh: 'default', name: 'default', spec: {} });
    before = await snapshot();
  });
  afterAll(() => api.close());

  it.each(ROWS)('$name: $status at "$field"', async (row) => {
    const res = await fetch(`http://127.0.0.1:${port}${row.path}`, { method: row.method, headers: { 'content-type': row.contentType }, body: row.body() });
    expect(res.status).toBe(row.status);
    const body = (await res.json()) as { detail: string; invalid_parameters: { field: string; reason: string }[] };
    if (row.status === 413) {
      expect(body.detail).toBe('request body exceeds 5242880 bytes');
    } else {
      const match = body.invalid_parameters.find((p) => p.field === row.field);
      expect(match, JSON.stringify(body.invalid_parameters.slice(0, 3))).toBeDefined();
      if (typeof row.reason === 'string') expect(match!.reason).toBe(row.reason);
      else expect(match!.reason).toMatch(row.reason);
    }
    expect(await snapshot()).toBe(before);
  });
});
