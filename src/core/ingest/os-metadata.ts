/**
 * Operating-system metadata met while walking a folder or an archive: Finder's `.DS_Store`,
 * Explorer's `Thumbs.db` and `desktop.ini`, the `._` resource-fork copies and `__MACOSX/` folder a
 * Mac adds to every zip it makes, and the housekeeping folders of a drive's root. They are never
 * exports, and reading them made every import of a folder or a Mac-made zip end "failed". They are
 * passed over and reported as skipped; a path given by name is always read.
 */
import { posix } from 'node:path';

const FILES = new Set(['.ds_store', 'thumbs.db', 'ehthumbs.db', 'desktop.ini', 'icon\r']);
const FOLDERS = new Set([
  '.spotlight-v100',
  '.trashes',
  '.fseventsd',
  '.temporaryitems',
  '.documentrevisions-v100',
  'system volume information',
  '$recycle.bin',
]);

/**
 * Why `path` (a file, or a folder when `folder`), met while walking, is operating-system metadata,
 * or null when it is to be read. For a folder walk pass the entry's name (what lies above it was
 * given, not met); for a zip member its path in the archive (`__MACOSX/…`).
 */
export function osMetadata(path: string, folder: boolean): string | null {
  const parts = path.split(/[\\/]/).filter((p) => p.length > 0);
  const name = (parts[parts.length - 1] ?? '').toLowerCase();
  const byName = ' (give its path to read it anyway)';
  if (folder) {
    if (name === '__macosx') return `skipped: a Mac's resource-fork copies (__MACOSX), not exports${byName}`;
    return FOLDERS.has(name) ? `skipped: a drive's system folder, not an export${byName}` : null;
  }
  if (parts.some((p) => p === '__MACOSX')) return `skipped: a Mac's resource-fork copy (__MACOSX), not an export${byName}`;
  if (FILES.has(name)) return `skipped: ${posix.basename(path)} is folder metadata of the operating system, not an export${byName}`;
  if (name.startsWith('._')) return `skipped: a Mac's resource-fork copy (._ file), not an export${byName}`;
  return null;
}
