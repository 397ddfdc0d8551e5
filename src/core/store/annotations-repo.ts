/** SQL for annotations: tags, event tags, stars, comments and saved views. */
import type { EventComment, SavedView, Tag, TimelineGroup } from '../../shared/model/analysis';
import type { Db } from './database';

/** A tag row. */
export interface TagRow {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

/** The tag named `name` (case-insensitive), if any. */
export function tagByName(db: Db, name: string): TagRow | undefined {
  return db.prepare('SELECT id, name, color, description FROM tags WHERE name = ?').get(name) as TagRow | undefined;
}

/** Creates a tag. */
export function insertTag(db: Db, name: string, color: string, description: string | null, atUs: number, by: string): TagRow {
  const id = Number(
    db
      .prepare('INSERT INTO tags (name, color, description, created_at_us, created_by) VALUES (?, ?, ?, ?, ?)')
      .run(name, color, description, atUs, by).lastInsertRowid,
  );
  return { id, name, color, description };
}

/** Changes a tag's colour / description. */
export function updateTag(db: Db, id: number, color: string, description: string | null): void {
  db.prepare('UPDATE tags SET color = ?, description = ? WHERE id = ?').run(color, description, id);
}

/** Every tag with its event count. */
export function listTags(db: Db): Tag[] {
  return db
    .prepare(
      `SELECT t.id, t.name, t.color, t.description, (SELECT count(*) FROM event_tags et WHERE et.tag_id = t.id) AS count
       FROM tags t ORDER BY t.name`,
    )
    .all() as Tag[];
}

/** Ids among `ids` that exist as events. */
export function existingEventIds(db: Db, ids: number[]): number[] {
  const out: number[] = [];
  const stmt = db.prepare('SELECT id FROM events WHERE id = ?').pluck(true);
  for (const id of ids) if (stmt.get(id) !== undefined) out.push(id);
  return out;
}

/** Adds a tag to events; returns how many did not have it. */
export function addEventTags(db: Db, tagId: number, ids: number[], atUs: number, by: string): number {
  const stmt = db.prepare('INSERT INTO event_tags (event_id, tag_id, added_at_us, added_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  let n = 0;
  for (const id of ids) n += stmt.run(id, tagId, atUs, by).changes;
  return n;
}

/** Removes a tag from events; returns how many had it. */
export function removeEventTags(db: Db, tagId: number, ids: number[]): number {
  const stmt = db.prepare('DELETE FROM event_tags WHERE event_id = ? AND tag_id = ?');
  let n = 0;
  for (const id of ids) n += stmt.run(id, tagId).changes;
  return n;
}

/** Tags of one event. */
export function tagsOfEvent(db: Db, eventId: number): { name: string; color: string; addedBy: string; addedAtUs: number }[] {
  return db
    .prepare(
      `SELECT t.name, t.color, et.added_by AS addedBy, et.added_at_us AS addedAtUs FROM event_tags et JOIN tags t ON t.id = et.tag_id
       WHERE et.event_id = ? ORDER BY t.name`,
    )
    .all(eventId) as { name: string; color: string; addedBy: string; addedAtUs: number }[];
}

/** Event ids carrying any of the named tags (case-insensitive). */
export function eventIdsWithTags(db: Db, names: string[]): number[] {
  if (names.length === 0) return [];
  return db
    .prepare(
      `SELECT DISTINCT et.event_id FROM event_tags et JOIN tags t ON t.id = et.tag_id
       WHERE t.name IN (${names.map(() => '?').join(', ')}) ORDER BY et.event_id`,
    )
    .pluck(true)
    .all(...names) as number[];
}

/** Stars or unstars an event; returns whether anything changed. */
export function setStar(db: Db, eventId: number, starred: boolean, atUs: number, by: string): boolean {
  if (starred) {
    return (
      db.prepare('INSERT INTO stars (event_id, starred_at_us, starred_by) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(eventId, atUs, by)
        .changes === 1
    );
  }
  return db.prepare('DELETE FROM stars WHERE event_id = ?').run(eventId).changes === 1;
}

/** The star of an event, if any. */
export function starOf(db: Db, eventId: number): { by: string; atUs: number } | null {
  const r = db.prepare('SELECT starred_by AS by, starred_at_us AS atUs FROM stars WHERE event_id = ?').get(eventId) as
    { by: string; atUs: number } | undefined;
  return r ?? null;
}

/** Every starred event id, in time order. */
export function starredEventIds(db: Db): number[] {
  return db
    .prepare('SELECT s.event_id FROM stars s JOIN events e ON e.id = s.event_id ORDER BY e.ts_us, e.id')
    .pluck(true)
    .all() as number[];
}

/** Adds a comment. */
export function insertComment(db: Db, eventId: number, author: string, atUs: number, text: string): EventComment {
  const id = Number(
    db.prepare('INSERT INTO comments (event_id, author, at_us, text) VALUES (?, ?, ?, ?)').run(eventId, author, atUs, text).lastInsertRowid,
  );
  return { id, eventId, author, atUs, text };
}

/** One comment. */
export function commentById(db: Db, id: number): EventComment | undefined {
  return db.prepare('SELECT id, event_id AS eventId, author, at_us AS atUs, text FROM comments WHERE id = ?').get(id) as
    EventComment | undefined;
}

/** Deletes a comment. */
export function deleteComment(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM comments WHERE id = ?').run(id).changes === 1;
}

/** Comments of one event (oldest first), or of every event when `eventId` is undefined. */
export function listComments(db: Db, eventId?: number): EventComment[] {
  const sql = 'SELECT id, event_id AS eventId, author, at_us AS atUs, text FROM comments';
  return (
    eventId === undefined ? db.prepare(`${sql} ORDER BY id`).all() : db.prepare(`${sql} WHERE event_id = ? ORDER BY id`).all(eventId)
  ) as EventComment[];
}

interface ViewRow {
  id: number;
  name: string;
  query: string;
  from_us: number | null;
  to_us: number | null;
  columns: string;
  group_by: string | null;
  created_by: string;
  created_at_us: number;
  updated_at_us: number;
}

function toView(r: ViewRow): SavedView {
  return {
    id: r.id,
    name: r.name,
    query: r.query,
    fromUs: r.from_us,
    toUs: r.to_us,
    columns: JSON.parse(r.columns) as string[],
    groupBy: r.group_by as TimelineGroup | null,
    createdBy: r.created_by,
    createdAtUs: r.created_at_us,
    updatedAtUs: r.updated_at_us,
  };
}

/** Saves a view (replacing one of the same name). */
export function upsertView(
  db: Db,
  v: { name: string; query: string; fromUs: number | null; toUs: number | null; columns: string[]; groupBy: string | null },
  atUs: number,
  by: string,
): SavedView {
  db.prepare(
    `INSERT INTO saved_views (name, query, from_us, to_us, columns, group_by, created_by, created_at_us, updated_at_us)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET query = excluded.query, from_us = excluded.from_us, to_us = excluded.to_us,
       columns = excluded.columns, group_by = excluded.group_by, updated_at_us = excluded.updated_at_us`,
  ).run(v.name, v.query, v.fromUs, v.toUs, JSON.stringify(v.columns), v.groupBy, by, atUs, atUs);
  return toView(db.prepare('SELECT * FROM saved_views WHERE name = ?').get(v.name) as ViewRow);
}

/** Every saved view by name. */
export function listViews(db: Db): SavedView[] {
  return (db.prepare('SELECT * FROM saved_views ORDER BY name').all() as ViewRow[]).map(toView);
}

/** One view by id. */
export function viewById(db: Db, id: number): SavedView | undefined {
  const r = db.prepare('SELECT * FROM saved_views WHERE id = ?').get(id) as ViewRow | undefined;
  return r ? toView(r) : undefined;
}

/** Deletes a view. */
export function deleteView(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM saved_views WHERE id = ?').run(id).changes === 1;
}

/** Further places (evidence item, record index) the record of an event was seen. */
export function sightingsOfEvent(db: Db, eventId: number): { evidenceId: number; recordIndex: number }[] {
  return db
    .prepare(
      'SELECT evidence_id AS evidenceId, record_index AS recordIndex FROM event_sightings WHERE event_id = ? ORDER BY evidence_id, record_index',
    )
    .all(eventId) as { evidenceId: number; recordIndex: number }[];
}
