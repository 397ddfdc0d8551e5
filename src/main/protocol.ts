import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { protocol } from 'electron';
import { MIME_TYPES, RENDERER_HEADERS } from '../shared/web-policy';
import { APP_SCHEME } from './security';

/** Must run before `app.whenReady()`: the app scheme is standard and secure. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);
}

/** Resolves a request path inside `root`, or null when it would escape it. */
export function resolveInside(root: string, pathname: string): string | null {
  const rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  const full = join(root, rel || 'index.html');
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}

/** Serves the built renderer from `root` with the CSP header. */
export function serveRenderer(root: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveInside(root, new URL(request.url).pathname);
    if (!file) return new Response('forbidden', { status: 403 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: { ...RENDERER_HEADERS, 'content-type': MIME_TYPES[extname(file)] ?? 'application/octet-stream' },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
