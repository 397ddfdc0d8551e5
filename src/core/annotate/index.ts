/**
 * Examiner annotations, every one journaled (examiner and UTC time come from the journal entry
 * written in the same transaction as the change): tags with colours, bulk tagging by query,
 * stars, comments, saved views and examiner-added (manual) events.
 */
import { createHash, randomUUID } from 'node:crypto';
import { MailtrailError } from '../../shared/errors';
import type { EventComment, SavedView, Tag, TimelineGroup } from '../../shared/model/analysis';
import type { NormalizedEvent, EventCategory } from '../../shared/model/event';
import { EVENT_CATEGORIES } from '../../shared/model/event';
import type { CaseSession } from '../case/case-file';
import { filterFor } from '../analyze/queries';
import { refreshIndexes } from '../analyze/freshness';
import {
  addEventTags,
  commentById,
  deleteComment,
  deleteView,
  existingEventIds,
  insertComment,
  insertTag,
  listTags,
  removeEventTags,
  setStar,
  tagByName,
  updateTag,
  upsertView,
  viewById,
  type TagRow,
} from '../store/annotations-repo';
import { EventWriter } from '../store/events-repo';
import { matchingIds } from '../store/query-repo';
import { RecordKeyLookup } from '../store/record-hash';

/** Well-known tags and their colours; other tags get a colour from {@link TAG_PALETTE}. */
export const DEFAULT_TAG_COLORS: Readonly<Record<string, string>> = {
  malicious: '#c62828',
  confirmed: '#8e0000',
  suspicious: '#ef6c00',
  benign: '#2e7d32',
  'false-positive': '#757575',
  'key-event': '#1565c0',
  exfiltration: '#6a1b9a',
  persistence: '#ad1457',
};
/** Colours handed out to new tags, by a hash of the name. */
export const TAG_PALETTE = ['#00838f', '#5d4037', '#9e9d24', '#4527a0', '#d84315', '#00695c', '#283593', '#827717'];

const COLOR = /^#[0-9a-f]{6}$/i;
/** Journal entries list event ids up to this many; above it, a count and a SHA-256 of the sorted list. */
const JOURNAL_ID_LIMIT = 1000;

function requireWritable(session: CaseSession): void {
  if (session.readOnly) throw new MailtrailError('UNSUPPORTED', 'the case is open read-only');
}

function checkTagName(name: string): string {
  const n = name.trim();
  if (!n || n.length > 64 || [...n].some((ch) => ch.charCodeAt(0) < 0x20))
    throw new MailtrailError('INVALID_INPUT', `invalid tag name "${name}" (1–64 printable characters)`);
  return n;
}

function defaultColor(name: string): string {
  const known = DEFAULT_TAG_COLORS[name.toLowerCase()];
  if (known) return known;
  const h = createHash('sha256').update(name.toLowerCase()).digest();
  return TAG_PALETTE[h[0]! % TAG_PALETTE.length]!;
}

/** Event ids for the journal: the list when short, otherwise a count and digest. */
function idsForJournal(ids: number[]): Record<string, unknown> {
  const sorted = [...ids].sort((a, b) => a - b);
  if (sorted.length <= JOURNAL_ID_LIMIT) return { event_ids: sorted };
  return {
    event_count: sorted.length,
    event_ids_sha256: createHash('sha256').update(sorted.join(',')).digest('hex'),
    first_event_ids: sorted.slice(0, 20),
  };
}

function ensureTag(session: CaseSession, name: string, color?: string): TagRow {
  const existing = tagByName(session.db, name);
  if (existing) {
    if (color && color.toLowerCase() !== existing.color.toLowerCase()) {
      updateTag(session.db, existing.id, color, existing.description);
      session.journal.append('annotate.tag-update', { tag: existing.name, color, previous_color: existing.color });
      return { ...existing, color };
    }
    return existing;
  }
  const row = insertTag(session.db, name, color ?? defaultColor(name), null, session.clock(), session.examiner);
  session.journal.append('annotate.tag-create', { tag: row.name, color: row.color });
  return row;
}

/** Every tag with its event count. */
export function tags(session: Pick<CaseSession, 'db'>): Tag[] {
  return listTags(session.db);
}

/** Creates a tag or changes its colour / description (journaled). */
export function defineTag(
  session: CaseSession,
  input: { name: string; color?: string | undefined; description?: string | undefined },
): Tag {
  requireWritable(session);
  const name = checkTagName(input.name);
  if (input.color && !COLOR.test(input.color)) throw new MailtrailError('INVALID_INPUT', `invalid colour ${input.color} (use #rrggbb)`);
  session.db
    .transaction(() => {
      const row = ensureTag(session, name, input.color);
      if (input.description !== undefined && input.description !== row.description) {
        updateTag(session.db, row.id, row.color, input.description);
        session.journal.append('annotate.tag-update', { tag: row.name, description: input.description });
      }
    })
    .immediate();
  return listTags(session.db).find((t) => t.name.toLowerCase() === name.toLowerCase())!;
}

/** Result of tagging. */
export interface TagResult {
  tag: string;
  color: string;
  /** Events that now carry the tag and did not before (or lost it, for untag). */
  changed: number;
  /** Events addressed. */
  matched: number;
}

/** Tags events by id (journaled `annotate.tag`); unknown ids are an error naming them. */
export function tagEvents(session: CaseSession, input: { ids: number[]; tag: string; color?: string | undefined }): TagResult {
  requireWritable(session);
  const name = checkTagName(input.tag);
  const ids = [...new Set(input.ids)];
  const found = existingEventIds(session.db, ids);
  if (found.length !== ids.length) {
    const missing = ids.filter((id) => !found.includes(id));
    throw new MailtrailError('NOT_FOUND', `no event ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ' …' : ''}`);
  }
  return session.db
    .transaction((): TagResult => {
      const tag = ensureTag(session, name, input.color);
      const changed = addEventTags(session.db, tag.id, ids, session.clock(), session.examiner);
      session.journal.append('annotate.tag', { tag: tag.name, added: changed, ...idsForJournal(ids) });
      return { tag: tag.name, color: tag.color, changed, matched: ids.length };
    })
    .immediate();
}

/** Tags every event matching a query (bulk tag; journaled with the query and range). */
export function tagByQuery(
  session: CaseSession,
  input: { query: string; fromUs?: number | undefined; toUs?: number | undefined; tag: string; color?: string | undefined },
): TagResult {
  requireWritable(session);
  const name = checkTagName(input.tag);
  const filter = filterFor(session, input.query);
  const ids = matchingIds(session.db, filter, input.fromUs, input.toUs);
  return session.db
    .transaction((): TagResult => {
      const tag = ensureTag(session, name, input.color);
      const changed = addEventTags(session.db, tag.id, ids, session.clock(), session.examiner);
      session.journal.append('annotate.tag-query', {
        tag: tag.name,
        query: input.query,
        from_us: input.fromUs ?? null,
        to_us: input.toUs ?? null,
        added: changed,
        ...idsForJournal(ids),
      });
      return { tag: tag.name, color: tag.color, changed, matched: ids.length };
    })
    .immediate();
}

/** Removes a tag from events (journaled `annotate.untag`). */
export function untagEvents(session: CaseSession, input: { ids: number[]; tag: string }): TagResult {
  requireWritable(session);
  const tag = tagByName(session.db, input.tag.trim());
  if (!tag) throw new MailtrailError('NOT_FOUND', `no tag "${input.tag}"`);
  const ids = [...new Set(input.ids)];
  return session.db
    .transaction((): TagResult => {
      const changed = removeEventTags(session.db, tag.id, ids);
      session.journal.append('annotate.untag', { tag: tag.name, removed: changed, ...idsForJournal(ids) });
      return { tag: tag.name, color: tag.color, changed, matched: ids.length };
    })
    .immediate();
}

function requireEvent(session: CaseSession, id: number): void {
  if (existingEventIds(session.db, [id]).length === 0) throw new MailtrailError('NOT_FOUND', `no event ${id}`);
}

/** Stars or unstars an event (journaled `annotate.star` / `annotate.unstar` when it changes). */
export function starEvent(
  session: CaseSession,
  input: { id: number; starred: boolean },
): { id: number; starred: boolean; changed: boolean } {
  requireWritable(session);
  requireEvent(session, input.id);
  return session.db
    .transaction(() => {
      const changed = setStar(session.db, input.id, input.starred, session.clock(), session.examiner);
      if (changed) session.journal.append(input.starred ? 'annotate.star' : 'annotate.unstar', { event_id: input.id });
      return { id: input.id, starred: input.starred, changed };
    })
    .immediate();
}

/** Adds a comment to an event (author = the session's examiner; journaled with the text). */
export function commentEvent(session: CaseSession, input: { id: number; text: string }): EventComment {
  requireWritable(session);
  const text = input.text.trim();
  if (!text) throw new MailtrailError('INVALID_INPUT', 'the comment is empty');
  if (text.length > 20_000) throw new MailtrailError('INVALID_INPUT', 'the comment is longer than 20,000 characters');
  requireEvent(session, input.id);
  return session.db
    .transaction(() => {
      const c = insertComment(session.db, input.id, session.examiner, session.clock(), text);
      session.journal.append('annotate.comment', { comment_id: c.id, event_id: input.id, text });
      return c;
    })
    .immediate();
}

/** Deletes a comment (journaled with the text it had, so the journal keeps it). */
export function removeComment(session: CaseSession, input: { commentId: number }): { deleted: boolean } {
  requireWritable(session);
  const c = commentById(session.db, input.commentId);
  if (!c) throw new MailtrailError('NOT_FOUND', `no comment ${input.commentId}`);
  return session.db
    .transaction(() => {
      deleteComment(session.db, c.id);
      session.journal.append('annotate.comment-delete', { comment_id: c.id, event_id: c.eventId, author: c.author, text: c.text });
      return { deleted: true };
    })
    .immediate();
}

/** Saves (or replaces by name) a view: query, range, columns and grouping (journaled). */
export function saveView(
  session: CaseSession,
  input: {
    name: string;
    query: string;
    fromUs?: number | null | undefined;
    toUs?: number | null | undefined;
    columns?: string[] | undefined;
    groupBy?: TimelineGroup | null | undefined;
  },
): SavedView {
  requireWritable(session);
  const name = input.name.trim();
  if (!name) throw new MailtrailError('INVALID_INPUT', 'the view name is empty');
  filterFor(session, input.query);
  return session.db
    .transaction(() => {
      const v = upsertView(
        session.db,
        {
          name,
          query: input.query,
          fromUs: input.fromUs ?? null,
          toUs: input.toUs ?? null,
          columns: input.columns ?? [],
          groupBy: input.groupBy ?? null,
        },
        session.clock(),
        session.examiner,
      );
      session.journal.append('annotate.view-save', {
        view_id: v.id,
        name: v.name,
        query: v.query,
        from_us: v.fromUs,
        to_us: v.toUs,
        columns: v.columns,
        group_by: v.groupBy,
      });
      return v;
    })
    .immediate();
}

/** Deletes a saved view (journaled). */
export function removeView(session: CaseSession, input: { id: number }): { deleted: boolean } {
  requireWritable(session);
  const v = viewById(session.db, input.id);
  if (!v) throw new MailtrailError('NOT_FOUND', `no saved view ${input.id}`);
  return session.db
    .transaction(() => {
      deleteView(session.db, v.id);
      session.journal.append('annotate.view-delete', { view_id: v.id, name: v.name, query: v.query });
      return { deleted: true };
    })
    .immediate();
}

/** Input of {@link addManualEvent}. */
export interface ManualEventInput {
  /** When it happened (µs UTC). */
  atUs: number;
  /** What happened ("Phone call with the bank: wire recalled"). */
  text: string;
  /** Who it concerns (lower-cased UPN), if anyone. */
  actor?: string | null | undefined;
  mailbox?: string | null | undefined;
  category?: EventCategory | undefined;
  /** Tags to put on it at once. */
  tags?: string[] | undefined;
}

/**
 * Adds an examiner-added event. Its text is stored first as a small evidence item (kind `note`,
 * origin `manual`) so the invariant "every event points to an evidence item" holds; the event has
 * source `manual`, `examinerAdded = true` and appears in the timeline, search and report like any
 * other. Journaled as `annotate.manual-event`.
 */
export async function addManualEvent(session: CaseSession, input: ManualEventInput): Promise<{ eventId: number; evidenceId: number }> {
  requireWritable(session);
  const text = input.text.trim();
  if (!text) throw new MailtrailError('INVALID_INPUT', 'the note is empty');
  if (!Number.isSafeInteger(input.atUs)) throw new MailtrailError('INVALID_INPUT', 'invalid time');
  const category = input.category ?? 'other';
  if (!EVENT_CATEGORIES.includes(category)) throw new MailtrailError('INVALID_INPUT', `unknown category ${category}`);
  const noteId = randomUUID();
  const record = {
    type: 'mailtrail-examiner-note',
    id: noteId,
    at_us: input.atUs,
    at: new Date(Math.floor(input.atUs / 1000)).toISOString(),
    text,
    actor: input.actor?.toLowerCase() ?? null,
    mailbox: input.mailbox?.toLowerCase() ?? null,
    category,
    examiner: session.examiner,
    added_at_us: session.clock(),
  };
  const raw = JSON.stringify(record);
  const { item } = await session.evidence.add(raw, {
    kind: 'note',
    origin: { type: 'manual', description: `examiner note by ${session.examiner}` },
  });
  const ev: NormalizedEvent = {
    tsUs: input.atUs,
    source: 'manual',
    recordType: 'ExaminerNote',
    operation: 'Examiner note',
    category,
    actor: record.actor,
    mailbox: record.mailbox,
    clientIp: null,
    userAgent: null,
    clientApp: null,
    appId: null,
    sessionId: null,
    tokenId: null,
    deviceId: null,
    result: null,
    object: null,
    summary: text.split('\n')[0]!.slice(0, 500),
    recordKey: `manual:${noteId}`,
    attrs: { manual: { note: text } },
    raw,
  };
  const eventId = session.db
    .transaction(() => {
      new EventWriter(session.db).write(ev, item.id, 0, null, true);
      const id = lastEventIdByKey(session, ev.recordKey!);
      session.journal.append('annotate.manual-event', {
        event_id: id,
        evidence_id: item.id,
        at_us: input.atUs,
        text,
        actor: record.actor,
        category,
      });
      session.evidence.setCounts(item.id, { declared: 1, parsed: 1 });
      return id;
    })
    .immediate();
  refreshIndexes(session.db);
  for (const t of input.tags ?? []) tagEvents(session, { ids: [eventId], tag: t });
  return { eventId, evidenceId: item.id };
}

function lastEventIdByKey(session: CaseSession, key: string): number {
  const found = new RecordKeyLookup(session.db).find(key);
  if (!('event' in found)) throw new Error(`event ${key} was not written`);
  return found.event.id;
}
