import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect';
import { sampleAndDetect } from './record-parsers';
import { TextReader, type TextInfo } from './text';

const INFO: TextInfo = {
  encoding: 'utf-8',
  bom: false,
  gzip: false,
  invalidUtf8: false,
  binary: false,
  binaryReason: null,
  zeroTail: 0,
};

/** The import's detection sample (`record-parsers.ts`): the first 256 KiB, or the whole text. */
const SAMPLE = 256 * 1024;

/** Detects `text` as the import does: from its first 256 KiB, told whether that is all of it. */
function detect(text: string) {
  const complete = text.length <= SAMPLE;
  return detectFormat(complete ? text : text.slice(0, SAMPLE), INFO, text.length, complete);
}

const ual = (i: number, pad = 0) => ({
  CreationTime: `2023-09-20T04:00:${String(i % 60).padStart(2, '0')}`,
  Id: `id-${i}`,
  Operation: 'MailItemsAccessed',
  RecordType: 50,
  Workload: 'Exchange',
  Pad: 'p'.repeat(pad),
});
const signIn = (i: number, pad = 1500) => ({
  id: `s-${i}`,
  createdDateTime: '2026-01-24T06:40:01Z',
  userPrincipalName: 'ceo@contoso.com',
  appId: 'a',
  ipAddress: '185.73.124.135',
  status: { errorCode: 0 },
  pad: 'x'.repeat(pad),
});

describe('detectFormat', () => {
  describe('a page or batch on one line longer than the sample', () => {
    it('finds the records inside it', () => {
      const records = Array.from({ length: 400 }, (_, i) => signIn(i));
      const page = JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns', value: records });
      expect(page.length).toBeGreaterThan(2 * SAMPLE);
      expect(detect(page)).toEqual({ format: 'graph-signins' });
      expect(detect(JSON.stringify({ value: records }))).toEqual({ format: 'graph-signins' });
      const batch = (from: number) =>
        JSON.stringify({
          records: records
            .slice(from, from + 200)
            .map((p) => ({ time: 't', category: 'SignInLogs', operationName: 'Sign-in activity', properties: p })),
        });
      expect(detect(`${batch(0)}\n${batch(200)}\n`)).toEqual({ format: 'azure-monitor-entra' });
    });

    it('says a record is that large when the sample holds none whole, page on one line or pretty', () => {
      const text = JSON.stringify({ value: [signIn(0, 300_000), signIn(1)] });
      expect(detect(text).reason).toMatch(/^JSON data without a complete record in its first 256 KiB \(a record that large/);
      // Not "a page with no records": it holds at least one.
      expect(detect(JSON.stringify({ value: [signIn(0, 300_000)] }, null, 2)).reason).toMatch(/a record that large/);
    });
  });

  describe('the import reads on past a first record longer than the sample', () => {
    /** `sampleAndDetect` over `text` arriving in 1 MiB pieces, as stored evidence does. */
    const imported = (text: string) => {
      const bytes = Buffer.from(text);
      let at = 0;
      const reader = new TextReader(() => (at < bytes.length ? bytes.subarray(at, (at += 1 << 20)) : null));
      try {
        const { format, sample } = sampleAndDetect(reader, bytes.length, undefined);
        return { format, chars: sample.reduce((n, c) => n + c.text.length, 0) };
      } catch (err) {
        return { reason: (err as Error).message };
      }
    };

    it('finds a first record of a few MiB in JSON Lines, an array or a page, and keeps what it read for the parser', () => {
      const big = `${JSON.stringify(ual(1, 3_000_000))}\n${JSON.stringify(ual(2))}\n`;
      expect(imported(big)).toEqual({ format: 'ual-json', chars: big.length });
      expect(imported(JSON.stringify([ual(1, 700_000), ual(2)])).format).toBe('ual-json');
      expect(imported(JSON.stringify({ value: [signIn(0, 2_000_000)] })).format).toBe('graph-signins');
      // Reading on stops once a record is whole: the rest stays for the parser's own reading.
      const long = `${JSON.stringify(ual(1, 300_000))}\n${Array.from({ length: 20 }, (_, i) => JSON.stringify(ual(i + 2, 500_000))).join('\n')}`;
      expect(imported(long).chars).toBeLessThan(long.length / 2);
    });

    it('gives up past the longest record the readers take, saying how far it looked', () => {
      expect(imported(`{"a": "${'x'.repeat(17 * 1024 * 1024)}"}`).reason).toMatch(
        /^JSON data without a complete record in its first 16 MiB/,
      );
    });
  });

  describe('a cut first record', () => {
    const lines = (from: number, n: number, pad = 0) => Array.from({ length: n }, (_, k) => JSON.stringify(ual(from + k, pad))).join('\n');

    it('JSON Lines: looks past the cut first line, in a short file or a long one', () => {
      expect(detect(`{"CreationTime": "2023-09-20T04:00:03", \n${lines(1, 3)}\n`)).toEqual({ format: 'ual-json' });
      const long = `{"CreationTime": "2023-09-20T04:00:03", \n${lines(1, 400, 1000)}\n`;
      expect(long.length).toBeGreaterThan(SAMPLE);
      expect(detect(long)).toEqual({ format: 'ual-json' });
    });

    it('objects one after another: reads one after the cut', () => {
      const objs = Array.from({ length: 300 }, (_, i) => JSON.stringify(ual(i, 1000), null, 2));
      objs[0] = objs[0]!.slice(0, objs[0]!.indexOf('Exchange'));
      expect(detect(objs.slice(0, 4).join('\n'))).toEqual({ format: 'ual-json' });
      expect(detect(objs.join('\n'))).toEqual({ format: 'ual-json' });
    });
  });

  it('reads the records of an array of arrays (jq -s of content blobs)', () => {
    expect(detect(JSON.stringify([[ual(0), ual(1)], [ual(2)]]))).toEqual({ format: 'ual-json' });
    expect(detect(JSON.stringify([[], [ual(2)]], null, 2))).toEqual({ format: 'ual-json' });
  });

  it('says an empty array holds no records, and keeps the reasons for an empty page and an unknown record', () => {
    for (const text of ['[]', '[ ]\n', '[\r\n]\r\n', '[[], []]'])
      expect(detect(text)).toEqual({ format: null, reason: 'a JSON array with no records (an empty export); give --format to import it' });
    expect(detect('{"value": []}').reason).toBe('a JSON page with no records; give --format to import it');
    expect(detect('[{"input": 1, "expected": 2}]').reason).toBe('JSON records of an unknown kind; the first has the keys input, expected');
  });

  it('does not call JSON Lines invalid for the line the sample cuts', () => {
    const text = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ input: i, expected: 'x'.repeat(i % 7) })).join('\n');
    expect(detect(text).reason).toBe('JSON records of an unknown kind; the first has the keys input, expected');
  });

  it('passes over blank lines before a CSV header, as the reader does, with the preambles after them', () => {
    const audit = JSON.stringify(ual(0)).replace(/"/g, '""');
    const rows = `CreationDate,UserIds,Operations,AuditData\r\n2023-09-20T04:00:00Z,ceo@contoso.com,Send,"${audit}"\r\n`;
    for (const lead of ['\r\n', '\n\n  \n', '\uFEFF\r\n', '\n#TYPE System.Management.Automation.PSCustomObject\n'])
      expect(detect(lead + rows), JSON.stringify(lead)).toEqual({ format: 'purview-csv' });
    const semicolons = `CreationDate;UserIds;Operations;AuditData\r\n2023-09-20T04:00:00Z;ceo@contoso.com;Send;"${audit}"\r\n`;
    expect(detect(`\nsep=;\n${semicolons}`)).toEqual({ format: 'purview-csv' });
    // Excel quotes the hint when it saves one; a bare `sep=` names no delimiter (not the line end).
    expect(detect(`"sep=;"\r\n${semicolons}`)).toEqual({ format: 'purview-csv' });
    expect(detect(`sep=\r\n${rows}`)).toEqual({ format: 'purview-csv' });
    expect(detect('\r\n\r\nhello\r\n').reason).toBe('neither JSON nor a CSV export with a header row');
  });
});
