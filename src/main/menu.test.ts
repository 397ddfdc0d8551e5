import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { MenuCommand } from '../shared/model/app';
import { buildMenuTemplate } from './menu';

vi.mock('electron', () => ({}));

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

function click(items: MenuItemConstructorOptions[], label: string): MenuCommand[] {
  const sent: MenuCommand[] = [];
  const found = flatten(buildMenuTemplate((c) => sent.push(c), { platform: 'linux', dev: false })).find((i) => i.label === label);
  expect(found, label).toBeDefined();
  (found!.click as () => void)();
  void items;
  return sent;
}

describe('application menu', () => {
  const template = buildMenuTemplate(() => {}, { platform: 'linux', dev: false });

  it('has File and View menus with every required item', () => {
    const labels = (top: string) =>
      ((template.find((m) => m.label === top)?.submenu ?? []) as MenuItemConstructorOptions[]).map((i) => i.label).filter(Boolean);
    expect(labels('&File')).toEqual(
      expect.arrayContaining(['New Case…', 'Open Case…', 'Import…', 'Collect…', 'Export Report…', 'Export Package…', 'Verify Case']),
    );
    expect(labels('&View')).toEqual(expect.arrayContaining(['Time Zone…', 'Theme']));
  });

  it('wires each item to its command', () => {
    const cases: [string, MenuCommand][] = [
      ['New Case…', { command: 'case.new' }],
      ['Open Case…', { command: 'case.open' }],
      ['Import…', { command: 'import' }],
      ['Collect…', { command: 'collect' }],
      ['Export Report…', { command: 'report.export' }],
      ['Export Package…', { command: 'package.export' }],
      ['Verify Case', { command: 'custody.verify' }],
      ['Time Zone…', { command: 'view.timeZone' }],
      ['Dark', { command: 'view.theme', value: 'dark' }],
      ['Light', { command: 'view.theme', value: 'light' }],
      ['Timeline', { command: 'view.screen', value: 'timeline' }],
    ];
    for (const [label, command] of cases) expect(click(template, label)).toEqual([command]);
  });

  it('offers developer tools only in development and an app menu only on macOS', () => {
    const roles = (t: MenuItemConstructorOptions[]) => flatten(t).map((i) => i.role);
    expect(roles(template)).not.toContain('toggleDevTools');
    expect(roles(buildMenuTemplate(() => {}, { platform: 'linux', dev: true }))).toContain('toggleDevTools');
    expect(buildMenuTemplate(() => {}, { platform: 'darwin', dev: false })[0]).toEqual({ role: 'appMenu' });
  });

  it('gives every command a distinct accelerator', () => {
    const accels = flatten(template)
      .map((i) => i.accelerator)
      .filter(Boolean);
    expect(new Set(accels).size).toBe(accels.length);
  });
});
