// `portico apply -f FILE|-`: validate every document of a multi-document YAML file locally, then
// send the file to POST /apply, which writes all of it or nothing. Local validation gives the
// user every mistake at once with file and document number before any network round trip; the
// server validates again because it is the authority (and sees which meshes exist).
//
// The YAML reader, the descriptors with every schema and validator, and the input limits are
// loaded by the run itself, not with the command: `portico apply --help` and a usage error need
// none of them (docs/operations.md, "CLI").
import { Command } from 'commander';
import { findKindNames } from '../api/kinds/names.js';
import type { Violation } from '../api/violation.js';
import type { ApiCause, ApiClient } from './api-client.js';
import { apiClientFor } from './api-connection.js';
import { failWith, printError, type CliIo } from './io.js';

/** The `apply` command; `done` receives the exit code. */
export function applyCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('apply')
    .description('create or update resources from a YAML file, all or nothing')
    .requiredOption('-f, --file <file>', 'file with one or more YAML documents, or - for stdin')
    .action(async (options: { file: string }, command: Command) => {
      const connection = apiClientFor(command, io);
      if (!connection.ok) return done(failWith(io, connection.message));
      done(await runApply(io, connection.client, options.file));
    });
}

/** Run `apply` and return the exit code. */
export async function runApply(io: CliIo, client: ApiClient, file: string): Promise<number> {
  const source = file === '-' ? '<stdin>' : file;
  const text = await readSource(io, file);
  if (!text.ok) {
    printError(io, `cannot read ${source}: ${text.message}`);
    return 1;
  }
  const violations = await validateLocally(text.value);
  if (violations === 'empty') {
    printError(io, `${source}: no resources found`);
    return 1;
  }
  if (violations.length > 0) {
    for (const v of violations) io.stderr(`${documentLine(source, v)}\n`);
    return 1;
  }
  return send(io, client, source, text.value);
}

/** The file or stdin as text, or the reason it cannot be read. */
async function readSource(
  io: CliIo,
  file: string,
): Promise<{ ok: true; value: string } | { ok: false; message: string }> {
  try {
    return { ok: true, value: file === '-' ? await io.readStdin() : (await import('./input-file.js')).readInputFile(file) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** Every violation of every document, at `items[i]` paths (i = position in the file). */
async function validateLocally(text: string): Promise<Violation[] | 'empty'> {
  const [{ parseDocuments }, { parseResourceDocument }] = await Promise.all([import('../api-server/body.js'), import('../api/resource-document.js')]);
  const docs = parseDocuments(text, 'yaml');
  if (!docs.ok) return [...docs.violations];
  if (docs.value.length === 0) return 'empty';
  return docs.value.flatMap((doc) => {
    const parsed = parseResourceDocument(doc.value);
    return parsed.ok ? [] : parsed.violations.map((v) => ({ field: joinField(`items[${doc.index}]`, v.field), message: v.message }));
  });
}

/** POST the file to /apply and print one line per resource. */
async function send(io: CliIo, client: ApiClient, source: string, text: string): Promise<number> {
  const result = await client.postText('/apply', text, 'application/yaml');
  if (!result.ok) {
    printError(io, result.message);
    for (const cause of result.causes) io.stderr(`${documentLine(source, cause)}\n`);
    return 1;
  }
  for (const item of appliedItems(result.body)) io.stdout(`${item}\n`);
  return 0;
}

/** `meshgateway "edge" created` lines from the /apply answer. */
function appliedItems(body: unknown): string[] {
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return [];
  return items.map((raw: unknown) => {
    const item = (raw ?? {}) as { type?: unknown; name?: unknown; result?: unknown };
    const type = typeof item.type === 'string' ? findKindNames(item.type) : undefined;
    return `${type?.singular ?? String(item.type)} "${String(item.name)}" ${String(item.result)}`;
  });
}

/**
 * `<file> document <n>: <field>: <message>` for a cause at `items[i]...` (documents are numbered
 * from 1 as people count them), else `<file>: <field>: <message>`.
 */
function documentLine(source: string, cause: ApiCause): string {
  const m = /^items\[(\d+)\]\.?(.*)$/.exec(cause.field);
  const where = m ? `${source} document ${Number(m[1]) + 1}` : source;
  const field = m ? (m[2] ?? '') : cause.field;
  return field === '' ? `${where}: ${cause.message}` : `${where}: ${field}: ${cause.message}`;
}

/** A document-relative field path placed under `prefix`. */
function joinField(prefix: string, field: string): string {
  if (field === '') return prefix;
  return field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`;
}
