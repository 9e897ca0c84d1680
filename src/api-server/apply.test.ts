import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import type { WriteOp } from '../core/store.js';
import type { ProblemBody } from './problem.js';
import { createRouter, type Router } from './router.js';

const MESH = 'type: Mesh\nname: prod\n';
const GATEWAY = `type: MeshGateway
mesh: prod
name: edge
selectors:
  - match:
      kuma.io/service: edge
conf:
  listeners:
    - port: 8080
      protocol: HTTP
`;
const BAD_GATEWAY = GATEWAY.replace('name: edge', 'name: bad').replace('port: 8080', 'port: 0');

/** POST /apply with a body in the given content type. */
function apply(router: Router, body: string, contentType = 'application/yaml') {
  return router({ method: 'POST', url: new URL('http://api.test/apply'), headers: { host: '127.0.0.1', 'content-type': contentType }, body, remoteAddress: '127.0.0.1' });
}

describe('POST /apply', () => {
  let store: MemoryStore;
  let router: Router;

  beforeEach(() => {
    store = new MemoryStore();
    router = createRouter({ store, logger: pino({ level: 'silent' }), isReady: () => true, version: '1' });
  });

  it("refuses, writing nothing, a batch that switches a Mesh's CA while mTLS stays on", async () => {
    const mesh = (backend: string) => `type: Mesh\nname: prod\nmtls:\n  enabledBackend: ${backend}\n  backends:\n  - name: ${backend}\n    type: builtin\n`;
    expect((await apply(router, mesh('ca-1'))).status).toBe(200);
    const before = await store.get({ kind: 'Mesh', mesh: 'prod', name: 'prod' });
    const res = await apply(router, `${GATEWAY}---\n${mesh('ca-2')}`);
    expect(res.status).toBe(400);
    expect((res.body as ProblemBody).invalid_parameters).toEqual([
      { field: 'items[1].mtls.enabledBackend', reason: 'Changing CA when mTLS is enabled is forbidden. Disable mTLS first and then change the CA' },
    ]);
    expect(await store.get({ kind: 'Mesh', mesh: 'prod', name: 'prod' })).toEqual(before);
    expect(await store.list('MeshGateway')).toEqual([]);
  });

  it('writes a mesh and the resources inside it in one commit, mesh first', async () => {
    const commits: (readonly WriteOp[])[] = [];
    const commit = store.commit.bind(store);
    store.commit = (ops) => {
      commits.push(ops);
      return commit(ops);
    };
    const res = await apply(router, `${GATEWAY}---\n${MESH}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      items: [
        { type: 'MeshGateway', mesh: 'prod', name: 'edge', result: 'created' },
        { type: 'Mesh', name: 'prod', result: 'created' },
      ],
    });
    expect(commits).toHaveLength(1);
    expect(commits[0]?.map((op) => (op.op === 'put' ? op.resource.kind : op.op))).toEqual(['Mesh', 'MeshGateway']);
  });

  it('reports unchanged and updated on a second apply', async () => {
    await apply(router, `${MESH}---\n${GATEWAY}`);
    const res = await apply(router, `${MESH}---\n${GATEWAY.replace('8080', '9090')}`);
    expect(res.body).toMatchObject({ items: [{ result: 'unchanged' }, { result: 'updated' }] });
  });

  it('stores nothing when one document is invalid, and prefixes causes with the document index', async () => {
    const res = await apply(router, `${MESH}---\n${GATEWAY}---\n${BAD_GATEWAY}`);
    expect(res.status).toBe(400);
    const causes = (res.body as ProblemBody).causes;
    expect(causes).toContainEqual({ field: 'items[2].conf.listeners[0].port', message: 'port must be in the range [1, 65535]' });
    expect(await store.list('Mesh')).toEqual([]);
    expect(await store.list('MeshGateway')).toEqual([]);
  });

  it('accepts a JSON {items} body and reports a missing mesh per document', async () => {
    const gateway = { type: 'MeshGateway', mesh: 'nowhere', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 80, protocol: 'HTTP' }] } };
    const res = await apply(router, JSON.stringify({ items: [{ type: 'Mesh', name: 'prod' }, gateway] }), 'application/json');
    expect(res.status).toBe(400);
    expect((res.body as ProblemBody).causes).toEqual([{ field: 'items[1].mesh', message: 'mesh not found' }]);
    expect(await store.list('Mesh')).toEqual([]);
  });

  it('answers 409 when the same resource appears twice', async () => {
    const res = await apply(router, `${MESH}---\n${MESH}`);
    expect(res.status).toBe(409);
    expect((res.body as ProblemBody).causes).toEqual([{ field: 'items[1].name', message: 'duplicate resource: same as items[0]' }]);
  });

  it('reports syntax errors per document and refuses empty or non-list bodies', async () => {
    const res = await apply(router, `${MESH}---\na: 1\na: 2\n`);
    expect(res.status).toBe(400);
    expect((res.body as ProblemBody).causes[0]?.field).toBe('items[1]');
    const empty = await apply(router, '---\n');
    expect((empty.body as ProblemBody).causes).toEqual([{ field: 'items', message: 'must have at least one element' }]);
    const notList = await apply(router, '{"items": 3}', 'application/json');
    expect(notList.status).toBe(400);
    expect((await apply(router, MESH, 'text/plain')).status).toBe(415);
  });
});
