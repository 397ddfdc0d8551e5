/** Serves the built renderer (`dist/renderer`) with the app's CSP, and injects the api shim. */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { MIME_TYPES } from '../../shared/web-policy';

/** File name of the loopback api shim in the renderer build. */
export const SHIM_FILE = 'host-shim.js';

/** Resolves a URL path inside `root`; dot segments cannot climb above it. */
export function resolveInside(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = normalize(`/${decoded}`).replace(/^([/\\])+/, '');
  const full = join(root, rel || 'index.html');
  return full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}

/**
 * The renderer's index.html with the shim loaded first: module scripts run in document order, so
 * `window.api` exists before the app starts.
 */
export function injectShim(html: string): string {
  const tag = `<script type="module" src="./${SHIM_FILE}"></script>\n    `;
  const at = html.indexOf('<script type="module"');
  if (at < 0) throw new Error('renderer index.html has no module script (is dist/renderer a Vite build?)');
  return html.slice(0, at) + tag + html.slice(at);
}

/** A file of the build with its content type, or null when missing. */
export async function readRendererFile(root: string, pathname: string): Promise<{ body: Buffer; type: string } | null> {
  const file = resolveInside(root, pathname);
  if (!file) return null;
  try {
    return { body: await readFile(file), type: MIME_TYPES[extname(file)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}
