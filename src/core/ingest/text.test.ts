import { describe, expect, it } from 'vitest';
import { TEXT_PIECE_BYTES, TextReader, type TextChunk } from './text';

/** Reads everything from buffers handed over whole (as stored 1 MiB chunks are). */
function readAll(...bufs: Buffer[]): { text: string; chunks: TextChunk[]; reader: TextReader } {
  let at = 0;
  const reader = new TextReader(() => (at < bufs.length ? bufs[at++]! : null));
  const chunks: TextChunk[] = [];
  for (let c = reader.next(); c !== null; c = reader.next()) chunks.push(c);
  return { text: chunks.map((c) => c.text).join(''), chunks, reader };
}

/** ~300 KiB of CSV-ish text with multi-byte characters on and around every 64 KiB boundary. */
function sample(): string {
  const parts: string[] = [];
  for (let i = 0; i < 6000; i++) parts.push(`${i},"Fwd: Rechnung über 1.000 € — 請求書 ${'x'.repeat(i % 7)}"\r\n`);
  return parts.join('');
}

describe('TextReader pieces', () => {
  it('decodes a big buffer in pieces of at most 64 KiB, splitting multi-byte characters losslessly', () => {
    const text = sample();
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.length).toBeGreaterThan(4 * TEXT_PIECE_BYTES);
    const { text: back, chunks, reader } = readAll(bytes);
    expect(back).toBe(text);
    expect(reader.info).toMatchObject({ encoding: 'utf-8', invalidUtf8: false });
    expect(chunks.length).toBeGreaterThan(4);
    let prev = 0;
    for (const c of chunks) {
      expect(c.bytes - prev).toBeLessThanOrEqual(TEXT_PIECE_BYTES);
      prev = c.bytes;
    }
    expect(prev).toBe(bytes.length);
  });

  it('does the same for UTF-16LE with a BOM', () => {
    const text = sample();
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const { text: back, reader } = readAll(bytes);
    expect(back).toBe(text);
    expect(reader.info).toMatchObject({ encoding: 'utf-16le', bom: true });
  });

  it('still flags a byte that is not UTF-8 inside a big buffer after the sniffed start', () => {
    const bytes = Buffer.from(sample(), 'utf8');
    bytes[3 * TEXT_PIECE_BYTES + 5] = 0xff;
    // The encoding is decided on the first buffer(s) handed over: a clean first one, then the rest whole.
    const { text, reader } = readAll(bytes.subarray(0, TEXT_PIECE_BYTES), bytes.subarray(TEXT_PIECE_BYTES));
    expect(reader.info.encoding).toBe('utf-8');
    expect(reader.info.invalidUtf8).toBe(true);
    expect(text).toContain('\uFFFD');
  });
});

describe('encoding decision', () => {
  it('keeps a UTF-8 export with a stray damaged byte UTF-8, and flags the byte', () => {
    const bytes = Buffer.from(sample(), 'utf8');
    bytes[1000] = 0xff; // inside the sniffed start
    const { text, reader } = readAll(bytes);
    expect(reader.info).toMatchObject({ encoding: 'utf-8', invalidUtf8: true });
    expect(text).toContain('Rechnung über 1.000 € — 請求書');
    expect(text).toContain('\uFFFD');
  });

  it('keeps an ASCII start with one damaged byte UTF-8: an identity further on is not silently altered', () => {
    const rows = Array.from({ length: 6000 }, (_, i) => `${i},user${i}@contoso.com,MailItemsAccessed\r\n`).join('');
    const bytes = Buffer.concat([
      Buffer.from(`Id,UserId,Operation\r\n0,a\xffb@contoso.com,Send\r\n`, 'latin1'),
      Buffer.from(rows),
      Buffer.from('9,josé@contoso.com,Send\r\n'),
    ]);
    const { text, reader } = readAll(bytes);
    expect(reader.info).toMatchObject({ encoding: 'utf-8', invalidUtf8: true });
    expect(text).toContain('josé@contoso.com');
  });

  it('decodes Windows-1252 text with accented letters as Windows-1252', () => {
    // Windows-1252 is Latin-1 but for 0x80–0x9F, where it puts – (0x96) and € (0x80).
    const text1252 = 'Id,Subject\r\n1,Réunion à Genève – coût 1 000 €\r\n2,Überweisung\r\n';
    const bytes = Buffer.from(text1252.replace('–', '\x96').replace('€', '\x80'), 'latin1');
    const { text, reader } = readAll(bytes);
    expect(reader.info.encoding).toBe('windows-1252');
    expect(text).toContain('Réunion à Genève – coût 1 000 €');
    expect(text).toContain('Überweisung');
  });
});

describe('zeros at the end of a file', () => {
  const text = sample();
  const bytes = Buffer.from(text, 'utf8');

  it('are counted and not read, however the file is split, and the text before them is whole', () => {
    const zeros = Buffer.alloc(3 * TEXT_PIECE_BYTES + 123);
    for (const split of [
      [Buffer.concat([bytes, zeros])],
      [bytes, zeros],
      [bytes.subarray(0, 1000), bytes.subarray(1000), zeros.subarray(0, 10), zeros.subarray(10)],
    ]) {
      const { text: back, reader, chunks } = readAll(...split);
      expect(back).toBe(text);
      expect(reader.info).toMatchObject({ binary: false, zeroTail: zeros.length });
      expect(chunks.at(-1)!.bytes).toBeLessThanOrEqual(bytes.length + zeros.length);
    }
  });

  it('are read as before when text follows them, however long the run', () => {
    const run = Buffer.alloc(2 * TEXT_PIECE_BYTES + 7);
    const at = bytes.indexOf('\n', 5000) + 1; // between two lines
    const { text: back, reader } = readAll(bytes.subarray(0, at), run, bytes.subarray(at));
    expect(back).toBe(Buffer.concat([bytes.subarray(0, at), run, bytes.subarray(at)]).toString('utf8'));
    expect(reader.info.zeroTail).toBe(0);
  });

  it('do not make a short text file binary; zeros alone, or NULs inside text, still do', () => {
    const short = Buffer.concat([Buffer.from('{"Id":"a"}\n'), Buffer.alloc(2000)]);
    expect(readAll(short).reader.info).toMatchObject({ binary: false, zeroTail: 2000 });
    expect(readAll(short).text).toBe('{"Id":"a"}\n');
    expect(readAll(Buffer.alloc(5000)).reader.info.binary).toBe(true);
    expect(readAll(Buffer.from('{"Id":"a"}\0\0{"Id":"b"}\n')).reader.info.binary).toBe(true);
  });

  it('do not make a text export binary for one damaged byte: the record that holds it is read as text', () => {
    const damaged = Buffer.from(bytes);
    damaged[2000] = 0;
    const { text: back, reader } = readAll(damaged);
    expect(reader.info.binary).toBe(false);
    expect(back).toHaveLength(text.length);
    // Dense NULs or control bytes still are binary.
    const dense = Buffer.from(bytes.subarray(0, 4096));
    for (let i = 0; i < dense.length; i += 64) dense[i] = 0;
    expect(readAll(dense).reader.info.binary).toBe(true);
  });

  it('are left alone in UTF-16, where every other byte of ASCII text is zero', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\r\n1,2\r\n', 'utf16le')]);
    const { text: back, reader } = readAll(utf16);
    expect(back).toBe('a,b\r\n1,2\r\n');
    expect(reader.info.zeroTail).toBe(0);
  });
});
