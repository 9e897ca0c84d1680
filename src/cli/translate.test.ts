import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CliIo } from './output.js';
import { translateCommand } from './translate.js';

const MESH = 'examples/universal/mesh.yaml';
const GATEWAY_DP = 'examples/universal/gateway-dataplane.yaml';
const EDGE = ['--dataplane', 'default/edge-gateway-1'];

/** Run `translate` with `args`, capturing output; commander usage errors give their exit code. */
async function run(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let code = -1;
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: () => Promise.resolve(stdin),
    now: () => new Date(0),
  };
  const command = translateCommand(io, (c) => (code = c))
    .exitOverride()
    .configureOutput({ writeOut: (t) => void (stdout += t), writeErr: (t) => void (stderr += t) });
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    code = err.exitCode;
  }
  return { code, stdout, stderr };
}

interface Dump {
  clusters: { name: string }[];
  endpoints: { cluster_name: string; endpoints: { lb_endpoints: { endpoint: { address: { socket_address: { port_value: number } } } }[] }[] }[];
  listeners: { name: string; address: unknown }[];
  routes: { name: string; virtual_hosts: { name: string; domains: string[] }[] }[];
  runtimes: { name: string }[];
  secrets: { name: string; tls_certificate: { private_key: { inline_string: string } } }[];
}

describe('portico translate', () => {
  let dir: string;
  let pem: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'portico-translate-'));
    pem = await readFile('src/gateway/testdata/pem/example-rsa.pem', 'utf8');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Write a file in the temporary directory and return its path. */
  async function file(name: string, text: string): Promise<string> {
    const p = path.join(dir, name);
    await writeFile(p, text);
    return p;
  }

  it("prints a sidecar's resources: its inbound listener and local cluster (docs/mesh-mtls.md §4)", async () => {
    const { code, stdout, stderr } = await run(['-f', MESH, '--dataplane', 'default/echo-a']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const dump = parse(stdout) as Dump;
    expect(dump.listeners.map((l) => l.name)).toEqual(['inbound:127.0.0.1:8081']);
    expect(dump.clusters.map((c) => c.name)).toEqual(['localhost:8081']);
  });

  it('prints the example gateway dataplane\'s resources grouped by type', async () => {
    const { code, stdout, stderr } = await run(['-f', MESH, GATEWAY_DP, ...EDGE]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const dump = parse(stdout) as Dump;
    expect(Object.keys(dump)).toEqual(['clusters', 'endpoints', 'listeners', 'routes', 'runtimes', 'secrets']);
    expect(dump.listeners.map((l) => l.name)).toEqual(['edge:HTTP:8080']);
    expect(dump.listeners[0]?.address).toEqual({ socket_address: { address: '127.0.0.1', port_value: 8080 } });
    expect(dump.routes.map((r) => r.name)).toEqual(['edge:HTTP:8080:*']);
    expect(dump.routes[0]?.virtual_hosts.map((v) => v.name).sort()).toEqual(['*', 'api.example.com', 'shop.example.com']);
    const clusters = dump.clusters.map((c) => c.name);
    expect(clusters).toHaveLength(2);
    for (const name of clusters) expect(name).toMatch(/^echo-/);
    expect(dump.endpoints.map((e) => e.cluster_name)).toEqual(clusters);
    const ports = dump.endpoints.flatMap((e) => e.endpoints.flatMap((l) => l.lb_endpoints.map((b) => b.endpoint.address.socket_address.port_value)));
    expect(ports.sort()).toEqual([8081, 8082]);
    expect(dump.runtimes.map((r) => r.name)).toEqual(['gateway.listeners']);
    expect(dump.secrets).toEqual([]);
  });

  it('prints identical bytes on every run, whatever the file order', async () => {
    const first = await run(['-f', MESH, GATEWAY_DP, ...EDGE]);
    const second = await run(['-f', MESH, GATEWAY_DP, ...EDGE]);
    const swapped = await run(['-f', GATEWAY_DP, '-f', MESH, ...EDGE]);
    expect(second.stdout).toBe(first.stdout);
    expect(swapped.stdout).toBe(first.stdout);
  });

  it('prints the same content as JSON with -o json', async () => {
    const yaml = await run(['-f', MESH, GATEWAY_DP, ...EDGE]);
    const json = await run(['-f', MESH, GATEWAY_DP, ...EDGE, '-o', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(parse(yaml.stdout));
    expect((await run(['-f', MESH, GATEWAY_DP, ...EDGE, '-o', 'json'])).stdout).toBe(json.stdout);
  });

  it('reads the Kubernetes form, and stdin for -', async () => {
    const universal = `type: Mesh
name: default
---
type: MeshGateway
mesh: default
name: edge
selectors: [{match: {kuma.io/service: edge}}]
conf: {listeners: [{port: 8080, protocol: HTTP}]}
---
type: Dataplane
mesh: default
name: edge-1
networking: {address: 10.0.0.7, gateway: {type: BUILTIN, tags: {kuma.io/service: edge}}}
`;
    const kubernetes = `apiVersion: kuma.io/v1alpha1
kind: Mesh
metadata: {name: default}
---
apiVersion: kuma.io/v1alpha1
kind: MeshGateway
mesh: default
metadata: {name: edge}
spec:
  selectors: [{match: {kuma.io/service: edge}}]
  conf: {listeners: [{port: 8080, protocol: HTTP}]}
---
apiVersion: kuma.io/v1alpha1
kind: Dataplane
mesh: default
metadata: {name: edge-1}
spec:
  networking: {address: 10.0.0.7, gateway: {type: BUILTIN, tags: {kuma.io/service: edge}}}
`;
    const fromUniversal = await run(['-f', await file('universal.yaml', universal), '--dataplane', 'default/edge-1']);
    const fromKubernetes = await run(['-f', '-', '--dataplane', 'default/edge-1'], kubernetes);
    expect(fromUniversal.code).toBe(0);
    expect((parse(fromUniversal.stdout) as Dump).listeners.map((l) => l.name)).toEqual(['edge:HTTP:8080']);
    expect(fromKubernetes).toEqual(fromUniversal);
  });

  describe('HTTPS with certificates', () => {
    const gateway = (source: string): string => `type: Mesh
name: default
---
type: Dataplane
mesh: default
name: edge-1
networking: {address: 10.0.0.1, gateway: {type: BUILTIN, tags: {kuma.io/service: edge}}}
---
type: MeshGateway
mesh: default
name: edge
selectors: [{match: {kuma.io/service: edge}}]
conf:
  listeners:
  - {port: 443, protocol: HTTPS, hostname: example.com, tls: {mode: TERMINATE, certificates: [${source}]}}
`;
    const key = (): string => pem.slice(pem.indexOf('-----BEGIN PRIVATE KEY-----'), pem.indexOf('-----END PRIVATE KEY-----'));

    it('redacts the private key of an inline certificate unless --show-secrets', async () => {
      const input = await file('https-inline.yaml', gateway(`{inlineString: ${JSON.stringify(pem)}}`));
      const redacted = await run(['-f', input, '--dataplane', 'default/edge-1']);
      expect(redacted.code).toBe(0);
      const secrets = (parse(redacted.stdout) as Dump).secrets;
      expect(secrets.map((s) => s.name)).toEqual(['cert.rsa:inlineString:example.com']);
      expect(secrets[0]?.tls_certificate.private_key).toEqual({ inline_string: '[redacted]' });
      expect(redacted.stdout).not.toContain('PRIVATE KEY');
      expect(redacted.stdout).toContain('BEGIN CERTIFICATE');

      const shown = await run(['-f', input, '--dataplane', 'default/edge-1', '--show-secrets', '-o', 'json']);
      expect(shown.code).toBe(0);
      expect((JSON.parse(shown.stdout) as Dump).secrets[0]?.tls_certificate.private_key.inline_string).toContain(key());
    });

    it('reads file: certificates relative to the working directory', async () => {
      const input = await file('https-file.yaml', gateway('{file: tls/edge.pem}'));
      await mkdir(path.join(dir, 'tls'), { recursive: true });
      await writeFile(path.join(dir, 'tls', 'edge.pem'), pem);
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        const result = await run(['-f', 'https-file.yaml', '--dataplane', 'default/edge-1']);
        expect(result.stderr).toBe('');
        expect((parse(result.stdout) as Dump).secrets.map((s) => s.name)).toEqual(['cert.rsa:file:tls/edge.pem']);
      } finally {
        process.chdir(cwd);
      }
      const missing = await run(['-f', input, '--dataplane', 'default/edge-1']);
      expect(missing.code).toBe(1);
      expect(missing.stdout).toBe('');
      expect(missing.stderr).toContain('MeshGateway default/edge: conf.listeners[0].tls.certificates[0]: failed to generate TLS certificate');
      expect(missing.stderr).toContain('ENOENT');
    });
  });

  describe('errors', () => {
    it('names an unknown dataplane', async () => {
      const result = await run(['-f', MESH, GATEWAY_DP, '--dataplane', 'default/nope']);
      expect(result).toEqual({ code: 1, stdout: '', stderr: 'Error: dataplane "nope" not found in mesh "default"\n' });
    });

    it('prints every invalid document of every file with its position, and nothing else', async () => {
      const bad = await file(
        'bad.yaml',
        `type: Mesh
name: default
---
type: MeshGateway
mesh: default
name: edge
selectors: []
conf: {listeners: [{port: 8080, protocol: HTTP}]}
---
type: Nope
name: x
`,
      );
      const syntax = await file('syntax.yaml', 'type: Mesh\nname: [unclosed\n');
      const result = await run(['-f', bad, syntax, ...EDGE]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^${escape(bad)} document 2: selectors: `));
      expect(lines[1]).toMatch(new RegExp(`^${escape(bad)} document 3: type: must be one of `));
      expect(lines[2]).toMatch(new RegExp(`^${escape(syntax)} document 1: `));
    });

    it('refuses a resource given twice', async () => {
      const copy = await file('copy.yaml', 'type: Mesh\nname: default\n');
      const result = await run(['-f', MESH, copy, GATEWAY_DP, ...EDGE]);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: `${copy} document 1: name: duplicate resource: same as ${MESH} document 1\n`,
      });
    });

    it('says which file cannot be read', async () => {
      const result = await run(['-f', path.join(dir, 'absent.yaml'), ...EDGE]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Error: cannot read .*absent\.yaml: ENOENT/);
    });

    it('rejects a --dataplane that is not MESH/NAME', async () => {
      const result = await run(['-f', MESH, '--dataplane', 'edge-gateway-1']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('expected MESH/NAME');
    });
  });
});

/** `text` as a literal inside a regular expression. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
