import { describe, expect, it, vi } from 'vitest';
import { resolveInside } from './protocol';

vi.mock('electron', () => ({ protocol: {} }));

describe('renderer file serving', () => {
  it('resolves files inside the renderer directory and refuses traversal', () => {
    expect(resolveInside('/app/renderer', '/index.html')).toBe('/app/renderer/index.html');
    expect(resolveInside('/app/renderer', '/')).toBe('/app/renderer/index.html');
    expect(resolveInside('/app/renderer', '/assets/a.js')).toBe('/app/renderer/assets/a.js');
    // Dot segments cannot climb above the root: they are resolved inside it.
    expect(resolveInside('/app/renderer', '/../main/main.cjs')).toBe('/app/renderer/main/main.cjs');
    expect(resolveInside('/app/renderer', '/%2e%2e/%2e%2e/etc/passwd')).toBe('/app/renderer/etc/passwd');
    expect(resolveInside('/app/renderer', '/a/%2e%2e%5c%2e%2e%5c..%5cetc')).toMatch(/^\/app\/renderer\//);
  });
});
