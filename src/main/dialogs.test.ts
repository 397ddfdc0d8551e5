import { describe, expect, it, vi } from 'vitest';
import { createDialogHandlers } from './dialogs';

vi.mock('electron', () => ({}));

describe('native dialogs', () => {
  it('opens case files modally and returns the chosen paths, or none when cancelled', async () => {
    const win = { id: 1 };
    const dialog = {
      showOpenDialog: vi
        .fn()
        .mockResolvedValueOnce({ canceled: false, filePaths: ['/cases/a.mtcase'] })
        .mockResolvedValueOnce({ canceled: true, filePaths: [] }),
      showSaveDialog: vi.fn(),
    };
    const h = createDialogHandlers(dialog as never, () => win as never);
    expect(await h['dialog:open']({ purpose: 'case' })).toEqual({ paths: ['/cases/a.mtcase'] });
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(
      win,
      expect.objectContaining({
        properties: ['openFile'],
        filters: expect.arrayContaining([{ name: 'Mailtrail case', extensions: ['mtcase'] }]),
      }),
    );
    expect(await h['dialog:open']({ purpose: 'evidence', multiple: true })).toEqual({ paths: [] });
    expect(dialog.showOpenDialog.mock.calls[1]![1].properties).toEqual(['openFile', 'multiSelections']);
  });

  it('asks where to save with a sanitised default name', async () => {
    const dialog = {
      showOpenDialog: vi.fn(),
      showSaveDialog: vi
        .fn()
        .mockResolvedValueOnce({ canceled: false, filePath: '/out/r.pdf' })
        .mockResolvedValueOnce({ canceled: true, filePath: '' }),
    };
    const h = createDialogHandlers(dialog as never, () => null);
    expect(await h['dialog:save']({ purpose: 'report', defaultName: 'Case 1/2: report.pdf' })).toEqual({ path: '/out/r.pdf' });
    expect(dialog.showSaveDialog).toHaveBeenCalledWith(
      expect.objectContaining({ defaultPath: 'Case 1_2_ report.pdf', filters: [{ name: 'PDF', extensions: ['pdf'] }] }),
    );
    expect(await h['dialog:save']({ purpose: 'package' })).toEqual({ path: null });
  });
});
