/** Methodology and tool: how the data were acquired and processed, and how to reproduce this report. */
import { MAILTRAIL_VERSION } from '../../../shared/version';
import type { ReportContext } from '../context';
import type { ReportDoc } from '../pdf/document';
import { FONT_FILES } from '../pdf/fonts';

/** Draws the methodology section. */
export function renderMethodology(doc: ReportDoc, ctx: ReportContext): void {
  const { info, selection, head } = ctx;
  doc.heading('Methodology and tool');
  doc.bullets([
    'Acquisition: every byte stream (an imported export file or an API response) was stored verbatim in the encrypted case file and its SHA-256 computed before any parsing. A parse failure never loses the input.',
    'Completeness: every input record became an event, a counted duplicate (same record identity seen again; the extra sighting is kept), or a quarantined record with the reason. Import and collection totals add up.',
    'Time: stored times are UTC with microsecond resolution, parsed without locale guesses. This report shows them in the display zone with the UTC offset of each instant.',
    'Identity: records are deduplicated by their service identity (audit record Id, sign-in id, activity Id), across overlapping acquisitions. Where copies of a record differ, the event shows the fuller one (a copy whose nested values PowerShell cut at its serialisation depth, or a row of the flattened Entra portal sign-in CSV, yields to a whole copy, whichever was acquired first); the location of every copy is kept and every replacement is recorded in the journal by event.',
    'Custody: every acquisition, import, annotation, analysis run, export and verification is an entry in an append-only journal; each entry hashes the previous one (SHA-256 over RFC 8785 canonical JSON), so any change breaks the chain.',
    'Storage: the case file is SQLCipher 4 compatible (AES-256, PBKDF2-HMAC-SHA512, 16 KiB pages); the passphrase is never stored.',
  ]);
  doc.heading('Tool and settings', 2);
  doc.keyValues([
    ['Tool', `Mailtrail ${MAILTRAIL_VERSION} (case created with ${info.createdWith}, schema ${info.schemaVersion})`],
    ['Report rendered at', `journal entry ${head.seq} (${ctx.time(head.atUs, 0)})`],
    ['Display time zone', selection.timeZone],
    [
      'Event selection',
      selection.tags.length > 0 ? `tags: ${selection.tags.join(', ')}` : selection.onlyTagged ? 'tagged only' : 'tagged and starred',
    ],
    ['Fonts', `DejaVu (${Object.values(FONT_FILES).join(', ')}), shipped with Mailtrail`],
  ]);
  doc.heading('Reproducing this report', 2);
  const args = [
    `--tz ${selection.timeZone}`,
    ...(selection.tags.length > 0 ? [`--tags ${selection.tags.join(',')}`] : selection.onlyTagged ? ['--only-tagged'] : []),
  ].join(' ');
  doc.para(
    `The report is a pure function of the case at its journal head: the same case produces the same bytes (document dates come from the head entry, the PDF identifier from the content, fonts from the tool). From a copy of the case at head ${head.hash.slice(0, 16)}\u2026 (for example the case inside the evidence package), run:`,
  );
  doc.para(`mailtrail report CASE.mtcase --read-only ${args} --out report.pdf`, { font: 'mono', size: 8.5 });
  doc.para('and compare the SHA-256 of both files. Verify the case and the package with mailtrail verify (see the custody documentation).');
}
