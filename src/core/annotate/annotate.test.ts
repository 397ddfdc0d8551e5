import { afterEach, describe, expect, it } from 'vitest';
import { analysisCase, ev, HOUR } from '../../../test/helpers/events';
import { eventDetail } from '../analyze/detail';
import { queryEvents } from '../analyze/queries';
import { verifyAndRecord } from '../custody/record-verification';
import { listComments, listViews } from '../store/annotations-repo';
import {
  addManualEvent,
  commentEvent,
  defineTag,
  removeComment,
  removeView,
  saveView,
  starEvent,
  tagByQuery,
  tagEvents,
  tags,
  untagEvents,
} from './index';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const T = Date.UTC(2026, 0, 5, 9) * 1000;

async function fixture() {
  const c = await analysisCase();
  cleanups.push(c.cleanup);
  const ids = c.write([
    ev({ tsUs: T, actor: 'alice@contoso.com', clientIp: '146.70.53.21', summary: 'first' }),
    ev({ tsUs: T + HOUR, actor: 'alice@contoso.com', clientIp: '146.70.53.21', summary: 'second' }),
    ev({ tsUs: T + 2 * HOUR, actor: 'bob@contoso.com', clientIp: '8.8.8.8', summary: 'third' }),
  ]);
  const journal = () => c.session.journal.list(0, 1000);
  const last = () => journal()[journal().length - 1]!;
  return { ...c, ids, journal, last };
}

describe('annotations', () => {
  it('tags with colours (default, well-known, custom), untags, and journals each with examiner and time', async () => {
    const f = await fixture();
    const s = f.session;
    const r = tagEvents(s, { ids: [f.ids[0]!, f.ids[1]!], tag: 'malicious' });
    expect(r).toEqual({ tag: 'malicious', color: '#c62828', changed: 2, matched: 2 });
    const entry = f.last();
    expect(entry).toMatchObject({
      action: 'annotate.tag',
      examiner: 'Test Examiner',
      details: { tag: 'malicious', added: 2, event_ids: [f.ids[0], f.ids[1]] },
    });
    expect(entry.atUs).toBeGreaterThan(0);
    expect(f.journal().some((e) => e.action === 'annotate.tag-create' && e.details['color'] === '#c62828')).toBe(true);
    // Again: nothing changes, still journaled.
    expect(tagEvents(s, { ids: [f.ids[0]!], tag: 'Malicious' }).changed).toBe(0);
    expect(defineTag(s, { name: 'wire', color: '#123456', description: 'payment fraud' })).toMatchObject({
      name: 'wire',
      color: '#123456',
      description: 'payment fraud',
      count: 0,
    });
    expect(
      f
        .journal()
        .filter((e) => e.action.startsWith('annotate.tag-'))
        .map((e) => e.action),
    ).toEqual(['annotate.tag-create', 'annotate.tag-create', 'annotate.tag-update']);
    expect(untagEvents(s, { ids: [f.ids[1]!], tag: 'malicious' }).changed).toBe(1);
    expect(f.last()).toMatchObject({ action: 'annotate.untag', details: { removed: 1 } });
    expect(tags(s).map((t) => [t.name, t.count])).toEqual([
      ['malicious', 1],
      ['wire', 0],
    ]);
    expect(() => tagEvents(s, { ids: [999], tag: 'x' })).toThrow(/no event 999/);
    expect(() => defineTag(s, { name: 'x', color: 'red' })).toThrow(/invalid colour/);
  });

  it('bulk-tags by query and journals the query', async () => {
    const f = await fixture();
    const r = tagByQuery(f.session, { query: 'ip:146.70.0.0/16', tag: 'attacker-ip' });
    expect(r.matched).toBe(2);
    expect(f.last()).toMatchObject({
      action: 'annotate.tag-query',
      details: { query: 'ip:146.70.0.0/16', added: 2, event_ids: [f.ids[0], f.ids[1]] },
    });
    expect(queryEvents(f.session, { query: 'tag:attacker-ip' }).events.map((e) => e.id)).toEqual([f.ids[0], f.ids[1]]);
  });

  it('stars, comments (author + time), deletes comments keeping them in the journal', async () => {
    const f = await fixture();
    const s = f.session;
    expect(starEvent(s, { id: f.ids[2]!, starred: true })).toEqual({ id: f.ids[2], starred: true, changed: true });
    expect(f.last()).toMatchObject({ action: 'annotate.star', details: { event_id: f.ids[2] } });
    expect(starEvent(s, { id: f.ids[2]!, starred: true }).changed).toBe(false);
    starEvent(s, { id: f.ids[2]!, starred: false });
    expect(f.last().action).toBe('annotate.unstar');
    const c = commentEvent(s, { id: f.ids[0]!, text: '  Attacker IP, M247 Sofia. ' });
    expect(c).toMatchObject({ eventId: f.ids[0], author: 'Test Examiner', text: 'Attacker IP, M247 Sofia.' });
    expect(f.last()).toMatchObject({ action: 'annotate.comment', details: { comment_id: c.id, text: 'Attacker IP, M247 Sofia.' } });
    expect(eventDetail(s, f.ids[0]!).comments).toEqual([c]);
    removeComment(s, { commentId: c.id });
    expect(listComments(s.db)).toEqual([]);
    expect(f.last()).toMatchObject({
      action: 'annotate.comment-delete',
      details: { text: 'Attacker IP, M247 Sofia.', author: 'Test Examiner' },
    });
    expect(() => commentEvent(s, { id: f.ids[0]!, text: '  ' })).toThrow(/empty/);
  });

  it('saves, replaces and deletes views (journaled); refuses a view with a bad query', async () => {
    const f = await fixture();
    const s = f.session;
    const v = saveView(s, {
      name: 'Attacker',
      query: 'ip:146.70.0.0/16',
      fromUs: T,
      toUs: T + 5 * HOUR,
      columns: ['tsUs', 'operation'],
      groupBy: 'actor',
    });
    expect(v).toMatchObject({
      name: 'Attacker',
      query: 'ip:146.70.0.0/16',
      fromUs: T,
      columns: ['tsUs', 'operation'],
      groupBy: 'actor',
      createdBy: 'Test Examiner',
    });
    const v2 = saveView(s, { name: 'attacker', query: 'tag:malicious' });
    expect(v2.id).toBe(v.id);
    expect(listViews(s.db).map((x) => x.query)).toEqual(['tag:malicious']);
    expect(() => saveView(s, { name: 'bad', query: 'a OR' })).toThrow(/column 3/);
    removeView(s, { id: v.id });
    expect(listViews(s.db)).toEqual([]);
    expect(
      f
        .journal()
        .filter((e) => e.action.startsWith('annotate.view'))
        .map((e) => e.action),
    ).toEqual(['annotate.view-save', 'annotate.view-save', 'annotate.view-delete']);
  });

  it('adds manual events that appear in the timeline, are searchable, point to a note evidence item, and verify', async () => {
    const f = await fixture();
    const s = f.session;
    const r = await addManualEvent(s, {
      atUs: T + 90 * 60_000_000,
      text: 'Phone call with the bank: wire of 48,000 EUR recalled',
      actor: 'Alice@Contoso.com',
      tags: ['key-event'],
    });
    const page = queryEvents(s, {});
    expect(page.events.map((e) => e.id)).toEqual([f.ids[0], f.ids[1], r.eventId, f.ids[2]]);
    const manual = page.events.find((e) => e.id === r.eventId)!;
    expect(manual).toMatchObject({
      source: 'manual',
      examinerAdded: true,
      actor: 'alice@contoso.com',
      evidenceId: r.evidenceId,
      tags: ['key-event'],
    });
    expect(queryEvents(s, { query: 'bank recalled' }).events.map((e) => e.id)).toEqual([r.eventId]);
    expect(queryEvents(s, { query: 'source:manual' }).events.map((e) => e.id)).toEqual([r.eventId]);
    const detail = eventDetail(s, r.eventId);
    expect(detail.event.attrs.manual?.note).toBe('Phone call with the bank: wire of 48,000 EUR recalled');
    expect(JSON.parse(detail.event.raw)).toMatchObject({ type: 'mailtrail-examiner-note', examiner: 'Test Examiner' });
    expect(f.journal().some((e) => e.action === 'annotate.manual-event' && e.details['event_id'] === r.eventId)).toBe(true);
    expect(f.journal().some((e) => e.action === 'evidence.add' && e.details['evidence_id'] === r.evidenceId)).toBe(true);
    expect(verifyAndRecord(s).ok).toBe(true);
  });

  it('refuses annotations on a read-only case', async () => {
    const f = await fixture();
    f.session.close();
    const ro = f.reopen({ readOnly: true });
    expect(() => tagEvents(ro, { ids: [f.ids[0]!], tag: 'x' })).toThrow(/read-only/);
  });
});
