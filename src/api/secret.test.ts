// The Secret kind in its universal and Kubernetes forms, and base64 as protojson reads it.
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from './base64.js';
import { parseResourceDocument, type ParsedResource } from './resource-document.js';
import { MAX_SECRET_BYTES } from './secret.js';
import type { Violation } from './violation.js';

const DATA = Buffer.from('-----BEGIN CERTIFICATE-----\n...\n').toString('base64');

function parsed(doc: unknown): ParsedResource {
  const r = parseResourceDocument(doc);
  if (!r.ok) throw new Error(`unexpected violations: ${JSON.stringify(r.violations)}`);
  return r.value;
}

function violationsOf(doc: unknown): readonly Violation[] {
  const r = parseResourceDocument(doc);
  return r.ok ? [] : r.violations;
}

const universal = (extra: Record<string, unknown> = {}) => ({ type: 'Secret', mesh: 'default', name: 'tls', data: DATA, ...extra });
const kubernetes = (extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'system.kuma.io/secret',
  metadata: { name: 'tls', namespace: 'kuma-system', labels: { 'kuma.io/mesh': 'default' } },
  data: { value: DATA },
  ...extra,
});

describe('Secret documents', () => {
  it('parses the universal form', () => {
    expect(parsed(universal({ labels: { team: 'a' } }))).toEqual({ kind: 'Secret', mesh: 'default', name: 'tls', labels: { team: 'a' }, spec: { data: DATA } });
  });

  it('parses the Kubernetes form to the same resource', () => {
    expect(parsed(kubernetes())).toEqual({ ...parsed(universal()), labels: { 'kuma.io/mesh': 'default' } });
  });

  it('takes mesh "default" for a Kubernetes Secret without the mesh label', () => {
    expect(parsed(kubernetes({ metadata: { name: 'tls' } })).mesh).toBe('default');
  });

  it('normalises base64 so equal bytes store equal', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xfe, 0x01]);
    for (const spelling of [bytes.toString('base64url'), bytes.toString('base64').replace(/=+$/, ''), '+//+\nAQ==']) {
      const r = parsed(universal({ data: spelling }));
      expect(r.kind === 'Secret' && r.spec.data).toBe(bytes.toString('base64'));
    }
  });

  it.each<[string, unknown, Violation[]]>([
    ['universal without data', universal({ data: undefined }), [{ field: 'data', message: 'cannot be empty' }]],
    ['universal with empty data', universal({ data: '' }), [{ field: 'data', message: 'cannot be empty' }]],
    ['universal data that is not base64', universal({ data: 'not base64!' }), [{ field: 'data', message: 'must be valid base64' }]],
    ['universal data that is not a string', universal({ data: 7 }), [{ field: 'data', message: 'must be a base64 string' }]],
    ['universal without mesh', universal({ mesh: undefined }), [{ field: 'mesh', message: 'cannot be empty' }]],
    ['universal unknown field', universal({ value: DATA }), [{ field: 'value', message: 'unknown field "value"' }]],
    [
      'data over the size limit',
      universal({ data: Buffer.alloc(MAX_SECRET_BYTES + 1).toString('base64') }),
      [{ field: 'data', message: `must be at most ${MAX_SECRET_BYTES} bytes once decoded` }],
    ],
    ['Kubernetes without data.value', kubernetes({ data: {} }), [{ field: 'data.value', message: 'cannot be empty' }]],
    ['Kubernetes data.value that is not base64', kubernetes({ data: { value: '@@' } }), [{ field: 'data.value', message: 'must be valid base64' }]],
    ['Kubernetes data with another key', kubernetes({ data: { value: DATA, cert: DATA } }), [{ field: 'data["cert"]', message: 'unknown key "cert"; Kuma reads only "value"' }]],
    ['Kubernetes data that is not an object', kubernetes({ data: 'x' }), [{ field: 'data', message: 'must be an object' }]],
    ['Kubernetes Secret of another type', kubernetes({ type: 'Opaque' }), [{ field: 'type', message: 'must be "system.kuma.io/secret" or "system.kuma.io/global-secret"' }]],
    ['Kubernetes Secret with the Kuma apiVersion', kubernetes({ apiVersion: 'kuma.io/v1alpha1' }), [{ field: 'apiVersion', message: 'must be "v1"' }]],
    ['Kubernetes Secret with a spec', kubernetes({ spec: {} }), [{ field: 'spec', message: 'unknown field "spec"' }]],
    ['Kubernetes Secret without name', kubernetes({ metadata: {} }), [{ field: 'metadata.name', message: 'cannot be empty' }]],
  ])('reports %s', (_name, doc, expected) => {
    expect(violationsOf(doc)).toEqual(expected);
  });

  it('never quotes the data in a violation', () => {
    const canary = 'Y2FuYXJ5LXNlY3JldA@'; // base64 of "canary-secret", broken by one character
    const text = JSON.stringify([violationsOf(universal({ data: canary })), violationsOf(kubernetes({ data: { value: canary } }))]);
    expect(text).toContain('must be valid base64');
    expect(text).not.toContain('Y2FuYXJ5');
  });
});

describe('decodeBase64', () => {
  it.each<[string, string, string | undefined]>([
    ['standard', 'aGn//vu/', 'hi\xff\xfe\xfb\xbf'],
    ['standard padded', 'aGk=', 'hi'],
    ['standard unpadded', 'aGk', 'hi'],
    ['URL-safe', 'aGn__vu_', 'hi\xff\xfe\xfb\xbf'],
    ['line breaks', 'aG\r\nk=', 'hi'],
    ['mixed alphabets', 'aGn/_vu/', undefined],
    ['a lone leftover character', 'aGkhY', undefined],
    ['padding in the middle', 'aG=k', undefined],
    ['padding on an unaligned length', 'aGk==', undefined],
    ['spaces', 'aG k=', undefined],
  ])('%s', (_name, text, expected) => {
    expect(decodeBase64(text)?.toString('latin1')).toBe(expected);
  });
});

describe('GlobalSecret documents', () => {
  const globalUniversal = (extra: Record<string, unknown> = {}) => ({ type: 'GlobalSecret', name: 'signing-key-1', data: DATA, ...extra });

  it('parses the universal form with no mesh, keyed with mesh = name', () => {
    expect(parsed(globalUniversal())).toEqual({ kind: 'GlobalSecret', mesh: 'signing-key-1', name: 'signing-key-1', labels: {}, spec: { data: DATA } });
  });

  it('refuses a mesh field: a GlobalSecret lives outside every mesh', () => {
    expect(violationsOf(globalUniversal({ mesh: 'default' }))).toEqual([{ field: 'mesh', message: 'unknown field "mesh"' }]);
  });

  it('reads a v1 Secret of type system.kuma.io/global-secret as a GlobalSecret, ignoring mesh labels', () => {
    const doc = kubernetes({ type: 'system.kuma.io/global-secret', metadata: { name: 'signing-key-1', namespace: 'kuma-system' } });
    expect(parsed(doc)).toEqual({ ...parsed(globalUniversal()), labels: {} });
  });

  it('refuses a kuma.io GlobalSecret object: on Kubernetes it is a v1 Secret', () => {
    const doc = { apiVersion: 'kuma.io/v1alpha1', kind: 'GlobalSecret', metadata: { name: 'x' }, spec: { data: DATA } };
    expect(violationsOf(doc)).toContainEqual({ field: 'kind', message: 'on Kubernetes a GlobalSecret is a v1 Secret of type "system.kuma.io/global-secret"' });
  });
});
