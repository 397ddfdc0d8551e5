/** Native open/save dialogs behind the `dialog:open` and `dialog:save` host channels. */
import type { BrowserWindow, Dialog, FileFilter, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { ApiArgs, HostHandlers } from '../shared/ipc/contract';

const ALL: FileFilter = { name: 'All files', extensions: ['*'] };

const OPEN: Record<ApiArgs<'dialog:open'>['purpose'], { title: string; filters: FileFilter[]; directory?: boolean }> = {
  case: { title: 'Open case', filters: [{ name: 'Mailtrail case', extensions: ['mtcase'] }, ALL] },
  evidence: {
    title: 'Import evidence',
    filters: [
      {
        name: 'Exports (JSON, CSV, archives, logs)',
        extensions: ['json', 'jsonl', 'ndjson', 'csv', 'zip', 'gz', 'tgz', 'tar', 'txt', 'log'],
      },
      ALL,
    ],
  },
  folder: { title: 'Choose folder', filters: [], directory: true },
  package: { title: 'Open evidence package', filters: [{ name: 'Mailtrail package', extensions: ['mtpkg'] }, ALL] },
};

const SAVE: Record<ApiArgs<'dialog:save'>['purpose'], { title: string; filters: FileFilter[]; ext: string }> = {
  case: { title: 'New case file', filters: [{ name: 'Mailtrail case', extensions: ['mtcase'] }], ext: 'mtcase' },
  report: { title: 'Export report', filters: [{ name: 'PDF', extensions: ['pdf'] }], ext: 'pdf' },
  package: { title: 'Export evidence package', filters: [{ name: 'Mailtrail package', extensions: ['mtpkg'] }], ext: 'mtpkg' },
  export: {
    title: 'Export events',
    filters: [
      { name: 'CSV', extensions: ['csv'] },
      { name: 'JSON Lines', extensions: ['jsonl'] },
    ],
    ext: 'csv',
  },
};

/** Dialog handlers bound to the window that asked (modal to it). */
export function createDialogHandlers(
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>,
  window: () => BrowserWindow | null,
): Pick<HostHandlers, 'dialog:open' | 'dialog:save'> {
  return {
    'dialog:open': async ({ purpose, multiple }) => {
      const spec = OPEN[purpose];
      const properties: OpenDialogOptions['properties'] = [spec.directory ? 'openDirectory' : 'openFile'];
      if (multiple) properties.push('multiSelections');
      const options: OpenDialogOptions = { title: spec.title, properties, filters: spec.filters };
      const win = window();
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return { paths: r.canceled ? [] : r.filePaths };
    },
    'dialog:save': async ({ purpose, defaultName }) => {
      const spec = SAVE[purpose];
      const name = defaultName ? defaultName.replace(/[\\/:*?"<>|]+/g, '_') : `untitled.${spec.ext}`;
      const options: SaveDialogOptions = {
        title: spec.title,
        defaultPath: name,
        filters: spec.filters,
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      };
      const win = window();
      const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return { path: r.canceled || !r.filePath ? null : r.filePath };
    },
  };
}
