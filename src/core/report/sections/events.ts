/** Tagged and starred events with their comments, and events examiners added by hand. */
import type { TimelineEvent } from '../../../shared/model/event';
import { examinerAddedEvents } from '../../store/report-repo';
import type { ReportContext } from '../context';
import type { ReportDoc } from '../pdf/document';
import type { Annotations, EventNotes } from '../sources/annotations';
import { EVENT_TABLE, eventColumns, eventRow } from './event-rows';

/** Draws the tagged/starred events section. */
export function renderMarkedEvents(
  doc: ReportDoc,
  ctx: ReportContext,
  annotations: Annotations,
  events: TimelineEvent[],
  notes: Map<number, EventNotes>,
): void {
  const { selection } = ctx;
  doc.heading(selection.onlyTagged ? 'Tagged events' : 'Tagged and starred events');
  if (!annotations.available) {
    doc.para('No tags, stars or comments recorded: this build of Mailtrail has no annotations.');
    return;
  }
  const uses = annotations.tagUses();
  if (uses.length > 0) {
    doc.heading('Tags', 2);
    doc.table(
      doc.fit([
        { header: 'Tag', width: 120 },
        { header: 'Events', width: 50, align: 'right' },
        { header: 'Description', width: 300 },
      ]),
      uses.map((u) => ({ cells: [u.name, u.events.toLocaleString('en-US'), u.description ?? ''], mark: u.color })),
    );
  }
  doc.heading('Events', 2);
  const what =
    selection.tags.length > 0
      ? `events tagged ${selection.tags.join(', ')}`
      : selection.onlyTagged
        ? 'tagged events'
        : 'tagged or starred events';
  if (events.length === 0) {
    doc.para(`No ${what} in this case.`);
    return;
  }
  doc.para(
    `${events.length.toLocaleString('en-US')} ${what}, in time order, with their tags and every comment. The number after # is the event id used by the exports and the application.`,
  );
  doc.table(
    eventColumns(doc),
    (function* () {
      for (const ev of events) yield eventRow(ctx, ev, notes.get(ev.id));
    })(),
    EVENT_TABLE,
  );
}

/** Draws the examiner-added events section. */
export function renderExaminerAdded(doc: ReportDoc, ctx: ReportContext, annotations: Annotations): void {
  doc.heading('Examiner-added events');
  const events = examinerAddedEvents(ctx.db);
  if (events.length === 0) {
    doc.para('No events were added by hand: every event in this report comes from acquired evidence.');
    return;
  }
  doc.para(
    `${events.length} events were added by examiners (for example facts from interviews or other systems). They are not derived from acquired evidence; each addition is a journal entry.`,
  );
  const notes = annotations.notesFor(events.map((e) => e.id));
  doc.table(
    eventColumns(doc),
    events.map((ev) => eventRow(ctx, ev, notes.get(ev.id), ev.attrs.manual?.note ? `Note: ${ev.attrs.manual.note}` : undefined)),
    EVENT_TABLE,
  );
}
