/** Dialogs that depend on capabilities (channels) beyond the case itself. */
import { isApiChannel } from '../../shared/ipc/contract';
import type { DialogName } from '../state';
import { CollectWizard } from './CollectWizard';
import { ExportEventsDialog, PackageDialog, ReportDialog } from './ExportDialogs';
import { ImportDialog } from './ImportDialog';
import { ManualEventDialog } from './ManualEventDialog';

/** The channel whose presence makes each dialog available. */
const NEEDS: Record<Exclude<DialogName, null>, string> = {
  import: 'import:start',
  collect: 'collect:start',
  report: 'report:export',
  package: 'package:export',
  'export-events': 'export:events',
  manual: 'manual:add',
};

/** True when the dialog's channels exist in this build. */
export function dialogAvailable(dialog: DialogName): boolean {
  return dialog !== null && isApiChannel(NEEDS[dialog]);
}

/** Renders the open dialog. */
export function DialogHost({ dialog, onClose }: { dialog: DialogName; onClose: () => void }) {
  if (!dialog || !dialogAvailable(dialog)) return null;
  switch (dialog) {
    case 'import':
      return <ImportDialog onClose={onClose} />;
    case 'collect':
      return <CollectWizard onClose={onClose} />;
    case 'report':
      return <ReportDialog onClose={onClose} />;
    case 'package':
      return <PackageDialog onClose={onClose} />;
    case 'export-events':
      return <ExportEventsDialog onClose={onClose} />;
    case 'manual':
      return <ManualEventDialog onClose={onClose} />;
    default:
      return null;
  }
}
