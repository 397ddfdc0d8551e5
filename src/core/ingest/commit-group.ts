/**
 * Group commit for imports of many small files. Storing, sealing and parsing one input take four
 * or five write transactions, and each commit of the rollback-journal case file writes its dirty
 * pages (encrypted), the journal and a sync: a folder of 2,000 exports of 100 records each
 * (Microsoft-Extractor-Suite writes one per time window) spent most of its 129 s committing. Small
 * inputs are therefore imported inside one outer transaction that commits every
 * {@link GROUP_MAX_BYTES} of input or {@link GROUP_MAX_MS}; their own transactions become
 * savepoints, so each stays atomic. Large inputs run outside any group, as before: they commit
 * per batch and are parsed in a second thread.
 *
 * A crash loses at most the open group (the committed ones stay; a re-run imports the rest, as after
 * a crash between batches). A failure or cancellation commits what the group finished.
 */
import type { Db } from '../store/database';
import { PARSE_THREAD_MIN_BYTES } from './ingest-evidence';

/**
 * Inputs from this size up are imported outside any group: they are parsed in a second thread and
 * commit per batch.
 */
export const GROUP_ITEM_MAX_BYTES = PARSE_THREAD_MIN_BYTES;
/** Input bytes after which a group commits. */
export const GROUP_MAX_BYTES = 64 * 1024 * 1024;
/** Age after which a group commits: bounds what a crash redoes and how long readers wait. */
export const GROUP_MAX_MS = 1000;

/** A group that was undone ({@link CommitGroup.takeLoss}). */
export interface GroupLoss {
  /** The caller's position when the group opened: its first undone result. */
  from: number;
  /** Which group it was ({@link CommitGroup.current} while it was open). */
  generation: number;
  /** The error of the commit that failed, or null when SQLite rolled the group back under a statement. */
  commitError: Error | null;
}

/** The outer transaction of one import (see the module comment). */
export class CommitGroup {
  private open = false;
  private bytes = 0;
  private startedAt = 0;
  private from = 0;
  private generation = 0;
  private loss: GroupLoss | null = null;

  /**
   * @param position where the caller is when a group opens (the import: its count of result rows),
   *   returned by {@link lostFrom} when that group is undone.
   */
  constructor(
    private readonly db: Db,
    private readonly now: () => number = () => performance.now(),
    private readonly position: () => number = () => 0,
  ) {}

  /**
   * Called before importing an input of `size` bytes: a small one joins the open group (opening one
   * when needed), a large one first commits the group and then runs on its own. Called again with
   * the stored size before parsing, when the first size was an estimate, with `mayOpen` false: an
   * input stored outside any group is parsed outside one too (a group opened then would hold its
   * events but not its evidence, and undoing it would leave the item without its events). Does
   * nothing while a caller outside the import holds a transaction.
   */
  before(size: number, mayOpen = true): void {
    if (size >= GROUP_ITEM_MAX_BYTES) {
      this.commit();
      return;
    }
    if (!mayOpen || this.open || this.db.inTransaction) return;
    this.db.exec('BEGIN IMMEDIATE');
    this.open = true;
    this.bytes = 0;
    this.startedAt = this.now();
    this.from = this.position();
    this.generation++;
  }

  /** The open group's number (each group opened gets the next), or null when none is open. */
  get current(): number | null {
    return this.open ? this.generation : null;
  }

  /**
   * Whether the open group was undone: a full disk, an I/O error or running out of memory may roll
   * back the whole transaction, not only the failing statement, and with it every input the group
   * had finished; and a commit that fails (on a real disk that fills, the usual place: the pages
   * are written then) loses it too. Returns the position given when the group opened (the caller's
   * first undone result) and why, once, or null when it is intact or none is open.
   */
  takeLoss(): GroupLoss | null {
    if (this.loss !== null) {
      const loss = this.loss;
      this.loss = null;
      return loss;
    }
    if (!this.open || this.db.inTransaction) return null;
    this.open = false;
    return { from: this.from, generation: this.generation, commitError: null };
  }

  /** Called after an input of `size` bytes: commits the group once it is large or old enough. */
  after(size: number): void {
    if (!this.open) return;
    this.bytes += size;
    if (this.bytes >= GROUP_MAX_BYTES || this.now() - this.startedAt >= GROUP_MAX_MS) this.commit();
  }

  /**
   * Commits the open group, if any (also in the import's `finally`). A commit that fails rolls the
   * group back and is reported by {@link takeLoss}, so the import can say which inputs it undid
   * instead of losing its report; it throws only if even the rollback leaves the transaction open.
   */
  commit(): void {
    if (!this.open) return;
    this.open = false;
    if (!this.db.inTransaction) {
      // SQLite rolled it back already, under a statement whose failure the caller handled.
      this.loss = { from: this.from, generation: this.generation, commitError: null };
      return;
    }
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          // Already rolled back by SQLite: nothing left to undo.
        }
      }
      // A transaction still open here would swallow every later input unseen: fail the import.
      if (this.db.inTransaction) throw err;
      this.loss = { from: this.from, generation: this.generation, commitError: err as Error };
    }
  }

  /** Input bytes the open group has imported and not yet committed (0 when none is open). */
  get pendingBytes(): number {
    return this.open ? this.bytes : 0;
  }

  /** True while a group is open. */
  get active(): boolean {
    return this.open;
  }
}
