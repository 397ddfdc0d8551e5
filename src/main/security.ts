/**
 * The security policy of the desktop app, in one place so a test can pin it: isolated, sandboxed
 * renderer without Node, a strict CSP with no remote origins, no navigation, no new windows, no
 * permissions.
 */
import type { Session, WebContents, WebPreferences } from 'electron';

/** Custom scheme the renderer is served from (never file:// or http://). */
export const APP_SCHEME = 'app';
/** Origin of every trusted renderer frame. */
export const APP_ORIGIN = `${APP_SCHEME}://mailtrail`;

/** webPreferences of every window. A unit test fails if any of these changes. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Content-Security-Policy sent with every renderer response (shared with the loopback host). */
export { CONTENT_SECURITY_POLICY } from '../shared/web-policy';

/** True when a URL belongs to our own renderer. */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** Denies every permission request and check (camera, notifications, geolocation, …). */
export function applySessionSecurity(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    // Only our own scheme and inline data may load; anything remote is cancelled.
    const allowed =
      isAppUrl(details.url) || details.url.startsWith('data:') || details.url.startsWith('blob:') || details.url.startsWith('devtools:');
    callback({ cancel: !allowed });
  });
}

/** Blocks navigation away from the app, new windows and webview attachment. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
