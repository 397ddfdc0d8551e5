/** Collection runs and gaps for the report's scope, through the collection area's repository. */
import type { CollectionGap, CollectionRun } from '../../../shared/model/collection';
import type { Db } from '../../store/database';
import { listCollectionGaps, listCollectionRuns } from '../../store/collect-repo';

/** Collection facts; `available` is false when the case has no collection tables. */
export interface CollectionFacts {
  available: boolean;
  runs: CollectionRun[];
  gaps: CollectionGap[];
}

/** Runs and open gaps of the case in `db`. */
export function collectionOf(db: Db): CollectionFacts {
  try {
    return { available: true, runs: listCollectionRuns(db), gaps: listCollectionGaps(db) };
  } catch (err) {
    // A case opened read-only at an older schema has no collection tables.
    if (/no such table/.test((err as Error).message)) return { available: false, runs: [], gaps: [] };
    throw err;
  }
}
