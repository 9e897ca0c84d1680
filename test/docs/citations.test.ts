// The repository explains itself: comments, tests and documents cite Portico's own documents in
// docs/, by file and numbered section (`docs/gateway.md §2.16`), and decisions by tag ([D3]). This
// test keeps those citations honest, so a reader can always follow one:
// - nothing cites a document that lives outside the repository (a file name without `docs/`, or a path
//   into a shared reference directory): such a citation cannot be checked or followed from a
//   checkout;
// - every `docs/X.md §N` names a file that exists and a section heading that exists in it, and
//   every further `§M` on the same line, which continues that citation, does too;
// - a bare `§N` inside a docs/ page names a section of that page, and outside docs/ a `§N` always
//   follows its page on the same line (an RFC keeps its own numbering);
// - every decision tag cited anywhere has its heading in docs/decisions.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
/** Directories never scanned: dependencies, build output, version control, local data. */
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.portico', 'coverage']);
/** Text files that can carry a citation. Lock files and golden outputs are data, not prose. */
const TEXT_FILE = /\.(ts|mjs|js|md|ya?ml|sh|proto|json)$|^Dockerfile$/;
const SKIP_FILE = /(^package-lock\.json$|\.golden\.(ya?ml|json)$)/;

/** Documents Portico once cited from outside the repository; in docs/ they now live. */
const FORMER_OUTSIDE = ['gateway', 'xds-server', 'mesh', 'multizone', 'robustness', 'architecture'];
/** A bare citation: the name not preceded by a path (`docs/`, `./`) or by another name part. */
const BARE = new RegExp(`(^|[^A-Za-z0-9_./-])(${FORMER_OUTSIDE.join('|')})\\.md\\b`, 'g');
/** Paths into the shared reference material outside the repository (spelled in parts so this file does not match). */
const OUTSIDE_PATHS = [['shared', 'reference'].join('/'), ['..', 'shared', ''].join('/'), ['', 'work', 'shared'].join('/')];
const DOC_CITATION = /docs\/([a-z0-9-]+\.md)/g;
const SECTION = /§(\d+(?:\.\d+)*)/g;
const TAG = /\[([DMZ]\d+)\]/g;

function walk(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir).sort()) {
    if (SKIP_DIRS.has(entry)) continue;
    const full = path.join(dir, entry);
    const st = statSync(full);
    if (st.isDirectory()) walk(full, out);
    else if (TEXT_FILE.test(entry) && !SKIP_FILE.test(entry)) out.push(path.relative(ROOT, full));
  }
  return out;
}

const FILES = walk(ROOT, []);
const TEXT = new Map(FILES.map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8')]));

/** Section numbers a docs page defines: `## 2. Title`, `### 2.16 Title`, `#### 3.1.2 Title`. */
function sectionsOf(doc: string): Set<string> | undefined {
  const text = TEXT.get(path.join('docs', doc));
  if (text === undefined) return undefined;
  const found = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^#{2,5} (\d+(?:\.\d+)*)\.? /.exec(line);
    if (m?.[1]) found.add(m[1]);
  }
  return found;
}

/** Each line of every file, numbered from 1. */
function* lines(): Generator<{ file: string; n: number; line: string }> {
  for (const [file, text] of TEXT) {
    const all = text.split('\n');
    for (let i = 0; i < all.length; i++) yield { file, n: i + 1, line: all[i] ?? '' };
  }
}

/** Whether the match at `index` is the target of a markdown link, `](name.md)`, which resolves beside its page. */
function isLinkTarget(line: string, index: number): boolean {
  return line.slice(Math.max(0, index - 2), index + 1).includes('](');
}

describe('citations of documents', () => {
  it('scans the repository', () => {
    expect(FILES).toContain('src/gateway/translate-gateway.ts');
    expect(FILES).toContain('docs/gateway.md');
  });

  it('cites no document outside the repository', () => {
    const outside: string[] = [];
    for (const { file, n, line } of lines()) {
      for (const m of line.matchAll(BARE)) {
        if (!isLinkTarget(line, m.index + (m[1]?.length ?? 0))) outside.push(`${file}:${n}: ${m[0].trim()}`);
      }
      for (const p of OUTSIDE_PATHS) if (line.includes(p)) outside.push(`${file}:${n}: ${p}`);
    }
    expect(outside).toEqual([]);
  });

  it('cites only docs files and sections that exist', () => {
    const broken: string[] = [];
    for (const { file, n, line } of lines()) {
      // Walk the line's tokens in order: a file name sets the document the following sections belong to.
      const tokens = [...line.matchAll(DOC_CITATION)].map((m) => ({ at: m.index, doc: m[1] ?? '' }));
      const sections = [...line.matchAll(SECTION)].map((m) => ({ at: m.index, id: m[1] ?? '' }));
      for (const t of tokens) if (sectionsOf(t.doc) === undefined) broken.push(`${file}:${n}: docs/${t.doc} does not exist`);
      const self = file.startsWith('docs/') && file.endsWith('.md') ? path.basename(file) : undefined;
      for (const s of sections) {
        const before = tokens.filter((t) => t.at < s.at).at(-1);
        const doc = before?.doc ?? self;
        if (doc === undefined) {
          // Outside docs/ a section means nothing without its page; only other standards keep their own.
          if (!/RFC \d+ $/.test(line.slice(0, s.at))) broken.push(`${file}:${n}: §${s.id} names no docs page before it on its line`);
          continue;
        }
        const known = sectionsOf(doc);
        if (known && !known.has(s.id)) broken.push(`${file}:${n}: docs/${doc} has no §${s.id}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('cites only decision tags that docs/decisions.md explains', () => {
    const decisions = TEXT.get('docs/decisions.md') ?? '';
    const defined = new Set([...decisions.matchAll(/^### \[([DMZ]\d+)\]/gm)].map((m) => m[1]));
    const missing: string[] = [];
    for (const { file, n, line } of lines()) {
      for (const m of line.matchAll(TAG)) if (!defined.has(m[1])) missing.push(`${file}:${n}: [${m[1]}]`);
    }
    expect(missing).toEqual([]);
  });
});
