import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, hardenWebContents, isAppUrl, secureWebPreferences } from './security';

vi.mock('electron', () => ({}));

describe('security policy', () => {
  it('pins every webPreference (this test fails if any of them changes)', () => {
    expect(secureWebPreferences('/app/preload.cjs')).toEqual({
      preload: '/app/preload.cjs',
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
    });
  });

  it('has a CSP without remote origins, eval or inline scripts', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|unsafe-eval|\*/);
    expect(CONTENT_SECURITY_POLICY.match(/script-src[^;]*/)![0]).not.toContain('unsafe-inline');
  });

  it('recognises only the app origin', () => {
    expect(isAppUrl('app://mailtrail/index.html')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('https://mailtrail/')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
  });

  it('blocks navigation, redirects, webviews and new windows', () => {
    const listeners = new Map<string, (event: { preventDefault: () => void }, url?: string) => void>();
    let openHandler: (() => { action: string }) | undefined;
    const contents = {
      on: (name: string, fn: (event: { preventDefault: () => void }, url?: string) => void) => listeners.set(name, fn),
      setWindowOpenHandler: (fn: () => { action: string }) => (openHandler = fn),
    };
    hardenWebContents(contents as never);
    const nav = { preventDefault: vi.fn() };
    listeners.get('will-navigate')!(nav, 'https://evil.example/');
    expect(nav.preventDefault).toHaveBeenCalled();
    const inApp = { preventDefault: vi.fn() };
    listeners.get('will-navigate')!(inApp, 'app://mailtrail/index.html#/timeline');
    expect(inApp.preventDefault).not.toHaveBeenCalled();
    const redirect = { preventDefault: vi.fn() };
    listeners.get('will-redirect')!(redirect, 'http://127.0.0.1:9/');
    expect(redirect.preventDefault).toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    listeners.get('will-attach-webview')!(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(openHandler!()).toEqual({ action: 'deny' });
  });
});
