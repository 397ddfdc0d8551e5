import { hasColumn } from './columns';
import type { Migration } from './types';

/**
 * `events.copy_loss`: how much the stored copy of the record is known to have lost
 * (`store/copy-loss.ts`), so that a later, fuller copy of the same record can take its place. NULL
 * for events written before this version: measured from their payload when a copy arrives.
 */
export const m0009CopyLoss: Migration = {
  version: 9,
  name: 'copy-loss',
  up(db) {
    if (!hasColumn(db, 'events', 'copy_loss')) db.exec('ALTER TABLE events ADD COLUMN copy_loss INTEGER');
  },
};
