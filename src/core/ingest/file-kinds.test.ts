import { describe, expect, it } from 'vitest';
import { binaryKind, binaryReason, officeDocumentKind } from './file-kinds';

const withTail = (head: Buffer): Buffer => Buffer.concat([head, Buffer.alloc(600, 0)]);

describe('binary inputs told apart by their signature', () => {
  it('names archives, documents, logs and images, and says what to do', () => {
    const cases: [Buffer, string][] = [
      [Buffer.from('377abcaf271c0004', 'hex'), 'a 7-Zip archive'],
      [Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'), 'a RAR archive'],
      [Buffer.from('fd377a585a0000', 'hex'), 'an xz-compressed file'],
      [Buffer.from('BZh91AY&SY', 'latin1'), 'a bzip2-compressed file'],
      [Buffer.from('d0cf11e0a1b11ae1', 'hex'), 'an OLE compound file (an Excel 97-2003 workbook, or an Outlook .msg)'],
      [Buffer.from('%PDF-1.7\n%\xe2\xe3', 'latin1'), 'a PDF document'],
      [Buffer.from('ElfFile\0', 'latin1'), 'a Windows event log (.evtx)'],
      [Buffer.from('!BDN', 'latin1'), 'an Outlook data file (.pst or .ost)'],
      [Buffer.from('SQLite format 3\0', 'latin1'), 'an SQLite database'],
      [Buffer.from('89504e470d0a1a0a', 'hex'), 'a PNG image'],
      [Buffer.from('Obj\x01\x04\x14avro.codec', 'latin1'), 'an Avro file (Event Hubs Capture writes these)'],
      [Buffer.from('PAR1\x15\x04', 'latin1'), 'a Parquet file (a data export of Log Analytics or a data lake)'],
    ];
    for (const [head, what] of cases) expect(binaryKind(withTail(head))?.what, what).toBe(what);
    expect(binaryReason(withTail(cases[0]![0]))).toBe(
      'a 7-Zip archive, which mailtrail does not open: extract it and import what it holds (the archive itself stays stored as evidence)',
    );
  });

  it('finds the tar signature at offset 257, and only there', () => {
    const tar = Buffer.alloc(1024, 0);
    tar.write('new.csv', 0, 'latin1');
    tar.write('ustar\x0000', 257, 'latin1');
    expect(binaryKind(tar)?.what).toBe('a tar archive');
    expect(binaryKind(Buffer.from('ustar', 'latin1'))).toBeNull();
    // Too short to hold the signature where it sits.
    expect(binaryKind(tar.subarray(0, 260))).toBeNull();
  });

  it('keeps the plain reason for bytes it does not know', () => {
    expect(binaryKind(Buffer.from('0001020304ff', 'hex'))).toBeNull();
    expect(binaryReason(Buffer.from('0001020304ff', 'hex'))).toBe('binary data, not a text export');
  });
});

describe('Office documents are zips of XML parts', () => {
  it('tells an Excel workbook from other Office files and from ordinary zips', () => {
    expect(officeDocumentKind(['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml'])?.what).toBe(
      'an Excel workbook (.xlsx)',
    );
    expect(officeDocumentKind(['[Content_Types].xml', 'word/document.xml'])?.what).toBe('an Office document');
    expect(officeDocumentKind(['export/purview.csv', 'xl/notes.txt'])).toBeNull();
  });
});
