/**
 * `npm run bench -- NAME [--size N] [--json] [--key value ...]`: runs `bench/NAME.bench.ts`.
 * Benchmarks report ratios against a baseline measured in the same run; they are never part of
 * `npm test`.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, type Benchmark } from './harness';

function parseArgs(argv: string[]): {
  name: string | undefined;
  size: number | undefined;
  json: boolean;
  args: Record<string, string | boolean>;
} {
  const args: Record<string, string | boolean> = {};
  let name: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const key = a.slice(2);
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        args[key] = next;
        i++;
      } else args[key] = true;
    } else if (!name) name = a;
  }
  const size = typeof args['size'] === 'string' ? Number(args['size']) : undefined;
  if (size !== undefined && !(size > 0)) throw new Error(`--size must be a positive number`);
  return { name, size, json: args['json'] === true, args };
}

const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();

const { name, size, json, args } = parseArgs(process.argv.slice(2));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME [--size N] [--json]\navailable: ${available.join(', ')}`);
  process.exit(2);
}
const mod = (await import(`./${name}.bench.ts`)) as { default: Benchmark };
const workDir = mkdtempSync(join(tmpdir(), `mailtrail-bench-${name}-`));
try {
  const result = await mod.default.run({ size, args, workDir, log: (line) => !json && console.error(line) });
  if (json) {
    console.log(JSON.stringify(result.figures));
  } else {
    console.log(`${mod.default.name}: ${mod.default.description}`);
    const w = Math.max(...result.table.map((r) => r[0].length));
    const v = Math.max(...result.table.map((r) => r[1].length));
    for (const [label, value, note] of result.table) console.log(`  ${label.padEnd(w)}  ${value.padStart(v)}${note ? `  ${note}` : ''}`);
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
export { fmt };
