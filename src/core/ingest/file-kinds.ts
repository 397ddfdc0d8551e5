/**
 * What a binary input is, from its first bytes, so that the reason it is not imported tells the
 * examiner what to do: a 7-Zip archive is to be extracted, an Excel workbook saved as CSV, a PDF
 * report swapped for the export it was made from. Only well-known signatures; anything else stays
 * "binary data".
 */

/** A known kind of file that is not a text export, and what to do about it. */
export interface FileKind {
  /** `a 7-Zip archive` */
  what: string;
  /** What follows it in the reason: `which mailtrail does not open: extract it …` */
  advice: string;
}

const EXTRACT = 'which mailtrail does not open: extract it and import what it holds (the archive itself stays stored as evidence)';
const NOT_LOGS = 'not an export of activity records';
const WORKBOOK = 'save the sheet as "CSV UTF-8" and import that, or better, the original export (Excel cuts cells at 32,767 characters)';

/** [signature, offset, kind]; the longest signatures first where one starts another. */
const SIGNATURES: [Buffer, number, FileKind][] = [
  [Buffer.from('377abcaf271c', 'hex'), 0, { what: 'a 7-Zip archive', advice: EXTRACT }],
  [Buffer.from('Rar!\x1a\x07', 'latin1'), 0, { what: 'a RAR archive', advice: EXTRACT }],
  [
    Buffer.from('ustar', 'latin1'),
    257,
    {
      what: 'a tar archive',
      // A sound one is opened (`tar-members.ts`): one that reaches here has a first header that
      // does not add up, or lies deeper inside other archives than they are opened.
      advice:
        'whose first header is damaged (or which lies too deep inside other archives): extract what tar recovers and import that (the archive itself stays stored as evidence)',
    },
  ],
  [Buffer.from('fd377a585a00', 'hex'), 0, { what: 'an xz-compressed file', advice: EXTRACT }],
  [Buffer.from('BZh', 'latin1'), 0, { what: 'a bzip2-compressed file', advice: EXTRACT }],
  [Buffer.from('28b52ffd', 'hex'), 0, { what: 'a zstd-compressed file', advice: EXTRACT }],
  [Buffer.from('MSCF', 'latin1'), 0, { what: 'a Windows cabinet archive', advice: EXTRACT }],
  [
    Buffer.from('d0cf11e0a1b11ae1', 'hex'),
    0,
    {
      what: 'an OLE compound file (an Excel 97-2003 workbook, or an Outlook .msg)',
      advice: `not a text export: if a workbook, ${WORKBOOK}`,
    },
  ],
  [
    Buffer.from('Obj\x01', 'latin1'),
    0,
    {
      what: 'an Avro file (Event Hubs Capture writes these)',
      advice: 'which mailtrail does not read: convert it to JSON (avro-tools tojson) and import that',
    },
  ],
  [
    Buffer.from('PAR1', 'latin1'),
    0,
    {
      what: 'a Parquet file (a data export of Log Analytics or a data lake)',
      advice: 'which mailtrail does not read: export the records as JSON or CSV and import that',
    },
  ],
  [Buffer.from('%PDF-', 'latin1'), 0, { what: 'a PDF document', advice: 'not an export: ask for the CSV or JSON it was made from' }],
  [Buffer.from('ElfFile\0', 'latin1'), 0, { what: 'a Windows event log (.evtx)', advice: 'not a Microsoft 365 export' }],
  [
    Buffer.from('!BDN', 'latin1'),
    0,
    { what: 'an Outlook data file (.pst or .ost)', advice: 'mailbox content, not activity records: not read' },
  ],
  [Buffer.from('SQLite format 3\0', 'latin1'), 0, { what: 'an SQLite database', advice: NOT_LOGS }],
  [Buffer.from('MZ', 'latin1'), 0, { what: 'a Windows program or library', advice: NOT_LOGS }],
  [Buffer.from('89504e470d0a1a0a', 'hex'), 0, { what: 'a PNG image', advice: `${NOT_LOGS} (a screenshot?)` }],
  [Buffer.from('ffd8ff', 'hex'), 0, { what: 'a JPEG image', advice: `${NOT_LOGS} (a screenshot?)` }],
];

/** The kind of a binary input from its first bytes (at least 262 for tar), or null when unknown. */
export function binaryKind(head: Buffer): FileKind | null {
  for (const [sig, at, kind] of SIGNATURES) {
    if (head.length >= at + sig.length && head.subarray(at, at + sig.length).equals(sig)) return kind;
  }
  return null;
}

/** The reason a binary input is not imported: its kind and what to do when known. */
export function binaryReason(head: Buffer): string {
  const kind = binaryKind(head);
  return kind ? `${kind.what}, ${kind.advice}` : 'binary data, not a text export';
}

/**
 * What an Office Open XML file is, from the member names of its zip (`[Content_Types].xml` and the
 * part folders), or null for an ordinary zip. Its members are XML parts, not exports: reading them
 * one by one would fail each with a reason that says nothing useful.
 */
export function officeDocumentKind(memberNames: readonly string[]): FileKind | null {
  if (!memberNames.includes('[Content_Types].xml')) return null;
  if (memberNames.some((n) => n.startsWith('xl/'))) return { what: 'an Excel workbook (.xlsx)', advice: `not a text export: ${WORKBOOK}` };
  return { what: 'an Office document', advice: NOT_LOGS };
}
