import { BrowserWindow } from 'electron';
import { APP_ORIGIN, hardenWebContents, secureWebPreferences } from './security';

/** Creates the main window and loads the renderer from the app scheme. */
export function createMainWindow(preloadPath: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'Mailtrail',
    backgroundColor: '#111418',
    webPreferences: secureWebPreferences(preloadPath),
  });
  hardenWebContents(win.webContents);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}
