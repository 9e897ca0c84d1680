// Generators of hostile request bodies for the wire fuzz test (docs/robustness.md V3). fast-check draws a
// small descriptor per case; the body itself is built only when the case is sent, so 10,000
// cases, some of them megabytes long, never sit in memory together.
import fc from 'fast-check';

/** Where a case is sent. */
export type Target = 'mesh' | 'gateway' | 'route' | 'dataplane' | 'apply' | 'bootstrap' | 'bootstrap-inline';

/** One generated case: what to send, built lazily by `bodyOf`. */
export interface HostileCase {
  readonly target: Target;
  readonly contentType: string | undefined;
  readonly shape: Shape;
  /** Send fewer bytes than Content-Length declares, then close (no response is expected). */
  readonly truncateWire: boolean;
}

/** The kinds of hostile body, with their parameters. */
export type Shape =
  | { readonly kind: 'deep-json'; readonly depth: number; readonly arrays: boolean }
  | { readonly kind: 'deep-block-yaml'; readonly depth: number }
  | { readonly kind: 'deep-compact-yaml'; readonly depth: number }
  | { readonly kind: 'unclosed-flow'; readonly depth: number }
  | { readonly kind: 'wide-array'; readonly items: number }
  | { readonly kind: 'wide-map'; readonly keys: number; readonly duplicate: boolean; readonly block: boolean }
  | { readonly kind: 'huge-string'; readonly length: number }
  | { readonly kind: 'billion-laughs'; readonly levels: number; readonly fanOut: number }
  | { readonly kind: 'anchors'; readonly count: number }
  | { readonly kind: 'alias-chain'; readonly links: number; readonly depth: number }
  | { readonly kind: 'unicode'; readonly text: string }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array; readonly prefix: boolean }
  | { readonly kind: 'duplicate-keys'; readonly key: string }
  | { readonly kind: 'number'; readonly literal: string }
  | { readonly kind: 'documents'; readonly count: number }
  | { readonly kind: 'truncated'; readonly cut: number }
  | { readonly kind: 'json-value'; readonly value: unknown }
  | { readonly kind: 'valid'; readonly index: number };

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/yaml',
  'application/yaml',
  undefined,
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/merge-patch+json',
  'text/x-yaml',
];

const NUMBER_LITERALS = ['1e400', '-1', '18446744073709551616', '80.5', '"80a"', '-0', '1e-400', '0x50', '.inf', 'NaN', '9007199254740993', '65536'];

const shape: fc.Arbitrary<Shape> = fc.oneof(
  fc.record({ kind: fc.constant('deep-json' as const), depth: fc.oneof(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 80, max: 30_000 })), arrays: fc.boolean() }),
  fc.record({ kind: fc.constant('deep-block-yaml' as const), depth: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('deep-compact-yaml' as const), depth: fc.integer({ min: 1, max: 20_000 }) }),
  fc.record({ kind: fc.constant('unclosed-flow' as const), depth: fc.integer({ min: 1, max: 100_000 }) }),
  fc.record({ kind: fc.constant('wide-array' as const), items: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 1_000 }), weight: 8 }, { arbitrary: fc.integer({ min: 19_990, max: 120_000 }), weight: 1 }) }),
  fc.record({ kind: fc.constant('wide-map' as const), keys: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 500 }), weight: 8 }, { arbitrary: fc.integer({ min: 19_990, max: 110_000 }), weight: 1 }), duplicate: fc.boolean(), block: fc.boolean() }),
  fc.record({ kind: fc.constant('huge-string' as const), length: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 100_000 }), weight: 20 }, { arbitrary: fc.integer({ min: 5 * 1024 * 1024, max: 7 * 1024 * 1024 }), weight: 1 }) }),
  fc.record({ kind: fc.constant('billion-laughs' as const), levels: fc.integer({ min: 1, max: 12 }), fanOut: fc.integer({ min: 2, max: 12 }) }),
  fc.record({ kind: fc.constant('anchors' as const), count: fc.integer({ min: 1, max: 1_200 }) }),
  fc.record({ kind: fc.constant('alias-chain' as const), links: fc.integer({ min: 1, max: 50 }), depth: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('unicode' as const), text: fc.string({ unit: 'binary', maxLength: 200 }) }),
  fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 4_096 }), prefix: fc.boolean() }),
  fc.record({ kind: fc.constant('duplicate-keys' as const), key: fc.constantFrom('name', 'type', 'mesh', 'conf', 'networking', '"name"', 'name ') }),
  fc.record({ kind: fc.constant('number' as const), literal: fc.constantFrom(...NUMBER_LITERALS) }),
  fc.record({ kind: fc.constant('documents' as const), count: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 20 }), weight: 4 }, { arbitrary: fc.integer({ min: 990, max: 5_000 }), weight: 1 }) }),
  fc.record({ kind: fc.constant('truncated' as const), cut: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('json-value' as const), value: fc.jsonValue({ maxDepth: 6 }) }),
  fc.record({ kind: fc.constant('valid' as const), index: fc.integer({ min: 0, max: 50 }) }),
);

/** The case generator. */
export const hostileCase: fc.Arbitrary<HostileCase> = fc.record({
  target: fc.constantFrom<Target>('mesh', 'gateway', 'route', 'dataplane', 'apply', 'apply', 'bootstrap', 'bootstrap-inline'),
  contentType: fc.constantFrom(...CONTENT_TYPES),
  shape,
  truncateWire: fc.oneof({ arbitrary: fc.constant(false), weight: 40 }, { arbitrary: fc.constant(true), weight: 1 }),
});

/** A resource of the target's kind, valid unless the shape spoils it. */
function resource(target: Target, index: number): Record<string, unknown> {
  switch (target) {
    case 'gateway':
      return { type: 'MeshGateway', mesh: 'default', name: `g${index}`, selectors: [{ match: { 'kuma.io/service': `edge-${index}` } }], conf: { listeners: [{ port: 8080 + index, protocol: 'HTTP' }] } };
    case 'route':
      return {
        type: 'MeshGatewayRoute',
        mesh: 'default',
        name: `r${index}`,
        selectors: [{ match: { 'kuma.io/service': 'edge-0' } }],
        conf: { http: { rules: [{ matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: [{ destination: { 'kuma.io/service': 'backend' } }] }] } },
      };
    case 'dataplane':
    case 'bootstrap':
    case 'bootstrap-inline':
      return { type: 'Dataplane', mesh: 'default', name: `d${index}`, networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': `edge-${index}` } } } };
    default:
      return { type: 'Mesh', name: `m${index}` };
  }
}

/** The hostile text (or bytes) of a shape, shaped for the target where it matters. */
function payload(target: Target, s: Shape): string | Buffer {
  switch (s.kind) {
    case 'deep-json':
      return s.arrays ? '['.repeat(s.depth) + ']'.repeat(s.depth) : '{"a":'.repeat(s.depth) + '1' + '}'.repeat(s.depth);
    case 'deep-block-yaml':
      return Array.from({ length: s.depth }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n';
    case 'deep-compact-yaml':
      return `${'- '.repeat(s.depth)}x\n`;
    case 'unclosed-flow':
      return '[{'.repeat(s.depth);
    case 'wide-array':
      return `{"type":"Mesh","name":"m0","items":[${'1,'.repeat(s.items)}1]}`;
    case 'wide-map': {
      const keys = Array.from({ length: s.keys }, (_, i) => `k${i}`);
      if (s.duplicate) keys.push('k0');
      return s.block ? keys.map((k) => `${k}: 1`).join('\n') : `{${keys.map((k) => `"${k}":1`).join(',')}}`;
    }
    case 'huge-string':
      return JSON.stringify({ ...resource(target, 0), name: 'x'.repeat(s.length) });
    case 'billion-laughs': {
      const lines = [`l0: &l0 [${Array(s.fanOut).fill('"lol"').join(', ')}]`];
      for (let i = 1; i <= s.levels; i++) lines.push(`l${i}: &l${i} [${Array(s.fanOut).fill(`*l${i - 1}`).join(', ')}]`);
      return lines.join('\n');
    }
    case 'anchors':
      return Array.from({ length: s.count }, (_, i) => `k${i}: &a${i} [*a${Math.max(0, i - 1)}]`).join('\n').replace('[*a0]', '1');
    case 'alias-chain': {
      const open = '['.repeat(s.depth);
      const close = ']'.repeat(s.depth);
      const lines = [`a0: &a0 ${open}1${close}`];
      for (let i = 1; i <= s.links; i++) lines.push(`a${i}: &a${i} ${open}*a${i - 1}${close}`);
      return lines.join('\n');
    }
    case 'unicode':
      return JSON.stringify({ ...resource(target, 0), name: s.text, labels: { [s.text]: s.text } });
    case 'bytes':
      return Buffer.concat([Buffer.from(s.prefix ? '{"type":"Mesh","name":"' : ''), Buffer.from(s.bytes)]);
    case 'duplicate-keys': {
      const text = JSON.stringify(resource(target, 0));
      return `{"${s.key.replace(/"/g, '')}":"dup",${text.slice(1)}`;
    }
    case 'number':
      return JSON.stringify(resource(target === 'mesh' ? 'gateway' : target, 0)).replace('"port":8080', `"port":${s.literal}`).replace('"name":"', `"weight":${s.literal},"name":"`);
    case 'documents':
      return Array.from({ length: s.count }, (_, i) => `---\n${JSON.stringify(resource(target, i % 50))}`).join('\n');
    case 'truncated': {
      const text = JSON.stringify(resource(target, 0));
      return text.slice(0, Math.floor(text.length * s.cut));
    }
    case 'json-value':
      return JSON.stringify(s.value) ?? 'null';
    case 'valid':
      return JSON.stringify(resource(target, s.index));
  }
}

/** The request of a case: method, path, port kind and body bytes. */
export function requestOf(c: HostileCase): { method: string; path: string; port: 'api' | 'xds'; body: Buffer } {
  const raw = payload(c.target, c.shape);
  const text = (): string => (typeof raw === 'string' ? raw : raw.toString('latin1'));
  const body = (s: string | Buffer): Buffer => (typeof s === 'string' ? Buffer.from(s) : s);
  const index = c.shape.kind === 'valid' ? c.shape.index : 0;
  switch (c.target) {
    case 'mesh':
      return { method: 'PUT', path: `/meshes/m${index}`, port: 'api', body: body(raw) };
    case 'gateway':
      return { method: 'PUT', path: `/meshes/default/meshgateways/g${index}`, port: 'api', body: body(raw) };
    case 'route':
      return { method: 'PUT', path: `/meshes/default/meshgatewayroutes/r${index}`, port: 'api', body: body(raw) };
    case 'dataplane':
      return { method: 'PUT', path: `/meshes/default/dataplanes/d${index}`, port: 'api', body: body(raw) };
    case 'apply':
      return { method: 'POST', path: '/apply', port: 'api', body: body(raw) };
    case 'bootstrap':
      return { method: 'POST', path: '/bootstrap', port: 'xds', body: body(raw) };
    case 'bootstrap-inline':
      return { method: 'POST', path: '/bootstrap', port: 'xds', body: Buffer.from(JSON.stringify({ mesh: 'default', name: `d${index}`, dataplaneResource: text() })) };
  }
}
