/**
 * The report's fonts ship in `resources/fonts/` (DejaVu, see its LICENSE.txt); system fonts are
 * never used, so the same case renders to the same bytes on every machine. Packaged apps set
 * `MAILTRAIL_RESOURCES` or ship `resources/` under `process.resourcesPath`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MailtrailError } from '../../../shared/errors';

/** Font roles used by the report, and their files. */
export const FONT_FILES = {
  sans: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  italic: 'DejaVuSans-Oblique.ttf',
  mono: 'DejaVuSansMono.ttf',
  monoBold: 'DejaVuSansMono-Bold.ttf',
} as const;

/** A font role. */
export type FontRole = keyof typeof FONT_FILES;

const here = typeof __dirname === 'string' ? __dirname : import.meta.dirname;

/** The directory holding the report fonts. */
export function fontsDir(): string {
  const candidates: (string | undefined)[] = [
    process.env['MAILTRAIL_RESOURCES'],
    (process as { resourcesPath?: string }).resourcesPath
      ? join((process as { resourcesPath?: string }).resourcesPath!, 'resources')
      : undefined,
  ];
  // Walk up from this module to the repository root (src/ under tsx, dist/ when bundled).
  for (let dir = here; ; dir = dirname(dir)) {
    candidates.push(join(dir, 'resources'));
    if (dirname(dir) === dir) break;
  }
  for (const c of candidates) if (c && existsSync(join(c, 'fonts', FONT_FILES.sans))) return join(c, 'fonts');
  throw new MailtrailError('NOT_FOUND', 'report fonts not found: resources/fonts/DejaVuSans.ttf (set MAILTRAIL_RESOURCES)');
}

/** Absolute paths of every font role. */
export function fontPaths(): Record<FontRole, string> {
  const dir = fontsDir();
  const out = {} as Record<FontRole, string>;
  for (const [role, file] of Object.entries(FONT_FILES) as [FontRole, string][]) out[role] = join(dir, file);
  return out;
}
