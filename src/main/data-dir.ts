/** The app data directory (recent cases, preferences), overridable by `MAILTRAIL_DATA_DIR`. */
import { resolve } from 'node:path';
import type { App } from 'electron';

/** Applies `MAILTRAIL_DATA_DIR` (before `ready`) and returns the directory in use. */
export function configureDataDir(app: Pick<App, 'setPath' | 'getPath'>, env: NodeJS.ProcessEnv): string {
  const override = env['MAILTRAIL_DATA_DIR'];
  if (override) {
    const dir = resolve(override);
    app.setPath('userData', dir);
    // Chromium's own caches follow, so a test run leaves nothing in the user's profile.
    app.setPath('sessionData', dir);
  }
  return app.getPath('userData');
}
