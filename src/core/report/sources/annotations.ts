/**
 * Tags, stars and comments as the report and the exports need them, read through the annotation
 * area's repository functions (`store/annotations-repo`, written by `core/annotate`).
 */
import { eventIdsWithTags, listComments, listTags, starOf, starredEventIds, tagsOfEvent } from '../../store/annotations-repo';
import type { Db } from '../../store/database';

/** A tag with its use. */
export interface TagUse {
  name: string;
  color: string;
  description: string | null;
  events: number;
}

/** What examiners attached to one event. */
export interface EventNotes {
  tags: { name: string; color: string }[];
  starred: boolean;
  comments: { author: string; atUs: number; text: string }[];
}

/** Which annotated events a report or export selects. */
export interface NoteSelection {
  /** Tagged events only (no starred-only events). */
  onlyTagged: boolean;
  /** Only events with one of these tags (empty: any tag). */
  tags: string[];
}

/** Annotation reads; `available` is false when the case has no annotation tables. */
export interface Annotations {
  available: boolean;
  tagUses(): TagUse[];
  /** Ids of tagged and/or starred events per the selection, ascending. */
  selectedEventIds(selection: NoteSelection): number[];
  /** Notes of the given events (events without any note are absent). */
  notesFor(ids: readonly number[]): Map<number, EventNotes>;
}

const none: Annotations = {
  available: false,
  tagUses: () => [],
  selectedEventIds: () => [],
  notesFor: () => new Map(),
};

/** The annotations of the case in `db`. */
export function annotationsOf(db: Db): Annotations {
  let tags: ReturnType<typeof listTags>;
  try {
    tags = listTags(db);
  } catch (err) {
    // A case opened read-only at an older schema has no annotation tables.
    if (/no such table/.test((err as Error).message)) return none;
    throw err;
  }
  return {
    available: true,
    tagUses: () =>
      tags.filter((t) => t.count > 0).map((t) => ({ name: t.name, color: t.color, description: t.description, events: t.count })),
    selectedEventIds: (selection) => {
      const names = selection.tags.length > 0 ? selection.tags : tags.map((t) => t.name);
      const ids = new Set(eventIdsWithTags(db, names));
      if (!selection.onlyTagged && selection.tags.length === 0) for (const id of starredEventIds(db)) ids.add(id);
      return [...ids].sort((a, b) => a - b);
    },
    notesFor: (ids) => {
      const out = new Map<number, EventNotes>();
      for (const id of ids) {
        const t = tagsOfEvent(db, id);
        const starred = starOf(db, id) !== null;
        const comments = listComments(db, id);
        if (t.length === 0 && !starred && comments.length === 0) continue;
        out.set(id, {
          tags: t.map((x) => ({ name: x.name, color: x.color })),
          starred,
          comments: comments.map((c) => ({ author: c.author, atUs: c.atUs, text: c.text })),
        });
      }
      return out;
    },
  };
}
