/**
 * Report rendering: a case with N events of which 10,000 (default; `--tagged`) are tagged, a
 * quarter of those commented, renders to PDF; the target is under 30 s. The baseline is reading the
 * same tagged events with their notes from the case in the same run (what rendering cannot avoid).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { commentEvent, tagEvents } from '../src/core/annotate/index';
import { createCase } from '../src/core/case/case-file';
import { renderReport } from '../src/core/report/render-report';
import { annotationsOf } from '../src/core/report/sources/annotations';
import { eventsByIds } from '../src/core/store/report-repo';
import { fillCase } from '../test/integration/report-fixture';
import { fmt, rssSampler, timeMs, type Benchmark } from './harness';

const bench: Benchmark = {
  name: 'report',
  description: 'PDF report of a case with many tagged events (--size events, default 20000; --tagged N, default 10000); target < 30 s',
  async run({ size, args, workDir, log }) {
    const events = size ?? 20_000;
    const taggedCount = Math.min(Number(args['tagged'] ?? 10_000), events);
    const session = createCase({
      file: join(workDir, 'bench.mtcase'),
      name: 'Report benchmark',
      examiner: 'bench',
      number: 'B-2',
      timeZone: 'Europe/Berlin',
      passphrase: 'bench',
    });
    const { eventIds } = await fillCase(session, events);
    const step = eventIds.length / taggedCount;
    const tagged = Array.from({ length: taggedCount }, (_, i) => eventIds[Math.floor(i * step)]!);
    for (let i = 0; i < tagged.length; i += 5000)
      tagEvents(session, { ids: tagged.slice(i, i + 5000), tag: i % 10000 === 0 ? 'malicious' : 'suspicious' });
    for (let i = 0; i < tagged.length; i += 4)
      commentEvent(session, { id: tagged[i]!, text: `Reviewed: event ${tagged[i]} matches the attacker's session.` });
    log(`case with ${fmt(eventIds.length)} events, ${fmt(tagged.length)} tagged, ${fmt(Math.ceil(tagged.length / 4))} comments`);

    const baseline = await timeMs(() => {
      const a = annotationsOf(session.db);
      const ids = a.selectedEventIds({ onlyTagged: false, tags: [] });
      return a.notesFor(eventsByIds(session.db, ids).map((e) => e.id)).size;
    });
    const rss = rssSampler();
    const out = join(workDir, 'report.pdf');
    const rendered = await timeMs(() => renderReport(session, out, {}));
    const peak = rss.stop();
    session.close();
    const seconds = rendered.ms / 1000;
    return {
      figures: {
        events: eventIds.length,
        tagged: tagged.length,
        seconds: Number(seconds.toFixed(2)),
        pages: rendered.value.pages,
        bytes: statSync(out).size,
        baselineSeconds: Number((baseline.ms / 1000).toFixed(2)),
        underTarget: seconds < 30,
        peakRssMb: Math.round(peak),
      },
      table: [
        ['events / tagged', `${fmt(eventIds.length)} / ${fmt(tagged.length)}`],
        ['render report', `${fmt(seconds, 2)} s`, seconds < 30 ? 'under the 30 s target' : 'OVER the 30 s target'],
        ['pages / bytes', `${fmt(rendered.value.pages)} / ${fmt(statSync(out).size)}`],
        ['baseline: read tagged events + notes', `${fmt(baseline.ms / 1000, 2)} s`],
        ['peak RSS', `${fmt(peak)} MB`],
      ],
    };
  },
};
export default bench;
