/**
 * Imports files, folders (recursively), `.zip` archives (every member) and `.gz` files: every input
 * is stored as evidence first (raw first, SHA-256), then parsed with {@link ingestEvidence}. A file
 * that cannot be read, or whose format cannot be determined, is reported with the reason (and
 * journaled) while the others still import.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { MailtrailError } from '../../shared/errors';
import type { EvidenceOrigin } from '../../shared/model/evidence';
import type { FormatId, ImportFileResult, ImportReport } from '../../shared/model/ingest';
import type { CaseSession } from '../case/case-file';
import type { IpEnricher } from '../enrich';
import type { EvidenceCodec } from '../evidence/codec';
import type { DateOrder } from '../normalize/time';
import { indexPendingEvents } from '../store/events-repo';
import { itemById } from '../store/evidence-repo';
import {
  archiveMembers,
  archiveNames,
  describeGzipCut,
  describeMemberCut,
  gzipContentEstimate,
  inflateAsFarAsItGoes,
  isZip,
  tarArchiveMembers,
  type InflateCut,
} from './archive';
import { NO_MEMBERS_FOUND, salvageWarning, tarUnread, tarWarning, zipFailure, type Salvage } from './archive-reasons';
import { isTar, type TarEnd, type TarGaps } from './tar-members';
import { BulkIndexes } from './bulk-indexes';
import { CommitGroup } from './commit-group';
import { CASE_GROWTH_PER_INPUT_BYTE, diskFullReason, isDiskFull, storageShortfall } from './disk-space';
import { pageSetWarnings, type PageJudgement } from './completeness';
import { officeDocumentKind } from './file-kinds';
import { osMetadata } from './os-metadata';
import { isGzip } from './text';
import { committedBeforeFailure, ingestEvidence, UnreadableEvidenceError } from './ingest-evidence';
import { ReferenceDataNotice } from './record-parsers';
import { findInputs, readHead } from './walk-inputs';

/** Progress of an import of several paths. */
export interface ImportProgress {
  /**
   * `indexing` covers the rebuild of the event indexes after a bulk load (`step: 'indexes'`) and the
   * full-text index (`step: 'full-text'`).
   */
  phase: 'storing' | 'parsing' | 'indexing';
  /** Which index is being built in the `indexing` phase. */
  step?: 'indexes' | 'full-text';
  /** The file (or `archive!member`) being worked on. */
  path: string;
  /** 1-based position of the file among those found so far. */
  file: number;
  /** Bytes of this file stored or parsed so far. */
  bytes: number;
  /** Size of this file. */
  fileBytes: number;
  /** Records of this file parsed so far. */
  records: number;
  /**
   * Bytes stored by the whole import so far, and the total size of the inputs and of the archive
   * members found so far (it grows as archives are opened; a member's size may be an estimate).
   */
  totalBytesDone: number;
  totalBytes: number;
}

/** Options of {@link importPaths}. */
export interface ImportPathsOptions {
  format?: FormatId | undefined;
  mailbox?: string | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: ImportProgress) => void) | undefined;
  enricher?: IpEnricher | undefined;
  /** Records per write transaction (tuning; default `BATCH_RECORDS`). */
  batchRecords?: number | undefined;
  /**
   * Bulk index mode (drop the event indexes, rebuild them at the end): forced on or off; decided
   * from the input size and the events already in the case when undefined (`bulkIndexesWorthIt`).
   */
  bulkIndexes?: boolean | undefined;
  /** Parse in a second thread: forced on or off; by item size when undefined (`ingestEvidence`). */
  parseThread?: boolean | undefined;
  /**
   * Passwords tried, in order, on the encrypted members of zip archives (never journaled or
   * logged; the member's evidence records which cipher was undone).
   */
  archivePasswords?: readonly string[] | undefined;
  /** The order of locale dates that read both ways (older Entra sign-in CSV; `IngestOptions.dateOrder`). */
  dateOrder?: DateOrder | undefined;
  /** Evidence codec for stored files (default: deflate-raw above {@link COMPRESS_ABOVE} bytes). */
  codec?: EvidenceCodec | undefined;
}

/** Files larger than this are stored with the `deflate-raw` codec (text exports shrink ~8×). */
export const COMPRESS_ABOVE = Number.POSITIVE_INFINITY;
const MAX_ARCHIVE_DEPTH = 4;

/**
 * A byte source to import: where it is shown, how to read it, its size (exact, or an estimate for a
 * gzip member), origin, kind and archive depth.
 */
type Source = [
  display: string,
  open: () => NodeJS.ReadableStream | AsyncIterable<Buffer>,
  size: number,
  sizeExact: boolean,
  origin: EvidenceOrigin,
  kind: string,
  depth: number,
  /** The evidence item of the archive it comes from, or null for a file on disk. */
  parent: number | null,
];

/** What an entry about an archive member adds: the archive's item, so it goes if the archive goes. */
function archiveOf(parent: number | null): { archive_evidence_id?: number } {
  return parent === null ? {} : { archive_evidence_id: parent };
}

/** What a failing input's reason adds when its failure undid the inputs imported with it. */
function undoneNote(undone: number | null): string {
  return undone ? ` (this also undid ${undone} input${undone === 1 ? '' : 's'} imported with it since the last commit)` : '';
}

/** The row of an archive member whose archive a failed commit undid. */
const ARCHIVE_UNDONE = 'not imported: its archive was undone with the inputs imported since the last commit; import it again';

function emptyResult(path: string, error?: string): ImportFileResult {
  return {
    path,
    format: null,
    sha256: '',
    bytes: 0,
    read: 0,
    imported: 0,
    duplicates: 0,
    quarantined: 0,
    firstUs: null,
    lastUs: null,
    evidenceId: null,
    ...(error ? { error } : {}),
  };
}

/**
 * Imports `paths` into the case.
 * @returns one result per file (archive members individually) and the totals.
 */
export async function importPaths(session: CaseSession, paths: string[], opts: ImportPathsOptions = {}): Promise<ImportReport> {
  if (session.readOnly) throw new MailtrailError('UNSUPPORTED', 'the case is open read-only');
  const inputs = await findInputs(paths, session.file);
  const inputBytes = inputs.reduce((s, i) => s + (i.skipped === undefined ? i.bytes : 0), 0);
  // What progress counts against: the inputs, then each archive member as it is found (members
  // are stored too, so their bytes are work done; counted against the inputs alone, a zip showed
  // 38 MB of 0.49 MB done).
  let totalBytes = inputBytes;
  // Decided once for the whole import (a folder of many files is one bulk load, one rebuild).
  const bulk =
    opts.bulkIndexes === undefined ? BulkIndexes.forImport(session.db, inputBytes) : new BulkIndexes(session.db, opts.bulkIndexes);
  // Small inputs share commits (a folder of thousands of small exports); large ones commit per batch.
  const files: ImportFileResult[] = [];
  const group = new CommitGroup(session.db, undefined, () => files.length);
  // The page role and pull of each file of one page, by position in `files` (judged once all are in).
  const pageRoles = new Map<number, PageJudgement>();

  /** Warnings about the import as a whole (a full disk after the inputs were read). */
  const warnings: string[] = [];

  /**
   * The journal entries appended for result rows since every earlier one was known committed, with
   * the group open when each was written (null: none, it committed at once): an undone group takes
   * those written in it along ({@link undoLostGroup}), whatever row they are about.
   */
  const written: { row: number; action: string; details: Record<string, unknown>; group: number | null }[] = [];
  /** Forgets the entries once no group is open: each is committed then, or was handled as lost. */
  const settleWritten = (): void => {
    if (!group.active) written.length = 0;
  };
  /** True when an entry names an evidence item (its own, or its archive's) that is no longer in the case. */
  const namesGoneItem = (details: Record<string, unknown>): boolean =>
    [details['evidence_id'], details['archive_evidence_id']].some((id) => typeof id === 'number' && itemById(session.db, id) === undefined);

  /**
   * After a failure, or a commit: when the open group was undone (a full disk can roll back the
   * whole transaction, and a commit that fails loses it), the rows of the inputs it stored are
   * undone as well, so the report never claims what the case does not hold. Rows of inputs that
   * were never stored (skipped, unreadable, too large) stand. `failed` names the input whose
   * failure undid it (null: the commit failed). Returns how many rows were undone, or null when no
   * group was lost.
   */
  const undoLostGroup = (failed: string | null): number | null => {
    const loss = group.takeLoss();
    if (loss === null) return null;
    const why =
      failed !== null
        ? `undone with ${failed}, whose failure rolled back the inputs imported since the last commit`
        : `committing it with the inputs imported since the last commit failed (${
            isDiskFull(loss.commitError) ? 'the disk holding the case is full' : (loss.commitError?.message ?? 'rolled back')
          })`;
    // Journal entries written while the group was open went with it. Those about inputs never
    // stored (skipped, refused) or about items that stayed (an archive stored before the group)
    // still hold and are written again; those naming an item that was undone go, and so does the
    // row of an archive member whose archive went.
    const lost = written.filter((w) => w.group === loss.generation);
    written.length = 0;
    const orphans = new Set(lost.filter((w) => namesGoneItem(w.details)).map((w) => w.row));
    let undone = 0;
    for (let i = loss.from; i < files.length; i++) {
      const f = files[i]!;
      if (f.evidenceId === null) {
        if (orphans.has(i)) files[i] = emptyResult(f.path, ARCHIVE_UNDONE);
        continue;
      }
      files[i] = emptyResult(f.path, `not imported: ${why}; import it again`);
      pageRoles.delete(i);
      undone++;
    }
    for (const w of lost) if (!namesGoneItem(w.details)) journal(w.row, w.action, w.details);
    return undone;
  };

  /**
   * Appends to the custody journal; on a full disk the entry cannot be written, and the import
   * says so in its warnings instead of losing its report (the append may also undo the open group).
   */
  const journal = (row: number, action: string, details: Record<string, unknown>): void => {
    const open = group.current;
    try {
      session.journal.append(action, details);
      written.push({ row, action, details, group: open });
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      // When the failure rolled the open group back, this entry is one of those it took: it is
      // written again with them (or dropped, with its row, if it names an item that went).
      written.push({ row, action, details, group: open });
      if (undoLostGroup(`the custody journal entry ${action} for ${String(details['path'] ?? '')}`) !== null) return;
      written.pop();
      warnings.push(
        `the custody journal entry ${action} for ${String(details['path'] ?? '')} could not be written: the disk holding the case is full`,
      );
    }
  };

  /**
   * Adds the warning that an input's bytes were cut off or damaged to its row (when any of it was
   * imported), and journals it (`kind: 'cut'`: the evidence list and the report keep showing it).
   */
  const warnCut = (at: number, warning: string): void => {
    const row = files[at];
    if (row === undefined || row.evidenceId === null) return;
    // A row that failed says why in its error: nothing read at all is the cut's doing ("empty
    // file" would mislead), else the cut joins the reason.
    if (row.error !== undefined) row.error = row.bytes === 0 ? warning : `${row.error}; ${warning}`;
    else row.warnings = [...(row.warnings ?? []), warning];
    journal(at, 'import.incomplete', { evidence_id: row.evidenceId, path: row.path, warning, kind: 'cut' });
  };

  let doneBytes = 0;
  let fileNo = 0;

  const checkCancel = (): void => {
    if (opts.signal?.aborted) throw new MailtrailError('CANCELLED', 'import cancelled');
  };

  /** Stores a byte source, then ingests it (recursing into archives), within a commit group when small. */
  const importSource = async (...source: Source): Promise<void> => {
    checkCancel();
    const size = source[2];
    group.before(size);
    undoLostGroup(null); // a large input commits the group first: that commit may have failed
    settleWritten();
    try {
      await storeAndIngest(...source);
    } finally {
      group.after(size);
      undoLostGroup(null);
      settleWritten();
    }
  };

  const storeAndIngest = async (...[display, open, size, sizeExact, origin, kind, depth, parent]: Source): Promise<void> => {
    // A commit that failed before this member undid its archive with it: there is nothing to read
    // it from (and a stored copy would belong to no archive).
    if (parent !== null && itemById(session.db, parent) === undefined) {
      files.push(emptyResult(display, ARCHIVE_UNDONE));
      return;
    }
    if (parent !== null) totalBytes += size;
    // An input that cannot fit fails at once, before any of it is stored (so, like an unreadable
    // path, it leaves the case and its journal unchanged), and the next ones still try.
    let short = sizeExact ? storageShortfall(session.db, session.file, size, group.pendingBytes * CASE_GROWTH_PER_INPUT_BYTE) : null;
    if (short !== null && group.pendingBytes > 0) {
      // The open group's pages are not on disk yet: commit them while they still fit, then look again.
      group.commit();
      undoLostGroup(null);
      short = storageShortfall(session.db, session.file, size);
    }
    if (short) {
      files.push(emptyResult(display, short));
      journal(files.length - 1, 'import.refused', { evidence_id: null, ...archiveOf(parent), path: display, bytes: size, reason: short });
      return;
    }
    fileNo++;
    const file = fileNo;
    const before = doneBytes;
    const progress = (phase: ImportProgress['phase'], bytes: number, records: number): void =>
      opts.onProgress?.({
        phase,
        path: display,
        file,
        bytes,
        fileBytes: size,
        records,
        totalBytesDone: before + (phase === 'storing' ? bytes : size),
        totalBytes,
      });
    const codec: EvidenceCodec = opts.codec ?? (size > COMPRESS_ABOVE ? 'deflate-raw' : 'identity');
    let stored;
    try {
      stored = await session.evidence.add(
        open() as AsyncIterable<Buffer>,
        { kind, origin, codec },
        { signal: opts.signal, onProgress: (b) => progress('storing', b, 0) },
      );
    } catch (err) {
      if (err instanceof MailtrailError && err.code === 'CANCELLED') throw err;
      const undone = undoLostGroup(display);
      const reason = isDiskFull(err) ? diskFullReason(session.db, session.file, 'storing') : `cannot read: ${(err as Error).message}`;
      files.push(emptyResult(display, `${reason}${undoneNote(undone)}`));
      journal(files.length - 1, 'import.refused', {
        evidence_id: null,
        ...archiveOf(parent),
        path: display,
        reason,
        ...(undone ? { undone_inputs: undone } : {}),
      });
      return;
    }
    doneBytes = before + size;
    const item = stored.item;
    const base: ImportFileResult = { ...emptyResult(display), sha256: item.sha256, bytes: item.bytes, evidenceId: item.id };
    // Archives: a row of their own (the SHA-256 of what was received), then the members, read from
    // the stored bytes.
    const head = await firstBytes(session, item.id);
    if (isGzip(head) && depth < MAX_ARCHIVE_DEPTH) {
      const inner = /\.tgz$/i.test(display) ? display.replace(/\.tgz$/i, '.tar') : display.replace(/\.gz$/i, '') || `${display}.out`;
      const member = basename(inner);
      files.push({ ...base, archive: 'gzip', note: `gzip file: its content is the next row (${member})` });
      let cut: InflateCut | null = null;
      const contentRow = files.length;
      await importSource(
        `${display}!${member}`,
        () =>
          inflateAsFarAsItGoes(session.evidence.open(item.id), 'gzip', (c) => {
            cut = c;
          }),
        gzipContentEstimate(session.db, item.id, item.bytes),
        false,
        {
          type: 'file',
          path: origin.type === 'file' ? origin.path : display,
          member: origin.type === 'file' && origin.member ? `${origin.member}!${member}` : member,
          mtimeUs: null,
        },
        'archive-member',
        depth + 1,
        item.id,
      );
      if (cut !== null) warnCut(contentRow, describeGzipCut(cut as InflateCut)); // set in the callback: TS narrows it to null here
      return;
    }
    const archive = depth >= MAX_ARCHIVE_DEPTH ? null : isZip(head) ? 'zip' : isTar(head) ? 'tar' : null;
    if (archive !== null) {
      const row = files.push({ ...base }) - 1;
      let members = 0;
      let salvaged: Salvage | null = null;
      // Set in a callback while reading: read through this, as TS narrows the variable to null.
      const salvage = (): Salvage | null => salvaged;
      let cutMember = false;
      let tarEnd: TarEnd = 'end';
      let tarGaps: TarGaps = { count: 0, bytes: 0 };
      try {
        // An Office file is a zip of XML parts: one row saying what it is, not one failure a part.
        const office = archive === 'zip' ? officeDocumentKind(await archiveNames(session.db, item.id, item.bytes)) : null;
        if (office !== null) {
          const reason = `${office.what}, ${office.advice}`;
          files[row] = { ...base, error: reason };
          journal(row, 'import.unreadable', { evidence_id: item.id, path: display, reason });
          return;
        }
        const list =
          archive === 'zip'
            ? archiveMembers(
                session.db,
                item.id,
                item.bytes,
                (why) => (salvaged = { why, cut: 0, damaged: 0, stoppedAt: null }),
                opts.archivePasswords,
              )
            : tarArchiveMembers(session.db, item.id, item.bytes, (how, gaps) => {
                tarEnd = how;
                tarGaps = gaps;
              });
        for await (const m of list) {
          // A failure while handling the previous member (a journal entry on a full disk) undid the group
          // that stored the archive: its row says so already, and nothing more can be read from it.
          if (files[row]!.evidenceId === null) return;
          members++;
          if (m.endsWalk === 'cut' && salvage() !== null) salvage()!.cut++;
          if (m.endsWalk === 'lost' && salvage() !== null) salvage()!.stoppedAt = m.name;
          const memberDisplay = `${display}!${m.name}`;
          const skipped = osMetadata(m.name, false);
          if (skipped !== null) {
            files.push({ ...emptyResult(memberDisplay), bytes: m.size, skipped });
            journal(files.length - 1, 'import.skipped', { evidence_id: item.id, path: memberDisplay, bytes: m.size, reason: skipped });
            continue;
          }
          if (m.problem) {
            files.push(emptyResult(memberDisplay, m.problem));
            // Stored inside its archive all the same: the archive's item holds its bytes.
            journal(files.length - 1, 'import.unreadable', { evidence_id: item.id, path: memberDisplay, reason: m.problem });
            continue;
          }
          const memberRow = files.length;
          await importSource(
            memberDisplay,
            () => streamOf(m.open()),
            m.size,
            m.sizeExact,
            {
              type: 'file',
              path: origin.type === 'file' ? origin.path : display,
              member: origin.type === 'file' && origin.member ? `${origin.member}!${m.name}` : m.name,
              mtimeUs: null,
              ...(m.decrypted !== null ? { decrypted: m.decrypted } : {}),
            },
            'archive-member',
            depth + 1,
            item.id,
          );
          // A member's failure undid the group that stored the archive: its row says so already,
          // and the rest of its members can no longer be read from the case.
          if (files[row]!.evidenceId === null) return;
          const cut = m.cut();
          if (cut !== null) {
            cutMember = true;
            warnCut(memberRow, describeMemberCut(archive, cut));
          }
          if (cut !== null && cut.how !== 'cut off' && salvage() !== null) salvage()!.damaged++;
        }
        if (files[row]!.evidenceId === null) return;
        const unread =
          members > 0 ? null : archive === 'zip' ? (salvage() !== null ? NO_MEMBERS_FOUND : null) : tarUnread(tarEnd as TarEnd);
        if (unread !== null) {
          files[row] = { ...base, archive, error: unread };
          journal(row, 'import.unreadable', { evidence_id: item.id, path: display, reason: unread });
          return;
        }
        files[row] = {
          ...base,
          archive,
          note: `${archive} archive: its ${members} member${members === 1 ? ' is' : 's are'} the next rows`,
        };
        // Set in the callbacks while reading: TS narrows them to their first values here.
        const warning =
          archive === 'zip'
            ? salvage() !== null
              ? salvageWarning(members, salvage()!)
              : null
            : tarWarning(tarEnd as TarEnd, members, cutMember, tarGaps);
        if (warning !== null) warnCut(row, warning);
      } catch (err) {
        if (err instanceof MailtrailError && err.code === 'CANCELLED') throw err;
        undoLostGroup(display);
        // Undone with a group (its row says so already): nothing of it is left to point at.
        if (files[row]!.evidenceId === null) return;
        const reason = zipFailure(err as Error, members);
        files[row] = { ...base, archive, error: reason };
        journal(row, 'import.unreadable', { evidence_id: item.id, path: display, reason: `archive: ${(err as Error).message}` });
      }
      return;
    }
    // The stored size decides how the item is parsed (a gzip member's size was an estimate): one
    // that goes to the parse thread commits the group first and commits per batch on its own; a
    // small one stored outside any group is parsed outside one too.
    group.before(item.bytes, false);
    if (undoLostGroup(null) !== null && itemById(session.db, item.id) === undefined) {
      // Committing the group before a large item failed, and took the item's storing with it: no
      // row or journal entry may point at its id, which the next stored input will be given.
      files.push(emptyResult(display, 'not imported: committing the inputs imported before it failed and undid it too; import it again'));
      return;
    }
    bulk.enter();
    try {
      const s = await ingestEvidence(session, item.id, {
        format: opts.format,
        mailbox: opts.mailbox,
        dateOrder: opts.dateOrder,
        signal: opts.signal,
        enricher: opts.enricher,
        batchRecords: opts.batchRecords,
        parseThread: opts.parseThread,
        // One bulk full-text build at the end of the import: measured ~7% faster at 1M records than
        // filling it inline (it reads the new rows back once instead of growing FTS segments per batch).
        deferIndex: true,
        onProgress: (p) => progress('parsing', p.bytes, p.records),
      });
      files.push({
        ...base,
        format: s.format,
        read: s.read,
        imported: s.imported,
        duplicates: s.duplicates,
        quarantined: s.quarantined,
        ...(s.upgraded > 0 ? { upgraded: s.upgraded } : {}),
        firstUs: s.firstUs,
        lastUs: s.lastUs,
        ...(s.warnings.length > 0 ? { warnings: s.warnings } : {}),
      });
      if (s.pageRole !== 'none') pageRoles.set(files.length - 1, { pageRole: s.pageRole, pull: s.pull });
    } catch (err) {
      if (err instanceof MailtrailError && err.code === 'CANCELLED') throw err;
      if (err instanceof ReferenceDataNotice) {
        files.push({ ...base, note: err.message });
        journal(files.length - 1, 'import.reference', { evidence_id: item.id, path: display, kind: err.what });
        return;
      }
      const undone = undoLostGroup(display);
      const reason =
        err instanceof UnreadableEvidenceError
          ? err.message
          : isDiskFull(err)
            ? diskFullReason(session.db, session.file, 'parsing')
            : `cannot parse: ${(err as Error).message}`;
      if (undone !== null) {
        // Its evidence went with the group: nothing of it is in the case to point at.
        files.push(emptyResult(display, `${reason}${undoneNote(undone)}`));
        journal(files.length - 1, 'import.unreadable', { evidence_id: null, path: display, reason, undone_inputs: undone });
        return;
      }
      // The batches it committed before the failure stay: the row counts them, so it adds up to the case.
      const part = committedBeforeFailure(err);
      files.push({ ...base, ...(part ?? {}), error: reason });
      journal(files.length - 1, 'import.unreadable', {
        evidence_id: item.id,
        path: display,
        reason,
        ...(part && part.read > 0 ? { records_committed: part.read } : {}),
      });
    }
  };

  /** The bulk rebuild at the end; a full disk leaves them to the next open, with a warning. */
  const rebuildIndexes = (): void => {
    try {
      bulk.leave();
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      warnings.push(
        'the disk holding the case filled while the event indexes were rebuilt: the imported events are kept, and the indexes are rebuilt when the case is next opened; it opens read-write only once there is room for them (read-only meanwhile)',
      );
    }
  };

  const indexing = (step: 'indexes' | 'full-text'): void =>
    opts.onProgress?.({
      phase: 'indexing',
      step,
      path: '',
      file: fileNo,
      bytes: 0,
      fileBytes: 0,
      records: 0,
      totalBytesDone: totalBytes,
      totalBytes,
    });
  try {
    for (const input of inputs) {
      // Not stored, but not silently passed over either: the case says what was left out and why.
      if (input.error) {
        files.push(emptyResult(input.path, input.error));
        journal(files.length - 1, 'import.refused', { evidence_id: null, path: input.path, reason: input.error });
        continue;
      }
      if (input.skipped !== undefined) {
        files.push({ ...emptyResult(input.path), bytes: input.bytes, skipped: input.skipped });
        journal(files.length - 1, 'import.skipped', { evidence_id: null, path: input.path, bytes: input.bytes, reason: input.skipped });
        continue;
      }
      let head: Buffer;
      try {
        head = await readHead(input.path);
      } catch (err) {
        const reason = `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
        files.push(emptyResult(input.path, reason));
        journal(files.length - 1, 'import.refused', { evidence_id: null, path: input.path, reason });
        continue;
      }
      await importSource(
        input.path,
        () => createReadStream(input.path, { highWaterMark: 1024 * 1024 }),
        input.bytes,
        true,
        { type: 'file', path: input.path, member: null, mtimeUs: input.mtimeUs },
        isZip(head) || isTar(head) ? 'archive' : 'file',
        0,
        null,
      );
    }
  } finally {
    // Also after a failure or a cancellation: what the group finished stays (each input's own
    // transactions were savepoints in it), and the committed batches need their indexes.
    group.commit();
    undoLostGroup(null);
    if (bulk.pending) {
      indexing('indexes');
      rebuildIndexes();
    }
  }
  indexing('full-text');
  try {
    indexPendingEvents(session.db);
  } catch (err) {
    if (!isDiskFull(err)) throw err;
    warnings.push(
      'the disk holding the case filled while the full-text index was built: the imported events are kept, and the index catches up at the next import or analysis with room (free-text search misses them until then)',
    );
  }
  flagOpenPageSets(files, pageRoles, journal);
  const sum = (k: 'read' | 'imported' | 'duplicates' | 'quarantined'): number => files.reduce((s, f) => s + f[k], 0);
  const upgraded = files.reduce((s, f) => s + (f.upgraded ?? 0), 0);
  return {
    files,
    read: sum('read'),
    imported: sum('imported'),
    duplicates: sum('duplicates'),
    quarantined: sum('quarantined'),
    ...(upgraded > 0 ? { upgraded } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/**
 * Warns on each one-page file whose next page no file of the import holds (`pageSetWarnings`), and
 * journals it (`import.incomplete`).
 */
function flagOpenPageSets(
  files: ImportFileResult[],
  roles: ReadonlyMap<number, PageJudgement>,
  journal: (row: number, action: string, details: Record<string, unknown>) => void,
): void {
  const pages = [...roles].map(([i, r]) => ({ i, path: files[i]!.path, format: files[i]!.format ?? '', ...r }));
  for (const [k, warning] of pageSetWarnings(pages)) {
    const f = files[pages[k]!.i]!;
    f.warnings = [...(f.warnings ?? []), warning];
    journal(pages[k]!.i, 'import.incomplete', { evidence_id: f.evidenceId, path: f.path, warning });
  }
}

async function firstBytes(session: CaseSession, id: number): Promise<Buffer> {
  const stream = session.evidence.open(id);
  for await (const chunk of stream) {
    stream.destroy();
    return (chunk as Buffer).subarray(0, 512); // enough to tell a zip, a gzip file or a tar
  }
  return Buffer.alloc(0);
}

async function* streamOf(p: Promise<NodeJS.ReadableStream>): AsyncGenerator<Buffer> {
  const s = await p;
  for await (const chunk of s as AsyncIterable<Buffer>) yield chunk;
}
