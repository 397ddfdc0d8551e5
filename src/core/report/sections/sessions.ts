/** Sessions of interest: sign-in sessions the analysis singled out. */
import { CONFIRMED_BAD_TAGS } from '../../analyze/run';
import type { ReportContext } from '../context';
import type { ReportDoc } from '../pdf/document';
import type { AnalysisReads } from '../sources/analysis';

/** Draws the sessions section. */
export function renderSessions(doc: ReportDoc, ctx: ReportContext, analysis: AnalysisReads): void {
  doc.heading('Sessions of interest');
  if (!analysis.sessions.available) {
    doc.para('No sessions of interest recorded: this case has no analysis records.');
    return;
  }
  const sessions = analysis.sessions.list();
  if (sessions.length === 0) {
    doc.para(
      `No sessions of interest: no session contains an event tagged ${CONFIRMED_BAD_TAGS.join(', ')}, or an event of a high-severity finding.`,
    );
    return;
  }
  doc.para(
    `${sessions.length} sessions contain an event tagged ${CONFIRMED_BAD_TAGS.join(', ')}, or an event of a high-severity finding. A session groups the events of one sign-in session: by Entra session id, else by token id, else by user, IP and user agent with a 30-minute gap.`,
  );
  doc.table(
    doc.fit([
      { header: 'Session', width: 95, font: 'mono' },
      { header: 'User', width: 145 },
      { header: 'From', width: 110 },
      { header: 'To', width: 110 },
      { header: 'Events', width: 39, align: 'right' },
    ]),
    sessions.map((s) => ({
      cells: [s.id, s.user ?? '\u2014', ctx.time(s.firstUs, 0), ctx.time(s.lastUs, 0), s.events.toLocaleString('en-US')],
      detail: [
        `IPs: ${s.ips.join(', ') || '\u2014'}${s.countries.length > 0 ? ` (${s.countries.join(', ')})` : ''}`,
        s.why,
        s.userAgents.length > 0 ? `User agents: ${s.userAgents.join(' | ')}` : '',
        s.apps.length > 0 ? `Apps: ${s.apps.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' \u00B7 '),
    })),
    { size: 7, maxLines: 4, maxDetailLines: 6 },
  );
}
