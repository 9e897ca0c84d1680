// Golden-file helper shared by every translation layer. Input and output are YAML; one output
// file per case. `npm run test:update-golden` (UPDATE_GOLDEN=1) rewrites outputs and deletes
// orphaned outputs whose input is gone.
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';

/** True when golden files should be rewritten instead of compared. */
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** One golden case: `<dir>/<name>.in.yaml` and `<dir>/<name>.out.yaml`. */
export interface GoldenCase {
  readonly name: string;
  readonly inputPath: string;
  readonly outputPath: string;
  /** Parsed input YAML (a single document). */
  readonly input: unknown;
}

/** Every case in a directory, sorted by name. Deletes orphaned outputs when updating. */
export function goldenCases(dir: string): GoldenCase[] {
  const files = readdirSync(dir);
  if (UPDATE_GOLDEN) {
    for (const f of files.filter((f) => f.endsWith('.out.yaml'))) {
      if (!files.includes(f.replace(/\.out\.yaml$/, '.in.yaml'))) unlinkSync(path.join(dir, f));
    }
  }
  return files
    .filter((f) => f.endsWith('.in.yaml'))
    .sort()
    .map((f) => {
      const name = f.replace(/\.in\.yaml$/, '');
      const inputPath = path.join(dir, f);
      return {
        name,
        inputPath,
        outputPath: path.join(dir, `${name}.out.yaml`),
        input: parse(readFileSync(inputPath, 'utf8'), { uniqueKeys: true }),
      };
    });
}

/** Serialise deterministically: stable key order as produced, no line folding, no aliases. */
export function toGoldenYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false, sortMapEntries: false });
}

/** Compare `actual` with the case's output file, or rewrite it when updating. */
export function expectGolden(c: GoldenCase, actual: unknown): void {
  const text = toGoldenYaml(actual);
  if (UPDATE_GOLDEN || !existsSync(c.outputPath)) {
    if (!UPDATE_GOLDEN) {
      writeFileSync(c.outputPath, text);
      throw new Error(`golden file ${c.outputPath} was missing and has been written; review it and re-run`);
    }
    writeFileSync(c.outputPath, text);
    return;
  }
  const expected = readFileSync(c.outputPath, 'utf8');
  if (expected !== text) {
    expect(text, `golden ${c.name} differs; if the change is intended run: npm run test:update-golden`).toBe(expected);
  }
}
