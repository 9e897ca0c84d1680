import { describe, expect, it } from 'vitest';
import {
  bool,
  bytes,
  double,
  enumeration,
  field,
  freeform,
  integer,
  listOf,
  mapOf,
  object,
  port,
  text,
  uint32,
} from '../api/schema.js';
import { INTEGER_STRING_PATTERN, openApiSchema, sortKeysDeep } from './openapi-schema.js';

const KUBERNETES = { snakeCase: false } as const;
const INT_OR_STRING = { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true };

/** The generated schema of one field named `f`. */
function fieldOf(schema: ReturnType<typeof object>, name = 'f') {
  return openApiSchema(schema).properties?.[name];
}

describe('openApiSchema', () => {
  it('types scalars, with every string cap, leaving bytes without a format', () => {
    const s = object('S.', {
      a: field(text(), 'A.'),
      b: field(text(63), 'B.'),
      c: field(bytes(10), 'C.'),
      d: field(double(), 'D.'),
      e: field(bool(), 'E.'),
    });
    expect(openApiSchema(s).properties).toEqual({
      a: { description: 'A.', maxLength: 65_536, type: 'string' },
      b: { description: 'B.', maxLength: 63, type: 'string' },
      c: { description: 'C.', type: 'string' },
      d: { description: 'D.', type: 'number' },
      e: { description: 'E.', type: 'boolean' },
    });
  });

  it('makes protobuf integers int-or-string, as protojson accepts "80", with their bounds', () => {
    expect(fieldOf(object('S.', { f: field(uint32(), 'W.') }))).toEqual({
      ...INT_OR_STRING,
      description: 'W.',
      maximum: 4_294_967_295,
      minimum: 0,
      pattern: INTEGER_STRING_PATTERN,
    });
    expect(fieldOf(object('S.', { f: field(port(), 'P.') }))).toMatchObject({ minimum: 0, pattern: INTEGER_STRING_PATTERN });
    expect(fieldOf(object('S.', { f: field(integer('int32'), 'I.') }))).not.toHaveProperty('minimum');
  });

  it('types the integers of Kubernetes shapes, with their format', () => {
    const s = object('S.', { f: field(integer('int32', { minimum: 1 }), 'R.', { default: 1 }) }, KUBERNETES);
    expect(fieldOf(s)).toEqual({ default: 1, description: 'R.', format: 'int32', minimum: 1, type: 'integer' });
  });

  it('lists enum names and numbers for protobuf enums, names only for Kubernetes ones', () => {
    const values = enumeration({ NONE: 0, TCP: 1, HTTP: 4 });
    expect(fieldOf(object('S.', { f: field(values, 'E.') }))).toEqual({
      ...INT_OR_STRING,
      description: 'E.',
      enum: ['NONE', 'TCP', 'HTTP', 0, 1, 4],
    });
    expect(fieldOf(object('S.', { f: field(values, 'E.') }, KUBERNETES))).toEqual({ description: 'E.', enum: ['NONE', 'TCP', 'HTTP'], type: 'string' });
  });

  it('offers every spelling of a protobuf field and requires only single-spelling fields', () => {
    const s = object('S.', {
      queryParameters: field(listOf(text()), 'Q.', { aliases: ['qp'], required: true }),
      name: field(text(), 'N.', { required: true }),
    });
    const out = openApiSchema(s);
    expect(Object.keys(out.properties ?? {})).toEqual(['name', 'qp', 'queryParameters', 'query_parameters']);
    expect(out.properties?.['query_parameters']?.description).toBe('Same as queryParameters: Q.');
    expect(out.required).toEqual(['name']);
  });

  it('keeps the single spelling of Kubernetes shapes', () => {
    const s = object('S.', { loadBalancerIP: field(text(), 'L.') }, KUBERNETES);
    expect(Object.keys(openApiSchema(s).properties ?? {})).toEqual(['loadBalancerIP']);
  });

  it('emits scalar defaults of Kubernetes shapes only', () => {
    const fields = {
      kind: field(enumeration({ A: 0, B: 1 }), 'K.', { default: 'B' }),
      tags: field(mapOf(), 'T.', { default: {} }),
      list: field(listOf(text()), 'L.', { default: [] }),
    };
    const kube = openApiSchema(object('S.', fields, KUBERNETES)).properties ?? {};
    expect(kube['kind']?.default).toBe('B');
    expect(kube['tags']).not.toHaveProperty('default');
    expect(kube['list']).not.toHaveProperty('default');
    expect(openApiSchema(object('S.', fields)).properties?.['kind']).not.toHaveProperty('default');
  });

  it('maps maps, lists, free-form data and nested objects structurally', () => {
    const inner = object('Inner.', { x: field(bool(), 'X.') });
    const s = object('S.', {
      tags: field(mapOf(text(), 5), 'T.'),
      items: field(listOf(inner, 7), 'I.'),
      conf: field(freeform(), 'C.'),
    });
    expect(openApiSchema(s).properties).toEqual({
      conf: { description: 'C.', type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      items: {
        description: 'I.',
        items: { description: 'Inner.', properties: { x: { description: 'X.', type: 'boolean' } }, type: 'object' },
        maxItems: 7,
        type: 'array',
      },
      tags: { additionalProperties: { maxLength: 65_536, type: 'string' }, description: 'T.', maxProperties: 5, type: 'object' },
    });
  });

  it('applies replacements and list-map keys by schema node identity', () => {
    const special = freeform();
    const item = object('Item.', { type: field(text(), 'T.', { required: true }) }, KUBERNETES);
    const s = object('S.', { r: field(special, 'R.'), c: field(listOf(item), 'C.') }, KUBERNETES);
    const out = openApiSchema(s, {
      replacements: new Map([[special, { type: 'object', properties: { z: { type: 'string' }, a: { type: 'string' } } }]]),
      listMapKeys: new Map([[item, ['type']]]),
    });
    expect(out.properties?.['r']).toEqual({ description: 'R.', properties: { a: { type: 'string' }, z: { type: 'string' } }, type: 'object' });
    expect(Object.keys(out.properties?.['r']?.properties ?? {})).toEqual(['a', 'z']);
    expect(out.properties?.['c']).toMatchObject({ 'x-kubernetes-list-map-keys': ['type'], 'x-kubernetes-list-type': 'map' });
  });

  it('sorts keys deeply and keeps array order', () => {
    expect(JSON.stringify(sortKeysDeep({ b: [{ d: 1, c: 2 }, 3], a: null }))).toBe('{"a":null,"b":[{"c":2,"d":1},3]}');
  });
});
