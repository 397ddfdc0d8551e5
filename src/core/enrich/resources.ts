/**
 * Locating the bundled enrichment data: JSON lists in the repository's `resources/enrich/` (packaged
 * apps set `MAILTRAIL_RESOURCES` or ship them under `process.resourcesPath`) and the databases that
 * ship inside npm packages.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MailtrailError } from '../../shared/errors';

const here = typeof __dirname === 'string' ? __dirname : import.meta.dirname;

/** The directory holding `enrich/*.json`. */
export function resourcesDir(): string {
  const candidates = [
    process.env['MAILTRAIL_RESOURCES'],
    (process as { resourcesPath?: string }).resourcesPath
      ? join((process as { resourcesPath?: string }).resourcesPath!, 'resources')
      : undefined,
  ];
  // Walk up from this module to the repository root (works from src/ under tsx and from dist/).
  for (let dir = here; ; dir = dirname(dir)) {
    candidates.push(join(dir, 'resources'));
    if (dirname(dir) === dir) break;
  }
  for (const c of candidates) if (c && existsSync(join(c, 'enrich'))) return c;
  throw new MailtrailError('NOT_FOUND', 'resources/enrich not found (set MAILTRAIL_RESOURCES)');
}

/** Reads and parses `resources/enrich/<name>`. */
export function readResourceJson<T>(name: string): T {
  return JSON.parse(readFileSync(join(resourcesDir(), 'enrich', name), 'utf8')) as T;
}

const requireHere = createRequire(join(here, 'resources.ts'));

/** Absolute path of a file inside an installed npm package, and the package's version. */
export function packageFile(pkg: string, file: string): { path: string; version: string } {
  let manifest: string;
  try {
    manifest = requireHere.resolve(`${pkg}/package.json`);
  } catch {
    throw new MailtrailError('NOT_FOUND', `the enrichment database package ${pkg} is not installed`);
  }
  const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  return { path: join(dirname(manifest), file), version };
}
