/**
 * Before a journaled report or package, the analysis area's derived indexes (sessions, IP flags,
 * full-text) are brought up to date, so the state sealed at the head renders the same report when
 * opened read-only later. A case without analysis tables has nothing to refresh.
 */
import { refreshIndexes } from '../analyze/freshness';
import type { Db } from '../store/database';

/** Refreshes derived indexes; a no-op when the case has none. */
export function refreshBeforeHead(db: Db): void {
  try {
    refreshIndexes(db);
  } catch (err) {
    if (!/no such table/.test((err as Error).message)) throw err;
  }
}
