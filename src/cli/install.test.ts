import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderCrdManifest } from '../k8s/crd-files.js';
import { desiredCrds } from '../k8s/crds.js';
import { installCommand } from './install.js';

/** Runs `install <args>` with output captured, as main() wires commands. */
async function run(args: string[]): Promise<{ stdout: string; stderr: string; error?: unknown }> {
  let stdout = '';
  let stderr = '';
  const command = installCommand();
  for (const c of [command, ...command.commands]) {
    c.exitOverride().configureOutput({ writeOut: (t) => void (stdout += t), writeErr: (t) => void (stderr += t) });
  }
  try {
    await command.parseAsync(args, { from: 'user' });
    return { stdout, stderr };
  } catch (error) {
    return { stdout, stderr, error };
  }
}

describe('portico install', () => {
  it('crds prints every CRD as one multi-document YAML stream, as crds/ holds them', async () => {
    const { stdout, error } = await run(['crds']);
    expect(error).toBeUndefined();
    expect(stdout).toBe(renderCrdManifest());
    const docs = parseAllDocuments(stdout, { version: '1.1' }).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(desiredCrds().map((c) => `CustomResourceDefinition/${c.metadata.name}`));
  });

  it('rejects an unknown target', async () => {
    const { stdout, stderr, error } = await run(['gateway-api']);
    expect(stdout).toBe('');
    expect(error).toBeDefined();
    expect(stderr).toMatch(/unknown command|too many arguments/);
  });
});
