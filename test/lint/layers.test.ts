// The layer rules of ARCHITECTURE.md are enforced by lint: these probes must fail it.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('layer rules', () => {
  it('refuses electron in core', async () => {
    expect(await ruleIdsFor('src/core/probe.ts', "import { app } from 'electron';\nexport const x = app;\n")).toContain(
      'no-restricted-imports',
    );
  });

  it('refuses node:fs in the renderer', async () => {
    expect(
      await ruleIdsFor('src/renderer/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"),
    ).toContain('no-restricted-imports');
  });

  it('refuses core imports in the renderer', async () => {
    expect(
      await ruleIdsFor('src/renderer/probe.ts', "import { createCore } from '../core/index';\nexport const x = createCore;\n"),
    ).toContain('import-x/no-restricted-paths');
  });

  it('refuses CLI imports in core', async () => {
    expect(await ruleIdsFor('src/core/probe.ts', "import { runCli } from '../cli/main';\nexport const x = runCli;\n")).toContain(
      'import-x/no-restricted-paths',
    );
  });

  it('refuses node builtins in shared', async () => {
    expect(await ruleIdsFor('src/shared/probe.ts', "import { createHash } from 'node:crypto';\nexport const x = createHash;\n")).toContain(
      'no-restricted-imports',
    );
  });

  it('accepts shared imports in the renderer', async () => {
    expect(
      await ruleIdsFor('src/renderer/probe.ts', "import { CHANNELS } from '../shared/ipc/contract';\nexport const x = CHANNELS;\n"),
    ).toEqual([]);
  });
});
