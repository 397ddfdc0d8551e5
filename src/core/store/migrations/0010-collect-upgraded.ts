import { hasColumn } from './columns';
import type { Migration } from './types';

/**
 * `collect_pages.upgraded`: of a page's duplicates, those whose fuller copy replaced the copy the
 * case held (`store/copy-loss.ts`), so a collection's summary can say so (0 for older pages).
 */
export const m0010CollectUpgraded: Migration = {
  version: 10,
  name: 'collect-upgraded',
  up(db) {
    // Replayed from an older user_version (0004 creates its tables IF NOT EXISTS), it changes nothing.
    if (!hasColumn(db, 'collect_pages', 'upgraded')) db.exec('ALTER TABLE collect_pages ADD COLUMN upgraded INTEGER NOT NULL DEFAULT 0');
  },
};
