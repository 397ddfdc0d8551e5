/**
 * Handlers of the host channels (`app:*`, `dialog:*`) shared by the Electron main process and the
 * loopback host, and the wrapper that records opened cases in the recent list. Kept out of
 * `createCore()`: recent cases and preferences belong to the machine user, not to a case.
 */
import { MailtrailError } from '../../shared/errors';
import type { ApiHandlers, CoreHandlers, HostHandlers } from '../../shared/ipc/contract';
import type { HostInfo } from '../../shared/model/app';
import { assertTimeZone } from '../case/case-file';
import { systemClock, type Clock } from '../clock';
import type { AppData } from './app-data';

/** Native dialogs, when the host has them. */
export type DialogHandlers = Pick<HostHandlers, 'dialog:open' | 'dialog:save'>;

/** Dialog handlers of a host without native dialogs: the UI asks for a path instead. */
export const noDialogs: DialogHandlers = {
  'dialog:open': async () => {
    throw new MailtrailError('UNSUPPORTED', 'no native dialogs in this host: type the path');
  },
  'dialog:save': async () => {
    throw new MailtrailError('UNSUPPORTED', 'no native dialogs in this host: type the path');
  },
};

/** Inputs of {@link createApiHandlers}. */
export interface HostOptions {
  core: CoreHandlers;
  appData: AppData;
  info: HostInfo;
  dialogs?: DialogHandlers;
  clock?: Clock;
}

/**
 * Core and host handlers together. `case:create` and `case:open` additionally put the case on the
 * recent list (path, id, name and number only; never the passphrase).
 */
export function createApiHandlers({ core, appData, info, dialogs = noDialogs, clock = systemClock }: HostOptions): ApiHandlers {
  const host: HostHandlers = {
    'app:info': async () => info,
    'app:recent': async () => ({ cases: appData.recent() }),
    'app:forget': async ({ file }) => ({ cases: appData.forget(file) }),
    'app:prefs': async () => appData.prefs(),
    'app:setPrefs': async (patch) => {
      if (patch.timeZone) assertTimeZone(patch.timeZone);
      return appData.setPrefs(patch);
    },
    ...dialogs,
  };
  return {
    ...core,
    'case:create': async (input) => {
      const created = await core['case:create'](input);
      appData.remember(created, clock());
      return created;
    },
    'case:open': async (input) => {
      const opened = await core['case:open'](input);
      appData.remember(opened, clock());
      return opened;
    },
    ...host,
  };
}
