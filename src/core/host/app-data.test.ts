import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/case';
import { createCore } from '../index';
import { AppData, defaultDataDir, MAX_RECENT } from './app-data';
import { createApiHandlers } from './host-handlers';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('app data directory', () => {
  it('honours MAILTRAIL_DATA_DIR, else the per-platform folder Electron uses', () => {
    expect(defaultDataDir({ MAILTRAIL_DATA_DIR: '/tmp/x' }, 'linux', '/home/u')).toBe('/tmp/x');
    expect(defaultDataDir({}, 'linux', '/home/u')).toBe('/home/u/.config/Mailtrail');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/u')).toBe('/cfg/Mailtrail');
    expect(defaultDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/Mailtrail');
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toMatch(/Roaming[\\/]Mailtrail$/);
  });

  it('keeps recent cases newest first, without duplicates, capped', () => {
    const data = new AppData(dir());
    expect(data.recent()).toEqual([]);
    for (let i = 0; i < MAX_RECENT + 3; i++) data.remember({ file: `/c/${i}.mtcase`, id: `id${i}`, name: `C${i}`, number: null }, 1000 + i);
    data.remember({ file: '/c/5.mtcase', id: 'id5', name: 'C5 renamed', number: 'N' }, 5000);
    const list = data.recent();
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toEqual({ file: '/c/5.mtcase', id: 'id5', name: 'C5 renamed', number: 'N', lastOpenedUs: 5000 });
    expect(list.filter((c) => c.file === '/c/5.mtcase')).toHaveLength(1);
    expect(data.forget('/c/5.mtcase').map((c) => c.file)).not.toContain('/c/5.mtcase');
  });

  it('survives a damaged file and keeps only valid entries and preferences', () => {
    const d = dir();
    writeFileSync(join(d, 'recent-cases.json'), '[{"file":"/a","id":"x","name":"A","number":null,"lastOpenedUs":1},{"file":3}]');
    writeFileSync(join(d, 'preferences.json'), '{"theme":"neon","timeZone":"Europe/Paris","examiner":"  "}');
    const data = new AppData(d);
    expect(data.recent().map((c) => c.file)).toEqual(['/a']);
    expect(data.prefs()).toEqual({ examiner: null, timeZone: 'Europe/Paris', theme: 'system' });
    writeFileSync(join(d, 'recent-cases.json'), 'not json');
    expect(data.recent()).toEqual([]);
  });

  it('stores preferences', () => {
    const data = new AppData(dir());
    expect(data.setPrefs({ theme: 'dark', examiner: ' Ada ' })).toEqual({ examiner: 'Ada', timeZone: null, theme: 'dark' });
    expect(data.setPrefs({ timeZone: 'UTC' })).toEqual({ examiner: 'Ada', timeZone: 'UTC', theme: 'dark' });
    expect(new AppData(data.dir).prefs()).toEqual({ examiner: 'Ada', timeZone: 'UTC', theme: 'dark' });
  });
});

describe('host handlers', () => {
  it('remember created and opened cases but never their passphrase, and check zones', async () => {
    const d = dir();
    const core = createCore();
    cleanups.push(() => core.dispose());
    const appData = new AppData(join(d, 'data'));
    const h = createApiHandlers({
      core: core.handlers,
      appData,
      info: { host: 'loopback', nativeDialogs: false, casesDir: d, platform: 'linux', version: 't' },
      clock: () => 42,
    });
    await h['case:create']({ file: join(d, 'a.mtcase'), name: 'A', examiner: 'E', passphrase: 'very-secret-passphrase' });
    await h['case:open']({ file: join(d, 'a.mtcase'), passphrase: 'very-secret-passphrase' });
    expect((await h['app:recent']({})).cases).toEqual([
      expect.objectContaining({ file: join(d, 'a.mtcase'), name: 'A', lastOpenedUs: 42 }),
    ]);
    expect(readFileSync(join(d, 'data', 'recent-cases.json'), 'utf8')).not.toContain('very-secret');
    await expect(h['case:open']({ file: join(d, 'a.mtcase'), passphrase: 'wrong' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    await expect(h['app:setPrefs']({ timeZone: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(h['dialog:save']({ purpose: 'report' })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(await h['app:info']({})).toMatchObject({ host: 'loopback' });
  });
});
