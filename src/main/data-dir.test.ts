import { describe, expect, it, vi } from 'vitest';
import { configureDataDir } from './data-dir';

vi.mock('electron', () => ({}));

function fakeApp() {
  const paths = new Map<string, string>([['userData', '/home/u/.config/Mailtrail']]);
  return {
    setPath: vi.fn((name: string, p: string) => void paths.set(name, p)),
    getPath: vi.fn((name: string) => paths.get(name) ?? ''),
  };
}

describe('app data directory', () => {
  it('uses MAILTRAIL_DATA_DIR when set (absolute), for userData and Chromium session data', () => {
    const app = fakeApp();
    expect(configureDataDir(app as never, { MAILTRAIL_DATA_DIR: '/tmp/mt-data' })).toBe('/tmp/mt-data');
    expect(app.setPath).toHaveBeenCalledWith('userData', '/tmp/mt-data');
    expect(app.setPath).toHaveBeenCalledWith('sessionData', '/tmp/mt-data');
  });

  it("keeps Electron's default otherwise", () => {
    const app = fakeApp();
    expect(configureDataDir(app as never, {})).toBe('/home/u/.config/Mailtrail');
    expect(app.setPath).not.toHaveBeenCalled();
  });
});
