/**
 * The native menu. Every item that acts on a case is forwarded to the renderer as an `app:menu`
 * push event, so the menu and the in-window buttons run the same code path.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/model/app';

/** Sends one menu command to the UI. */
export type MenuSender = (command: MenuCommand) => void;

/** Builds the application menu template (`Menu.buildFromTemplate` takes it as is). */
export function buildMenuTemplate(send: MenuSender, options: { platform: string; dev: boolean }): MenuItemConstructorOptions[] {
  const item = (label: string, command: MenuCommand['command'], accelerator?: string, value?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => send(value === undefined ? { command } : { command, value }),
  });
  const theme = (label: string, value: 'light' | 'dark' | 'system'): MenuItemConstructorOptions => ({
    label,
    type: 'radio',
    checked: value === 'system',
    click: () => send({ command: 'view.theme', value }),
  });
  const mac = options.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    {
      label: '&File',
      submenu: [
        item('New Case…', 'case.new', 'CmdOrCtrl+N'),
        item('Open Case…', 'case.open', 'CmdOrCtrl+O'),
        item('Close Case', 'case.close', 'CmdOrCtrl+Shift+W'),
        { type: 'separator' },
        item('Import…', 'import', 'CmdOrCtrl+I'),
        item('Collect…', 'collect', 'CmdOrCtrl+Shift+C'),
        { type: 'separator' },
        item('Export Report…', 'report.export', 'CmdOrCtrl+E'),
        item('Export Package…', 'package.export', 'CmdOrCtrl+Shift+E'),
        { type: 'separator' },
        item('Verify Case', 'custody.verify', 'CmdOrCtrl+Shift+V'),
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { label: '&Edit', role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        item('Overview', 'view.screen', 'CmdOrCtrl+1', 'overview'),
        item('Timeline', 'view.screen', 'CmdOrCtrl+2', 'timeline'),
        item('Events', 'view.screen', 'CmdOrCtrl+3', 'events'),
        item('Findings', 'view.screen', 'CmdOrCtrl+4', 'findings'),
        item('Custody', 'view.screen', 'CmdOrCtrl+5', 'custody'),
        { type: 'separator' },
        item('Time Zone…', 'view.timeZone', 'CmdOrCtrl+Shift+Z'),
        { label: 'Theme', submenu: [theme('Light', 'light'), theme('Dark', 'dark'), theme('System', 'system')] },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
        ...(options.dev ? ([{ type: 'separator' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
      ],
    },
    { label: '&Window', role: 'windowMenu' },
  ];
  if (mac) template.unshift({ role: 'appMenu' });
  return template;
}
