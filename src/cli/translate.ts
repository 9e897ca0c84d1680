// `portico translate -f FILE... --dataplane MESH/NAME [-o yaml|json] [--show-secrets]`: the Envoy
// resources a dataplane (gateway or sidecar) would receive, computed offline from resource files (no server,
// no store). Every document of every file is validated first and all mistakes are printed at
// once, as `portico apply` does. The output is a function of the files' content alone, so it can
// be diffed between two versions of a manifest.
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseResourceDocument, type ParsedResource } from '../api/resource-document.js';
import { parseDocuments } from '../api-server/body.js';
import { toInput } from '../api-server/resource-form.js';
import type { StoredResource } from '../core/resource.js';
import { buildStored, describeKey, keyId } from '../core/stored-resource.js';
import { referencedCertificateFiles } from '../gateway/certificate-sources.js';
import type { CertificateFile } from '../gateway/gateway-input.js';
import { readCertificateFiles } from '../runtime/certificate-files.js';
import { envoyDump } from '../runtime/envoy-dump.js';
import { proxyEnvoyResources } from '../runtime/proxy-resources.js';
import { formatJson, formatYaml, printError, processIo, type CliIo } from './output.js';
import { readInputFile } from './input-file.js';

/** Options of `portico translate`. */
export interface TranslateOptions {
  readonly file: readonly string[];
  readonly dataplane: { readonly mesh: string; readonly name: string };
  readonly output: 'yaml' | 'json';
  readonly showSecrets: boolean;
}

/**
 * Every resource gets this creation time. A running control plane gives all resources of one
 * `portico apply` the same instant, so equal-rank MeshGateways then tie-break by name
 * (docs/gateway.md §2.2) exactly as they do here; a clock would make the output differ between runs.
 */
const OFFLINE_TIME = '1970-01-01T00:00:00.000Z';

/** The `translate` command; `done` receives the exit code (the process's by default). */
export function translateCommand(io: CliIo = processIo(), done: (code: number) => void = (code) => void (process.exitCode = code)): Command {
  return new Command('translate')
    .description('print the Envoy resources a dataplane (gateway or sidecar) would receive, computed offline from resource files')
    .requiredOption('-f, --file <files...>', 'YAML files with one or more resource documents (universal or Kubernetes form), - for stdin')
    .requiredOption('--dataplane <mesh/name>', 'the BUILTIN gateway dataplane to translate for', parseDataplane)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--show-secrets', 'print private keys instead of [redacted]', false)
    .action(async (options: TranslateOptions) => {
      done(await runTranslate(io, options));
    });
}

/** `MESH/NAME` as mesh and name. */
function parseDataplane(value: string): { mesh: string; name: string } {
  const slash = value.indexOf('/');
  const mesh = value.slice(0, slash);
  const name = value.slice(slash + 1);
  if (slash <= 0 || name === '' || name.includes('/')) throw new InvalidArgumentError('expected MESH/NAME, e.g. default/edge-gateway-1');
  return { mesh, name };
}

/** Run `translate` and return the exit code. */
export async function runTranslate(io: CliIo, options: TranslateOptions): Promise<number> {
  const texts = await readSources(io, options.file);
  if (!texts.ok) {
    printError(io, texts.message);
    return 1;
  }
  const parsed = parseAll(texts.value);
  if (!parsed.ok) {
    for (const line of parsed.lines) io.stderr(`${line}\n`);
    return 1;
  }
  const { mesh, name } = options.dataplane;
  const files = await certificateFiles(parsed.resources, mesh);
  const result = proxyEnvoyResources(parsed.resources, mesh, name, files);
  if (!result.ok) {
    printError(io, result.message);
    return 1;
  }
  for (const p of result.problems) io.stderr(`Warning: ${describeKey(p.resource)}: ${p.message}\n`);
  const dump = envoyDump(result.resources, { showSecrets: options.showSecrets });
  io.stdout(options.output === 'json' ? formatJson(dump) : formatYaml(dump));
  return 0;
}

/** One input file: its name as the user gave it and its text. */
interface Source {
  readonly name: string;
  readonly text: string;
}

/** Every file's text (stdin for `-`), or the first one that cannot be read. */
async function readSources(io: CliIo, files: readonly string[]): Promise<{ ok: true; value: Source[] } | { ok: false; message: string }> {
  const sources: Source[] = [];
  for (const file of files) {
    const name = file === '-' ? '<stdin>' : file;
    try {
      sources.push({ name, text: file === '-' ? await io.readStdin() : readInputFile(file) });
    } catch (err) {
      return { ok: false, message: `cannot read ${name}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  return { ok: true, value: sources };
}

/** A parsed document and where it came from, for messages about it. */
interface Located {
  readonly where: string;
  readonly resource: ParsedResource;
}

/**
 * Every document of every file as a stored resource, or every mistake as a line:
 * `<file> document <n>: <field>: <message>` (documents numbered from 1), then resources given twice.
 */
function parseAll(sources: readonly Source[]): { ok: true; resources: StoredResource[] } | { ok: false; lines: string[] } {
  const lines: string[] = [];
  const located: Located[] = [];
  for (const source of sources) {
    const docs = parseDocuments(source.text, 'yaml');
    if (!docs.ok) {
      lines.push(...docs.violations.map((v) => violationLine(source.name, v.field, v.message)));
      continue;
    }
    if (docs.value.length === 0) lines.push(`${source.name}: no resources found`);
    for (const doc of docs.value) {
      const where = `${source.name} document ${doc.index + 1}`;
      const parsed = parseResourceDocument(doc.value);
      if (parsed.ok) located.push({ where, resource: parsed.value });
      else lines.push(...parsed.violations.map((v) => fieldLine(where, v.field, v.message)));
    }
  }
  lines.push(...duplicateLines(located));
  if (lines.length > 0) return { ok: false, lines };
  return { ok: true, resources: located.map((l) => stored(l.resource)) };
}

/** A parse violation at `items[i]...` of a file, placed at its document. */
function violationLine(file: string, field: string, message: string): string {
  const m = /^items\[(\d+)\]\.?(.*)$/.exec(field);
  return m ? fieldLine(`${file} document ${Number(m[1]) + 1}`, m[2] ?? '', message) : fieldLine(file, field, message);
}

/** `<where>: <field>: <message>`, without the field when it is the whole document. */
function fieldLine(where: string, field: string, message: string): string {
  return field === '' ? `${where}: ${message}` : `${where}: ${field}: ${message}`;
}

/** One line per document naming a resource an earlier document already named. */
function duplicateLines(located: readonly Located[]): string[] {
  const first = new Map<string, string>();
  const lines: string[] = [];
  for (const { where, resource } of located) {
    const id = keyId(toInput(resource));
    const earlier = first.get(id);
    if (earlier === undefined) first.set(id, where);
    else lines.push(`${where}: name: duplicate resource: same as ${earlier}`);
  }
  return lines;
}

/** A parsed resource as a store would hand it out (frozen, fixed version and times). */
function stored(resource: ParsedResource): StoredResource {
  const input = toInput(resource);
  return buildStored(input, {
    spec: input.spec,
    labels: input.labels,
    version: '1',
    creationTime: OFFLINE_TIME,
    modificationTime: OFFLINE_TIME,
  });
}

/**
 * The certificate files the mesh's MeshGateways name, read exactly as the control plane reads
 * them (same size cap; a relative path is relative to the working directory). A read error is
 * passed on, not thrown: the translation reports it as the docs/gateway.md §4.6 error it is.
 */
function certificateFiles(resources: readonly StoredResource[], mesh: string): Promise<ReadonlyMap<string, CertificateFile>> {
  const gateways = resources.filter((r): r is StoredResource<'MeshGateway'> => r.kind === 'MeshGateway' && r.mesh === mesh);
  return readCertificateFiles(referencedCertificateFiles(gateways));
}
