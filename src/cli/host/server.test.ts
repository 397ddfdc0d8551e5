import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../../test/helpers/case';
import { createCore, type Core } from '../../core/index';
import { AppData } from '../../core/host/app-data';
import { createApiHandlers } from '../../core/host/host-handlers';
import { CONTENT_SECURITY_POLICY } from '../../shared/web-policy';
import { EventHub } from './events';
import { TOKEN_HEADER } from './guard';
import { startLoopbackHost, type LoopbackHost } from './server';
import { injectShim, resolveInside } from './static-files';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP, so tests can send any Host/Origin (fetch would not let us). */
function http(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolveReply, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolveReply({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

let host: LoopbackHost;
let core: Core;
let events: EventHub;
let cleanup: () => void;
let dir: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(
    join(renderer, 'index.html'),
    '<html><head><script type="module" src="./assets/app.js"></script></head><body></body></html>',
  );
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  events = new EventHub();
  core = createCore({ emit: (e, p) => events.emit(e, p) });
  const handlers = createApiHandlers({
    core: core.handlers,
    appData: new AppData(join(dir, 'data')),
    info: { host: 'loopback', nativeDialogs: false, casesDir: dir, platform: 'linux', version: 'test' },
  });
  host = await startLoopbackHost({ handlers, events, rendererDir: renderer });
});

afterAll(async () => {
  await host.close();
  core.dispose();
  cleanup();
});

const invoke = (channel: string, input: unknown, headers: Record<string, string> = {}) =>
  http(
    host.port,
    'POST',
    '/api/invoke',
    { 'content-type': 'application/json', [TOKEN_HEADER]: host.token, ...headers },
    JSON.stringify({ channel, input }),
  );

describe('loopback host', () => {
  it('listens on 127.0.0.1 only and prints a tokenised URL', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{43}$`));
  });

  it('serves the app only with the token, with the CSP and the api shim injected first', async () => {
    expect((await http(host.port, 'GET', '/')).status).toBe(403);
    expect((await http(host.port, 'GET', '/?token=wrong')).status).toBe(403);
    const page = await http(host.port, 'GET', `/?token=${host.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body.indexOf('host-shim.js')).toBeGreaterThan(0);
    expect(page.body.indexOf('host-shim.js')).toBeLessThan(page.body.indexOf('assets/app.js'));
    const asset = await http(host.port, 'GET', '/assets/app.js');
    expect(asset).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('never serves files outside the renderer directory', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00']) {
      const r = await http(host.port, 'GET', path);
      expect(r.body).not.toContain('outside the renderer');
      expect(r.status).toBe(404);
    }
  });

  it('refuses other Host headers (DNS rebinding) and other origins', async () => {
    const rebinding = await http(host.port, 'GET', `/?token=${host.token}`, { host: `evil.example:${host.port}` });
    expect(rebinding.status).toBe(403);
    expect(rebinding.body).toMatch(/unexpected Host/);
    expect((await invoke('app:info', {}, { host: `attacker.test:${host.port}` })).status).toBe(403);
    expect((await invoke('app:info', {}, { host: `127.0.0.1:${host.port + 1}` })).status).toBe(403);
    const cross = await invoke('app:info', {}, { origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
    expect(cross.body).toMatch(/cross-origin/);
    expect((await invoke('app:info', {}, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await invoke('app:info', {}, { origin: `http://127.0.0.1:${host.port}`, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await invoke('app:info', {}, { host: `localhost:${host.port}`, origin: `http://localhost:${host.port}` })).status).toBe(200);
  });

  it('requires the token on every API call', async () => {
    const spy = vi.spyOn(core.handlers, 'case:info');
    expect((await invoke('case:info', {}, { [TOKEN_HEADER]: '' })).status).toBe(403);
    expect((await invoke('case:info', {}, { [TOKEN_HEADER]: `${host.token.slice(0, -1)}x` })).status).toBe(403);
    expect((await http(host.port, 'GET', '/api/events')).status).toBe(403);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('validates input with the contract schemas and refuses unknown channels', async () => {
    const bad = JSON.parse((await invoke('case:create', { file: 'x', name: '', examiner: 'E', passphrase: 'p' })).body) as unknown;
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^case:create: name:/) } });
    const unknown = await invoke('shell:exec', { cmd: 'id' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await http(host.port, 'POST', '/api/invoke', { [TOKEN_HEADER]: host.token, 'content-type': 'text/plain' }, '{}')).status).toBe(
      415,
    );
    expect(
      (await http(host.port, 'POST', '/api/invoke', { [TOKEN_HEADER]: host.token, 'content-type': 'application/json' }, '{oops')).status,
    ).toBe(400);
    expect((await http(host.port, 'GET', '/api/invoke', { [TOKEN_HEADER]: host.token })).status).toBe(405);
  });

  it('answers the contract from a real core, with errors as { code, message }', async () => {
    expect(JSON.parse((await invoke('case:info', {})).body)).toEqual({
      ok: false,
      error: { code: 'NO_CASE_OPEN', message: 'no case is open' },
    });
    const created = JSON.parse(
      (await invoke('case:create', { file: join(dir, 'h.mtcase'), name: 'H', examiner: 'E', passphrase: 'pp' })).body,
    ) as {
      ok: boolean;
      value: { name: string };
    };
    expect(created).toMatchObject({ ok: true, value: { name: 'H' } });
    const dialog = JSON.parse((await invoke('dialog:open', { purpose: 'case' })).body) as unknown;
    expect(dialog).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
  });

  it('pushes events to connected pages as server-sent events', async () => {
    const received = await new Promise<string>((resolveText, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: '/api/events',
          headers: { host: `127.0.0.1:${host.port}`, [TOKEN_HEADER]: host.token },
        },
        (res) => {
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            text += d;
            if (text.includes('event: job:progress')) {
              req.destroy();
              resolveText(text);
            }
          });
          setTimeout(() => events.emit('job:progress', { jobId: 'j1', phase: 'parsing', done: 5, total: 10, unit: 'records' }), 50);
        },
      );
      req.on('error', (e) => (e.message.includes('aborted') || e.message.includes('socket hang up') ? undefined : reject(e)));
      req.end();
    });
    expect(received).toContain('event: job:progress\ndata: {"jobId":"j1","phase":"parsing","done":5,"total":10,"unit":"records"}\n\n');
  });
});

describe('static files', () => {
  it('resolves inside the root only', () => {
    expect(resolveInside('/r', '/index.html')).toBe('/r/index.html');
    expect(resolveInside('/r', '/')).toBe('/r/index.html');
    expect(resolveInside('/r', '/../etc/passwd')).toBe('/r/etc/passwd');
    expect(resolveInside('/r', '/%E0%A4%A')).toBeNull();
    expect(resolveInside('/r', '/a%00b')).toBeNull();
  });

  it('injects the shim before the first module script, and refuses a page without one', () => {
    expect(injectShim('<head><script type="module" src="a.js"></script></head>')).toMatch(
      /host-shim\.js"><\/script>\s*<script type="module" src="a.js"/,
    );
    expect(() => injectShim('<head></head>')).toThrow(/no module script/);
  });
});
