/**
 * Case lifecycle: create, open, rekey, describe. A {@link CaseSession} is one open connection to
 * a case file on behalf of one examiner; every state change goes through its journal.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { MailtrailError } from '../../shared/errors';
import type { CaseInfo } from '../../shared/model/case';
import { MAILTRAIL_VERSION } from '../../shared/version';
import { systemClock, type Clock } from '../clock';
import { Journal } from '../custody/journal';
import { EvidenceStore } from '../evidence/evidence-store';
import { countEvents, insertCase, readCase } from '../store/case-repo';
import { openEncrypted, rekeyDatabase, type Db } from '../store/database';
import { createEventIndexes, missingEventIndexes } from '../store/event-indexes';
import { assertNotFromFuture, migrate, schemaVersion } from '../store/migrations';

/** Inputs for {@link createCase}. */
export interface CreateCaseOptions {
  file: string;
  name: string;
  examiner: string;
  number?: string | undefined;
  timeZone?: string | undefined;
  passphrase: string;
  force?: boolean | undefined;
  clock?: Clock | undefined;
}

/** Inputs for {@link openCase}. */
export interface OpenCaseOptions {
  file: string;
  passphrase: string;
  /** Who acts in this session; defaults to the case's examiner. */
  examiner?: string | undefined;
  /** Open without writing anything (no migrations, no clean-up). */
  readOnly?: boolean | undefined;
  /**
   * Remove evidence left half-written by an interrupted run. Default true; connections opened
   * beside another writer (worker threads) pass false.
   */
  cleanupIncomplete?: boolean | undefined;
  clock?: Clock | undefined;
}

/** Throws `INVALID_INPUT` unless `zone` is an IANA time zone this runtime knows. */
export function assertTimeZone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new MailtrailError('INVALID_INPUT', `unknown time zone: ${zone} (use an IANA name such as Europe/Berlin or UTC)`);
  }
}

/** One open case. */
export class CaseSession {
  readonly journal: Journal;
  readonly evidence: EvidenceStore;
  /** Kept in memory only, so a worker thread can open its own connection; never serialised or logged. */
  #passphrase: string | null;

  constructor(
    readonly db: Db,
    readonly file: string,
    readonly examiner: string,
    readonly clock: Clock,
    readonly readOnly: boolean,
    passphrase: string | null = null,
  ) {
    this.journal = new Journal(db, clock, examiner);
    this.evidence = new EvidenceStore(db, this.journal, clock);
    this.#passphrase = passphrase;
  }

  /**
   * What a worker thread needs to open a second connection to this case (`core/jobs`). Hand it only
   * to `worker_threads` (in memory); never persist, log or send it anywhere else.
   */
  secondConnection(): { file: string; passphrase: string; examiner: string } {
    if (this.#passphrase === null) throw new MailtrailError('UNSUPPORTED', 'this session cannot open a second connection');
    return { file: this.file, passphrase: this.#passphrase, examiner: this.examiner };
  }

  /** Keeps `JSON.stringify(session)` from ever reaching the connection or the passphrase. */
  toJSON(): { file: string; examiner: string; readOnly: boolean } {
    return { file: this.file, examiner: this.examiner, readOnly: this.readOnly };
  }

  /** Describes the case. */
  info(): CaseInfo {
    const row = readCase(this.db);
    if (!row) throw new MailtrailError('INVALID_INPUT', `${this.file} has no case record`);
    return {
      id: row.id,
      name: row.name,
      number: row.number,
      examiner: row.examiner,
      timeZone: row.time_zone,
      createdAtUs: row.created_at_us,
      file: this.file,
      schemaVersion: schemaVersion(this.db),
      createdWith: row.created_with,
      journal: this.journal.head(),
      evidence: this.evidence.totals(),
      events: countEvents(this.db),
    };
  }

  /** Changes the passphrase and journals it (the passphrase itself is never recorded). */
  rekey(newPassphrase: string): void {
    if (this.readOnly) throw new MailtrailError('UNSUPPORTED', 'cannot rekey a case opened read-only');
    if (!newPassphrase) throw new MailtrailError('INVALID_INPUT', 'the new passphrase is empty');
    rekeyDatabase(this.db, newPassphrase);
    if (this.#passphrase !== null) this.#passphrase = newPassphrase;
    this.journal.append('case.rekey', { cipher: 'sqlcipher', legacy: 4 });
  }

  /** Closes the connection. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Creates a new encrypted case file, journals its creation and returns the open session. */
export function createCase(options: CreateCaseOptions): CaseSession {
  const file = resolve(options.file);
  const clock = options.clock ?? systemClock;
  const timeZone = options.timeZone ?? 'UTC';
  assertTimeZone(timeZone);
  if (!options.name.trim()) throw new MailtrailError('INVALID_INPUT', 'the case name is empty');
  if (!options.examiner.trim()) throw new MailtrailError('INVALID_INPUT', 'the examiner name is empty');
  if (!options.passphrase) throw new MailtrailError('INVALID_INPUT', 'the passphrase is empty');
  if (existsSync(file)) {
    if (!options.force) throw new MailtrailError('EXISTS', `${file} already exists (use --force to replace it)`);
    rmSync(file);
    rmSync(`${file}-journal`, { force: true });
  }
  const db = openEncrypted(file, options.passphrase, { create: true });
  try {
    migrate(db, file);
    const examiner = options.examiner.trim();
    const session = new CaseSession(db, file, examiner, clock, false, options.passphrase);
    const row = {
      id: randomUUID(),
      name: options.name.trim(),
      number: options.number?.trim() || null,
      examiner,
      time_zone: timeZone,
      created_at_us: clock(),
      created_with: MAILTRAIL_VERSION,
    };
    db.transaction(() => {
      insertCase(db, row);
      session.journal.append('case.create', {
        case_id: row.id,
        name: row.name,
        number: row.number,
        examiner: row.examiner,
        time_zone: row.time_zone,
        tool: `mailtrail ${MAILTRAIL_VERSION}`,
        schema: schemaVersion(db),
        cipher: 'sqlcipher',
        legacy: 4,
      });
    }).immediate();
    return session;
  } catch (err) {
    db.close();
    rmSync(file, { force: true });
    throw err;
  }
}

/**
 * Rebuilds `events` indexes a crashed bulk import left dropped (`ingest/bulk-indexes.ts`) and
 * journals it. Cheap when nothing is missing (one read of the schema). Like the clean-up of
 * half-written evidence, only for the connection that is the case's sole writer at open.
 */
function restoreMissingIndexes(session: CaseSession): void {
  const missing = missingEventIndexes(session.db);
  if (missing.length === 0) return;
  session.db
    .transaction(() => {
      createEventIndexes(session.db);
      session.journal.append('case.restore-indexes', { indexes: missing, reason: 'left dropped by an interrupted bulk import' });
    })
    .immediate();
}

/** Opens an existing case; applies pending migrations (journaled) unless read-only. */
export function openCase(options: OpenCaseOptions): CaseSession {
  const file = resolve(options.file);
  const clock = options.clock ?? systemClock;
  const readOnly = options.readOnly ?? false;
  const db = openEncrypted(file, options.passphrase, { readOnly });
  try {
    let migrated: { from: number; to: number } | null = null;
    if (readOnly) assertNotFromFuture(db, file);
    else migrated = migrate(db, file);
    const row = readCase(db);
    if (!row) throw new MailtrailError('INVALID_INPUT', `${file} is not a Mailtrail case (no case record)`);
    const examiner = options.examiner?.trim() || row.examiner;
    const session = new CaseSession(db, file, examiner, clock, readOnly, options.passphrase);
    if (migrated && migrated.to !== migrated.from) {
      session.journal.append('case.migrate', { from: migrated.from, to: migrated.to, tool: `mailtrail ${MAILTRAIL_VERSION}` });
    }
    if (!readOnly && (options.cleanupIncomplete ?? true)) {
      session.evidence.discardIncomplete();
      restoreMissingIndexes(session);
    }
    return session;
  } catch (err) {
    if (db.open) db.close();
    throw err;
  }
}
