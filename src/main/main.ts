/** Electron main process: thin wiring of windows, security policy and IPC to the core. */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { createCore } from '../core/index';
import type { PushEvent, PushPayload } from '../shared/ipc/contract';
import { registerContract } from './ipc';
import { registerAppScheme, serveRenderer } from './protocol';
import { applySessionSecurity, isAppUrl } from './security';
import { createMainWindow } from './window';

if (process.env['MAILTRAIL_DATA_DIR']) app.setPath('userData', process.env['MAILTRAIL_DATA_DIR']);
app.enableSandbox();
registerAppScheme();

const core = createCore({
  emit: <E extends PushEvent>(event: E, payload: PushPayload<E>) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(event, payload);
  },
});

void app.whenReady().then(() => {
  applySessionSecurity(session.defaultSession);
  serveRenderer(join(__dirname, '..', 'renderer'));
  registerContract(ipcMain, core.handlers, (event) => isAppUrl(event.senderFrame?.url));
  createMainWindow(join(__dirname, '..', 'preload', 'preload.cjs'));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(join(__dirname, '..', 'preload', 'preload.cjs'));
  });
});

app.on('window-all-closed', () => {
  core.dispose();
  if (process.platform !== 'darwin') app.quit();
});
