import { describe, expect, it } from 'vitest';
import { commandForKey } from './shortcuts';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('browser shortcuts', () => {
  it('map the same keys as the native menu', () => {
    expect(commandForKey(key('2', { ctrlKey: true }), 'linux')).toEqual({ command: 'view.screen', value: 'timeline' });
    expect(commandForKey(key('5', { metaKey: true }), 'darwin')).toEqual({ command: 'view.screen', value: 'custody' });
    expect(commandForKey(key('i', { ctrlKey: true }), 'linux')).toEqual({ command: 'import' });
    expect(commandForKey(key('E', { ctrlKey: true, shiftKey: true }), 'win32')).toEqual({ command: 'package.export' });
    expect(commandForKey(key('V', { ctrlKey: true, shiftKey: true }), 'linux')).toEqual({ command: 'custody.verify' });
  });

  it('ignore plain keys, the other platform modifier and Alt combinations', () => {
    expect(commandForKey(key('2'), 'linux')).toBeNull();
    expect(commandForKey(key('2', { metaKey: true }), 'linux')).toBeNull();
    expect(commandForKey(key('i', { ctrlKey: true, altKey: true }), 'linux')).toBeNull();
    expect(commandForKey(key('9', { ctrlKey: true }), 'linux')).toBeNull();
  });
});
