/**
 * The writing half of the import: records into the case (inside the caller's transaction) with
 * counts, a per-import IP enrichment cache, and the closing journal entry of an item.
 */
import type { NormalizedEvent } from '../../shared/model/event';
import type { FormatId } from '../../shared/model/ingest';
import type { CaseSession } from '../case/case-file';
import type { DateOrder } from '../normalize/time';
import type { IpEnricher } from '../enrich';
import { derivedCursor, resetDerived } from '../store/derived-repo';
import { EventWriter, type CopyUpgrade, type EventEnrichment } from '../store/events-repo';
import { earlierQuarantine, type EarlierQuarantine } from '../store/ingest-repo';
import { judgeItem, type CompletenessSignals, type ItemCompleteness } from './completeness';
import { zeroTailWarning, type TextInfo } from './text';

const MAX_QUARANTINE_RAW = 1024 * 1024;

/**
 * Formats whose records are a flattened projection of a structured record (`store/copy-loss.ts`):
 * a structured copy of the same record, imported later, takes their place.
 */
const FLAT_LAYOUT_FORMATS: ReadonlySet<FormatId> = new Set(['entra-signin-csv']);

/**
 * Replacements an `import.replaced` entry details at most: a batch's go into such entries as the
 * import goes (so memory stays bounded), the last batch's into the item's `import.evidence` entry.
 */
export const REPLACEMENTS_PER_ENTRY = 1000;

/** A replacement as the journal details it. */
function journaledUpgrade(u: CopyUpgrade): Record<string, number | string> {
  return {
    event_id: u.eventId,
    replaced_evidence_id: u.from.evidenceId,
    replaced_record_index: u.from.recordIndex,
    loss_before: u.lossBefore,
    loss_after: u.lossAfter,
    ...(u.reason !== undefined ? { reason: u.reason } : {}),
  };
}

/** Counts of one item's records as written. */
export interface Counts {
  read: number;
  imported: number;
  duplicates: number;
  quarantined: number;
}

/** Times (µs, UTC) of the earliest and latest record of an item that became an event or a duplicate. */
export interface RecordSpan {
  firstUs: number | null;
  lastUs: number | null;
}

/** Writes records into the case (inside the caller's transaction) and counts them. */
export class RecordWriter {
  private readonly writer: EventWriter;
  private readonly earlier: EarlierQuarantine;
  /** For an item parsed before: finds the event an earlier parse made of a record (`events_evidence`). */
  private readonly eventAtStmt;
  /** Quarantine rows of an earlier parse this one removed or gave another reason ({@link EarlierQuarantine}). */
  replacedQuarantine = 0;
  readonly counts: Counts = { read: 0, imported: 0, duplicates: 0, quarantined: 0 };
  /** Duplicates whose copy was fuller than the stored one and took its place (counted in `duplicates` too). */
  upgraded = 0;
  /** Those not journaled yet (fewer than {@link REPLACEMENTS_PER_ENTRY}). */
  readonly upgrades: CopyUpgrade[] = [];
  /** `import.replaced` entries written for this item so far. */
  replacedEntries = 0;
  /** What the item covers: beside the search's range, it shows which end of a cut export is missing. */
  readonly span: RecordSpan = { firstUs: null, lastUs: null };
  /** Counts and span as of the last batch its transaction kept (see {@link markCommitted}). */
  committed: Counts & RecordSpan = { read: 0, imported: 0, duplicates: 0, quarantined: 0, firstUs: null, lastUs: null };

  constructor(
    private readonly session: CaseSession,
    private readonly evidenceId: number,
    inlineFts: boolean,
    format: FormatId,
    retime = false,
  ) {
    this.writer = new EventWriter(session.db, {
      inlineFts,
      retime,
      flatLayout: FLAT_LAYOUT_FORMATS.has(format),
      onUpgrade: (u) => this.upgradedOne(u),
    });
    this.earlier = earlierQuarantine(session.db, evidenceId);
    this.eventAtStmt =
      session.evidence.get(evidenceId).parsedCount !== null
        ? session.db.prepare('SELECT 1 FROM events WHERE evidence_id = ? AND record_index = ?').pluck(true)
        : null;
  }

  private upgradedOne(u: CopyUpgrade): void {
    this.upgraded++;
    this.upgrades.push(u);
    if (this.upgrades.length === REPLACEMENTS_PER_ENTRY) this.journalReplacements();
    // The counts and histograms hold the replaced copy's values: fold every event in again.
    if (u.eventId <= derivedCursor(this.session.db)) resetDerived(this.session.db);
  }

  /** A normalized event, `attrs` already serialised. */
  event(index: number, ev: Omit<NormalizedEvent, 'attrs'>, attrsJson: string, enrichment: EventEnrichment | null): void {
    this.counts.read++;
    if (this.span.firstUs === null || ev.tsUs < this.span.firstUs) this.span.firstUs = ev.tsUs;
    if (this.span.lastUs === null || ev.tsUs > this.span.lastUs) this.span.lastUs = ev.tsUs;
    const outcome = this.writer.writeSerialized(ev, attrsJson, this.evidenceId, index, enrichment);
    if (outcome === 'imported') this.counts.imported++;
    else this.counts.duplicates++;
    if (this.earlier.any) this.replacedQuarantine += this.earlier.drop(index);
  }

  /**
   * Journals the replacements not journaled yet in an `import.replaced` entry. In the batch's
   * transaction: a batch that rolls back takes its replacements and their entry with it, and one
   * that commits has journaled all of its own.
   */
  private journalReplacements(): void {
    if (this.upgrades.length === 0) return;
    this.session.journal.append('import.replaced', {
      evidence_id: this.evidenceId,
      upgraded_events: this.upgrades.splice(0).map(journaledUpgrade),
    });
    this.replacedEntries++;
  }

  /** Ends a batch that is not the item's last (whose replacements {@link finishItem} journals): call inside its transaction, before it commits. */
  endBatch(): void {
    this.journalReplacements();
  }

  /**
   * Marks the records written so far as kept: called once a batch commits, so a failure in a later
   * batch reports what the case holds, not what was read.
   */
  markCommitted(): void {
    this.committed = { ...this.counts, ...this.span };
  }

  /**
   * A record that could not be read or normalized. A re-run finds the row and does not add it
   * twice; a parse as another format gives the row its own reason.
   */
  reject(index: number, location: string, reason: string, raw: string | null): void {
    this.counts.read++;
    // An earlier parse of these bytes made an event of this record (read in a --date-order this
    // import was not given, or as another --format): the case holds it, so it is a duplicate.
    if (this.eventAtStmt !== null && !this.earlier.at(index) && this.eventAtStmt.get(this.evidenceId, index) !== undefined) {
      this.counts.duplicates++;
      return;
    }
    this.counts.quarantined++;
    const text = raw !== null && raw.length > MAX_QUARANTINE_RAW ? `${raw.slice(0, MAX_QUARANTINE_RAW)}…[truncated]` : raw;
    if (this.earlier.at(index)) this.replacedQuarantine += this.earlier.replace(index, location, reason, text);
    else this.writer.quarantine(this.evidenceId, index, location, reason, text);
  }

  /**
   * The item was read to its end: an earlier parse's rows past its last record go (a format that
   * read more records from the same bytes). Call inside the last transaction.
   */
  finish(): void {
    this.replacedQuarantine += this.earlier.dropFrom(this.counts.read);
  }
}

/** Caches IP enrichment per import (few distinct IPs, many events). */
export function cachedEnricher(enricher: IpEnricher): (ip: string | null) => EventEnrichment | null {
  const cache = new Map<string, EventEnrichment | null>();
  return (ip) => {
    if (ip === null) return null;
    let e = cache.get(ip);
    if (e === undefined) {
      e = enricher.lookup(ip);
      if (cache.size > 100_000) cache.clear();
      cache.set(ip, e);
    }
    return e;
  };
}

/** When the bytes were observed: the HTTP request time for responses, else the acquisition time. */
export function observedAt(item: { acquiredAtUs: number; origin: { type: string } }): number {
  const o = item.origin as { type: string; requestedAtUs?: unknown };
  return o.type === 'http' && typeof o.requestedAtUs === 'number' ? o.requestedAtUs : item.acquiredAtUs;
}

/**
 * Journals the item's summary and records its parsed count, once `out` has read the item to its
 * end (call inside the last transaction).
 * @returns what the item's completeness came to (`completeness.ts`; nothing when `signals` is
 *   null), journaled with it.
 */
export function finishItem(
  session: CaseSession,
  item: { id: number; sha256: string },
  format: FormatId,
  info: TextInfo,
  mailbox: string | null,
  out: RecordWriter,
  signals: CompletenessSignals | null,
  dateOrderGiven: DateOrder | null = null,
): ItemCompleteness {
  out.finish();
  const { counts: c, span } = out;
  const judgedAlone: ItemCompleteness =
    signals === null ? { warnings: [], pageRole: 'none', pull: null } : judgeItem(format, c.read, signals);
  // A file that ends in zeros was never completed, whoever wrote it.
  const judged: ItemCompleteness =
    info.zeroTail > 0 ? { ...judgedAlone, warnings: [...judgedAlone.warnings, zeroTailWarning(info.zeroTail)] } : judgedAlone;
  session.evidence.setCounts(item.id, { parsed: c.read });
  session.journal.append('import.evidence', {
    evidence_id: item.id,
    sha256: item.sha256,
    format,
    encoding: `${info.encoding}${info.bom ? ' with BOM' : ''}`,
    mailbox,
    // The examiner's reading of locale dates that read both ways (import --date-order).
    ...(dateOrderGiven !== null ? { date_order_given: dateOrderGiven } : {}),
    read: c.read,
    imported: c.imported,
    duplicates: c.duplicates,
    quarantined: c.quarantined,
    first_us: span.firstUs,
    last_us: span.lastUs,
    // Rows an earlier parse of these bytes (as another format) quarantined that this one did not.
    ...(out.replacedQuarantine > 0 ? { quarantine_replaced: out.replacedQuarantine } : {}),
    // Duplicates whose fuller copy replaced the stored one: where each replaced copy is (a sighting
    // now); those not in the item's `import.replaced` entries (`replaced_entries` of them) are here.
    ...(out.upgraded > 0
      ? {
          upgraded: out.upgraded,
          upgraded_events: out.upgrades.splice(0).map(journaledUpgrade),
          ...(out.replacedEntries > 0 ? { replaced_entries: out.replacedEntries } : {}),
        }
      : {}),
    ...(judged.warnings.length > 0 ? { warnings: judged.warnings } : {}),
    ...(judged.pageRole !== 'none' ? { page_role: judged.pageRole } : {}),
    ...(judged.pull !== null ? { page_pull: judged.pull } : {}),
  });
  return judged;
}
