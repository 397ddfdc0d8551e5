/** Electron main process: thin wiring of one window, menus, dialogs, security policy and IPC to the core. */
import { join } from 'node:path';
import { app, dialog, ipcMain, Menu, session, type BrowserWindow } from 'electron';
import { createCore } from '../core/index';
import { AppData } from '../core/host/app-data';
import { setJobWorkerEntry } from '../core/jobs/runner';
import { createApiHandlers } from '../core/host/host-handlers';
import type { PushEvent, PushPayload } from '../shared/ipc/contract';
import { MAILTRAIL_VERSION } from '../shared/version';
import { configureDataDir } from './data-dir';
import { createDialogHandlers } from './dialogs';
import { registerContract } from './ipc';
import { buildMenuTemplate } from './menu';
import { registerAppScheme, serveRenderer } from './protocol';
import { applySessionSecurity, isAppUrl } from './security';
import { createMainWindow } from './window';

const dataDir = configureDataDir(app, process.env);
// Heavy work (imports) runs in worker threads: the bundle's worker entry sits beside this file.
setJobWorkerEntry(join(__dirname, 'worker.js'));
app.enableSandbox();
registerAppScheme();

let mainWindow: BrowserWindow | null = null;

/** Pushes an event to our window only (never to another webContents). */
function push<E extends PushEvent>(event: E, payload: PushPayload<E>): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(event, payload);
}

const core = createCore({ emit: push });

// One window, one instance: a second launch focuses the first.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  void app.whenReady().then(() => {
    applySessionSecurity(session.defaultSession);
    serveRenderer(join(__dirname, '..', 'renderer'));
    const handlers = createApiHandlers({
      core: core.handlers,
      appData: new AppData(dataDir),
      info: {
        host: 'electron',
        nativeDialogs: true,
        casesDir: app.getPath('documents'),
        platform: process.platform,
        version: MAILTRAIL_VERSION,
      },
      dialogs: createDialogHandlers(dialog, () => mainWindow),
    });
    registerContract(
      ipcMain,
      handlers,
      (event) => mainWindow !== null && event.sender === mainWindow.webContents && isAppUrl(event.senderFrame?.url),
    );
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate((command) => push('app:menu', command), { platform: process.platform, dev: !app.isPackaged }),
      ),
    );
    const open = (): void => {
      mainWindow = createMainWindow(join(__dirname, '..', 'preload', 'preload.cjs'));
      mainWindow.on('closed', () => (mainWindow = null));
    };
    open();
    app.on('activate', () => {
      if (!mainWindow) open();
    });
  });
}

app.on('window-all-closed', () => {
  core.dispose();
  if (process.platform !== 'darwin') app.quit();
});
