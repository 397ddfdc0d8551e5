import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvTokenizer, isBlankRow, MAX_RECORD_CHARS, sniffDelimiter, type CsvRow } from './csv';
import { JsonRecordScanner, wholeRecordAtLineEnd, type JsonItem } from './json';
import { scan } from '../../../../test/helpers/json-scan';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures');
const SAMPLES = join(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'samples');

/** Tokenizes `text` fed `step` characters at a time; `checked` checks the rows against the first row's field count. */
function tokenize(text: string, step: number, delimiter = ',', checked = false): CsvRow[] {
  const shapeFrom = (row: CsvRow) => (isBlankRow(row.fields) ? null : { fields: row.fields.length, minFields: row.fields.length });
  const t = new CsvTokenizer(delimiter, checked ? { shapeFrom } : {});
  const rows: CsvRow[] = [];
  for (let i = 0; i < text.length; i += step) t.push(text.slice(i, i + step), rows);
  t.end(rows);
  return rows;
}

describe('CsvTokenizer', () => {
  const files = [
    join(FIXTURES, 'purview-csv', 'new-layout.csv'),
    join(FIXTURES, 'entra-signin-csv', 'InteractiveSignIns_2026-01-24.csv'),
    join(FIXTURES, 'office-activity-csv', 'officeactivity.csv'),
    join(SAMPLES, 'huntress-ctf-2023-rogue-inbox', 'purview.csv'),
    join(SAMPLES, 'msticpy', 'demo_exchange_data.csv'),
  ];
  for (const file of files) {
    // The third-party samples sit beside the repository (../shared/samples), not in it.
    it.skipIf(file.startsWith(SAMPLES) && !existsSync(file))(
      `tokenizes ${file.split('/').slice(-2).join('/')} exactly like csv-parse, whatever the chunking, checked against its header or not`,
      () => {
        const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
        const expected = parse(text, { relax_column_count: true }) as string[][];
        for (const step of [1, 3, 64, 4096, text.length]) {
          if (step === 1 && text.length > 200_000) continue;
          for (const checked of [false, true]) {
            const rows = tokenize(text, step, ',', checked);
            expect(
              rows.map((r) => r.fields),
              `step ${step}`,
            ).toEqual(expected);
            expect(rows.filter((r) => r.error !== undefined)).toEqual([]);
          }
        }
      },
    );
  }

  it('numbers records by their first physical line (CRLF, LF, quoted newlines)', () => {
    const rows = tokenize('a,b\r\n1,"x\r\ny"\r\n2,z\n3,"q""q"\n', 5);
    expect(rows.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['1', 'x\r\ny']],
      [4, ['2', 'z']],
      [5, ['3', 'q"q']],
    ]);
  });

  it('reports an unterminated quoted field at the end of a truncated file', () => {
    const rows = tokenize('a,b\n1,"{""cut', 4);
    expect(rows[1]).toMatchObject({ line: 2, error: 'unterminated quoted field (file truncated?)', fields: ['1', '{"cut'] });
  });

  describe('checked against the header', () => {
    const rowsOf = (text: string, step = text.length) =>
      tokenize(text, step, ',', true).map((r) => (r.error === undefined ? [r.line, r.fields] : [r.line, r.error, r.text]));

    it('quarantines a row with text after a closing quote on its own, with the field', () => {
      expect(rowsOf('a,b,c\n1,"x"y,3\n4,5,6\n')).toEqual([
        [1, ['a', 'b', 'c']],
        [2, 'field 2 has text after its closing quote (a stray or unescaped quote?)', '1,"x"y,3'],
        [3, ['4', '5', '6']],
      ]);
    });

    it('reads an unclosed quote as ending at its line end when reading on makes no valid row, whatever the chunking', () => {
      const text = 'a,b,c\r\n1,"x,3\r\n4,5,"six"\r\n7,8,9\r\n';
      const expected = [
        [1, ['a', 'b', 'c']],
        [
          2,
          expect.stringMatching(
            /^a quote on this line is not closed before the line ends, and read on past it the row is not valid \(text after a closing quote\)/,
          ),
          '1,"x,3',
        ],
        [3, ['4', '5', 'six']],
        [4, ['7', '8', '9']],
      ];
      for (const step of [1, 2, 3, 5, 64]) expect(rowsOf(text, step), `step ${step}`).toEqual(expected);
    });

    it('keeps a valid row with quoted line breaks whole', () => {
      expect(rowsOf('a,b\n1,"x\ny\r\nz"\n2,w\n', 3)).toEqual([
        [1, ['a', 'b']],
        [2, ['1', 'x\ny\r\nz']],
        [5, ['2', 'w']],
      ]);
    });

    it('keeps the lines after the damage that make no valid row with it, up to the next valid row', () => {
      // A multi-line field with a stray quote inside: its continuation lines are not rows.
      const text = 'a,b\n1,"[\n {\n  ""k"": ""v"x""\n }\n]"\n2,ok\n';
      expect(rowsOf(text, 4)).toEqual([
        [1, ['a', 'b']],
        [
          2,
          expect.stringMatching(
            /\(text after a closing quote\).*; the 4 lines after it, to line 6, do not make valid rows either and are quarantined with it$/,
          ),
          '1,"[\n {\n  ""k"": ""v"x""\n }\n]"',
        ],
        [7, ['2', 'ok']],
      ]);
    });

    it('quarantines an unclosed quote that runs to the end of the file on its line, and reads the rows after it', () => {
      expect(rowsOf('a,b\n1,"x\n2,y\n3,z')).toEqual([
        [1, ['a', 'b']],
        [2, expect.stringMatching(/\(the file ends inside the quotes\)/), '1,"x'],
        [3, ['2', 'y']],
        [4, ['3', 'z']],
      ]);
      // On one line, as before.
      expect(rowsOf('a,b\n1,"{""cut')).toEqual([
        [1, ['a', 'b']],
        [2, 'unterminated quoted field (file truncated?)', '1,"{""cut'],
      ]);
    });

    it('tells a last row cut off mid-row from a short row and a long one', () => {
      expect(rowsOf('a,b,c\n0,1,2\n1,2\n3,4,5,6\n7,8,9,,\n10,11,12\n13,14')).toEqual([
        [1, ['a', 'b', 'c']],
        [2, ['0', '1', '2']],
        [3, 'row has 2 fields, the header has 3', '1,2'],
        [4, 'row has 4 fields, the header has 3', '3,4,5,6'],
        [5, ['7', '8', '9', '', '']],
        [6, ['10', '11', '12']],
        [7, 'the file ends inside this row: 2 of 3 fields (file truncated?)', '13,14'],
      ]);
      // Excel drops a row's empty last cells: short rows are whole while the columns they lack never held anything.
      expect(rowsOf('a,b,c\n1,2\n3,4,\n5,6\n7,8,9\n10,11\n12,13')).toEqual([
        [1, ['a', 'b', 'c']],
        [2, ['1', '2']],
        [3, ['3', '4', '']],
        [4, ['5', '6']],
        [5, ['7', '8', '9']],
        [6, 'row has 2 fields, the header has 3', '10,11'],
        [7, 'the file ends inside this row: 2 of 3 fields (file truncated?)', '12,13'],
      ]);
    });

    it('reads a short row when the shape allows it, the last one too, but not one shorter', () => {
      const t = new CsvTokenizer(',', { shapeFrom: () => ({ fields: 4, minFields: 2 }) });
      const rows = t.push('a,b,c,d\n1,2\n3\n4,5\n6');
      t.end(rows);
      expect(rows.map((r) => [r.fields, r.error])).toEqual([
        [['a', 'b', 'c', 'd'], undefined],
        [['1', '2'], undefined],
        [['3'], 'row has 1 field, the header has 4'],
        [['4', '5'], undefined],
        [['6'], 'the file ends inside this row: 1 of 4 fields (file truncated?)'],
      ]);
    });

    it('passes blank rows through as rows (the parser skips them), not as damage', () => {
      expect(rowsOf('a,b,c\n,,\n\n"",  ,\n1,2,3\n')).toEqual([
        [1, ['a', 'b', 'c']],
        [2, ['', '', '']],
        [3, ['']],
        [4, ['', '  ', '']],
        [5, ['1', '2', '3']],
      ]);
    });

    it('damage anywhere reads the same whatever the chunking, and every line is in one row', () => {
      const base =
        'TimeGenerated,UserId,ClientIP,Operation,Parameters\r\n' +
        '2026-01-24T06:56:10Z,a@b.com,1.1.1.1,Set-Mailbox,"[\n  {\n    ""Name"": ""Identity"",\n    ""Value"": ""a""\n  }\n]"\r\n' +
        '2026-01-24T06:57:10Z,,,Set-ConditionalAccessPolicy,[]\r\n' +
        '2026-01-24T06:58:10Z,c@d.com,"1.1.1.2",New-InboxRule,"[{""Name"":""ForwardTo"",""Value"":""x@y.z""}]"\r\n';
      for (let at = 0; at <= base.length; at += 3) {
        for (const insert of ['"', '\n', 'x"']) {
          const text = base.slice(0, at) + insert + base.slice(at);
          const whole = tokenize(text, text.length, ',', true);
          for (const step of [1, 2, 7])
            expect(tokenize(text, step, ',', true), `${JSON.stringify(insert)} at ${at}, step ${step}`).toEqual(whole);
          // Rows follow each other line by line: none starts inside another.
          for (let k = 1; k < whole.length; k++) {
            const prev = whole[k - 1]!;
            const lines = prev.text.split(/\r\n|\r|\n/).length;
            expect(whole[k]!.line, `${JSON.stringify(insert)} at ${at}`).toBeGreaterThanOrEqual(prev.line + lines);
          }
        }
      }
    });

    it('quarantines a record over the size cap once and reads on at the next line, whatever the chunking', () => {
      const huge = `2,"${'h'.repeat(MAX_RECORD_CHARS + (1 << 20))}"`;
      const text = `a,b\r\n1,x\r\n${huge}\r\n3,y\r\n`;
      for (const step of [1 << 20, 3_000_001]) {
        const rows = tokenize(text, step, ',', true);
        expect(rows.map((r) => [r.line, r.error?.slice(0, 30) ?? r.fields.map((f) => f.slice(0, 10))])).toEqual([
          [1, ['a', 'b']],
          [2, ['1', 'x']],
          [3, 'record longer than 16,777,216 '],
          [4, ['3', 'y']],
        ]);
        expect(rows[2]!.text.length).toBeLessThanOrEqual(MAX_RECORD_CHARS);
      }
      // An unclosed quote that runs past the cap over many lines ends at its first line end.
      const rowsAfter = (MAX_RECORD_CHARS >> 2) + 1;
      const open = `a,b\n1,"x\n${'y'.repeat(1000)}\n${'2,z\n'.repeat(rowsAfter)}`;
      const rows = tokenize(open, 1 << 20, ',', true);
      expect(rows[1]).toMatchObject({
        line: 2,
        text: `1,"x\n${'y'.repeat(1000)}`,
        error: expect.stringMatching(/\(longer than 16 MiB\).*; the 1 line after it, to line 3, do not make valid rows/),
      });
      expect(rows).toHaveLength(2 + rowsAfter);
      expect(rows.at(-1)).toEqual({ fields: ['2', 'z'], line: 3 + rowsAfter, text: '2,z' });
      // A quoted line over the cap, then lines that are no rows: the same records whole or in pieces.
      const long = `a,b\nx,"${'y'.repeat(MAX_RECORD_CHARS + 100 * 1024)}\nfoo\nbar\n1,2\n`;
      const shape = (rs: CsvRow[]) =>
        rs.map((r) => [r.line, r.error === undefined ? r.fields : 'error', Math.min(r.text.length, MAX_RECORD_CHARS)]);
      const whole = shape(tokenize(long, long.length, ',', true));
      expect(whole).toEqual([
        [1, ['a', 'b'], 3],
        [2, 'error', MAX_RECORD_CHARS],
        [3, 'error', 7],
        [5, ['1', '2'], 3],
      ]);
      expect(shape(tokenize(long, 1 << 16, ',', true))).toEqual(whole);
    }, 60_000);

    it('numbers the lines of a file whose lines end in a lone CR, past a multi-line cell', () => {
      expect(rowsOf('a,b,c\r1,"x\ry",3\r4,5,6\r7,"8\r\r",9\r10,11,12\r', 2)).toEqual([
        [1, ['a', 'b', 'c']],
        [2, ['1', 'x\ry', '3']],
        [4, ['4', '5', '6']],
        [5, ['7', '8\r\r', '9']],
        [8, ['10', '11', '12']],
      ]);
    });
  });

  it('sniffs the delimiter of the header', () => {
    expect(sniffDelimiter('a;b;"c,d"\n')).toBe(';');
    expect(sniffDelimiter('a,b\n')).toBe(',');
    expect(sniffDelimiter('a\tb\tc\n')).toBe('\t');
  });
});

describe('JsonRecordScanner', () => {
  const recs = [{ a: 1, s: 'x"}]' }, { b: [1, { c: '\\' }] }, { d: 'é' }];
  const variants: [string, string][] = [
    ['array', JSON.stringify(recs)],
    ['pretty array with CRLF', JSON.stringify(recs, null, 2).replace(/\n/g, '\r\n')],
    ['page', JSON.stringify({ '@odata.context': 'ctx', value: recs, '@odata.nextLink': 'n' })],
    ['event hub', JSON.stringify({ records: recs })],
    ['JSON Lines', recs.map((r) => JSON.stringify(r)).join('\n') + '\n'],
    ['concatenated pretty objects', recs.map((r) => JSON.stringify(r, null, 1)).join('\n')],
  ];
  for (const [name, text] of variants) {
    it(`returns the verbatim records of a ${name}, whatever the chunking`, () => {
      for (const step of [1, 2, 7, 1000]) {
        const { items } = scan(text, step);
        expect(
          items.filter((i) => i.error),
          `step ${step}`,
        ).toEqual([]);
        expect(
          items.map((i) => JSON.parse(i.text) as unknown),
          `step ${step}`,
        ).toEqual(recs);
        for (const i of items) expect(text.includes(i.text)).toBe(true);
      }
    });
  }

  it('keeps page metadata and line numbers', () => {
    const { items, scanner } = scan(
      '{\n "@odata.context": "https://graph/$metadata#users(\'a%40b.c\')/messageRules",\n "value": [\n  {"id": 1},\n  {"id": 2}\n ]\n}',
      5,
    );
    expect(scanner.pageMeta()).toEqual({ '@odata.context': "https://graph/$metadata#users('a%40b.c')/messageRules" });
    expect(items.map((i) => i.line)).toEqual([4, 5]);
  });

  it('counts each page read to its end and keeps the link of the last (escapes read), wherever the link sits, whatever the chunking', () => {
    const page = (link: unknown, where: 'before' | 'after', raw?: string) => {
      const text = JSON.stringify(
        where === 'before'
          ? { '@odata.nextLink': link, value: recs }
          : { '@odata.context': 'ctx', value: recs, ...(link === undefined ? {} : { '@odata.nextLink': link }) },
        null,
        1,
      );
      return raw === undefined ? text : text.replace(JSON.stringify(link), raw);
    };
    const one = (lastLink: string | null) => ({ count: 1, lastLink });
    const link = 'https://next?$skiptoken="a"\\b';
    for (const step of [1, 3, 1000]) {
      expect(scan(page(link, 'after'), step).scanner.pages(), `after, step ${step}`).toEqual(one(link));
      expect(scan(page(link, 'before'), step).scanner.pages(), `before, step ${step}`).toEqual(one(link));
      expect(scan(page(undefined, 'after'), step).scanner.pages(), `none, step ${step}`).toEqual(one(null));
      // SDKs write null on the last page; a number or an object is no link either.
      expect(scan(page(null, 'after'), step).scanner.pages(), `null after, step ${step}`).toEqual(one(null));
      expect(scan(page(null, 'before'), step).scanner.pages(), `null before, step ${step}`).toEqual(one(null));
      expect(scan(page(7, 'after'), step).scanner.pages(), `number after, step ${step}`).toEqual(one(null));
      expect(scan(page({ href: 'x' }, 'after'), step).scanner.pages(), `object after, step ${step}`).toEqual(one(null));
      // An escape JSON cannot read: the text between the quotes.
      expect(scan(page('x', 'after', '"https://next?\\q"'), step).scanner.pages(), `bad escape, step ${step}`).toEqual(
        one('https://next?\\q'),
      );
      // Pretty pages one after another: the last one decides.
      const run = `${page('https://next/1', 'after')}\n${page('https://next/2', 'before')}\n${page(undefined, 'after')}`;
      const { items, scanner } = scan(run, step);
      expect(scanner.pages(), `run, step ${step}`).toEqual({ count: 3, lastLink: null });
      expect(scan(`${page(undefined, 'after')}\n${page('https://next/2', 'after')}`, step).scanner.pages()).toEqual({
        count: 2,
        lastLink: 'https://next/2',
      });
      expect(items.filter((i) => !i.error)).toHaveLength(3 * recs.length);
    }
    // A link too long to keep is still a link, whether it ends in the chunk it began in or far later.
    for (const step of [4096, 1_000_000])
      expect(scan(page(`https://next?$skiptoken=${'t'.repeat(70_000)}`, 'after'), step).scanner.pages(), `long, step ${step}`).toEqual(
        one('(an @odata.nextLink longer than 64 KiB)'),
      );
    // Members of the records themselves are not the page's; a bare array has no page; a page cut off
    // before its end is not a page read.
    expect(scan(JSON.stringify({ value: [{ '@odata.nextLink': 'x' }] }), 2).scanner.pages()).toEqual(one(null));
    expect(scan(JSON.stringify([{ '@odata.nextLink': 'x' }]), 2).scanner.pages()).toEqual({ count: 0, lastLink: null });
    expect(scan(page(undefined, 'after').slice(0, -20), 4).scanner.pages()).toEqual({ count: 0, lastLink: null });
  });

  it('quarantines one broken JSON line and goes on', () => {
    const { items, scanner } = scan('{"a":1}\n{"b":\n{"c":3}\n', 3);
    expect(scanner.isLines()).toBe(true);
    expect(items.map((i) => i.text)).toEqual(['{"a":1}', '{"b":', '{"c":3}']);
    expect(items.map((i) => i.line)).toEqual([1, 2, 3]);
  });

  it('reports a truncated array', () => {
    const { items } = scan('[{"a":1},{"b":{"c":', 4);
    expect(items[0]).toEqual({ text: '{"a":1}', line: 1, value: { a: 1 } });
    expect(items[1]).toMatchObject({ error: 'record not terminated (file truncated?)' });
  });

  it('reports elements that are not objects', () => {
    const { items } = scan('[1, {"a":2}, "x"]', 2);
    expect(items.map((i) => [i.text, i.error ?? null])).toEqual([
      ['1', 'array element is not an object'],
      ['{"a":2}', null],
      ['"x"', 'array element is not an object'],
    ]);
  });

  describe('a record that never closes: an export cut off and continued in the same file', () => {
    const rec = (i: number, extra: Record<string, unknown> = {}) => ({
      CreationTime: `2026-01-24T06:54:${String(i % 60).padStart(2, '0')}`,
      Id: `id-${i}`,
      ...extra,
    });
    const records = (from: number, n: number) => Array.from({ length: n }, (_, k) => rec(from + k, { Operation: 'MailItemsAccessed' }));
    const ok = (items: JsonItem[]) => items.filter((i) => !i.error).map((i) => (JSON.parse(i.text) as { Id: string }).Id);

    it('reads on at the next record when a re-run appended a new array after the cut, whatever the chunking', () => {
      const first = JSON.stringify(records(0, 5), null, 2).replace(/\n/g, '\r\n');
      const cutAt = first.indexOf('MailItemsAccessed', first.indexOf('id-3')) + 4; // inside record 4's string
      const text = `${first.slice(0, cutAt)}\r\n${JSON.stringify(records(100, 3))}`;
      for (const step of [1, 5, 64, 100_000]) {
        const { items } = scan(text, step);
        expect(ok(items), `step ${step}`).toEqual(['id-0', 'id-1', 'id-2', 'id-100', 'id-101', 'id-102']);
        const bad = items.filter((i) => i.error);
        expect(bad, `step ${step}`).toHaveLength(1);
        expect(bad[0]!.text).toBe(first.slice(first.lastIndexOf('{', first.indexOf('id-3')), cutAt));
        const lineOf = (at: number) => text.slice(0, at).split('\n').length;
        expect(bad[0]!.line).toBe(lineOf(first.lastIndexOf('{', first.indexOf('id-3'))));
        const next = lineOf(cutAt + 2);
        expect(bad[0]!.error).toBe(
          `record not terminated: another record starts inside it on line ${next} (an export cut off and continued in the same file?); reading goes on there`,
        );
        // Line numbers still point at the records.
        expect(items.find((i) => i.text.includes('id-100'))!.line).toBe(next);
        expect(next).toBe(21);
      }
    });

    it('reads on when the cut record is the first of the file, by its own first key', () => {
      const first = JSON.stringify(records(0, 3), null, 2);
      const cutAt = first.indexOf('MailItemsAccessed') + 4; // inside record 0
      const text = `${first.slice(0, cutAt)}\n${JSON.stringify(records(100, 3))}`;
      for (const step of [7, 100_000]) {
        const { items } = scan(text, step);
        expect(ok(items), `step ${step}`).toEqual(['id-100', 'id-101', 'id-102']);
        expect(items.filter((i) => i.error).map((i) => i.error!.slice(0, 45))).toEqual(['record not terminated: another record starts ']);
      }
    });

    it('leaves a whole first record of more than 4 MiB whole, however many nested objects open with its first key', () => {
      const targets = Array.from({ length: 40_000 }, (_, k) => ({ id: `t-${k}`, displayName: 'x'.repeat(100) }));
      const audits = [0, 1, 2].map((k) => ({ id: `Directory_${k}`, category: 'UserManagement', targetResources: k === 0 ? targets : [] }));
      const text = JSON.stringify(audits);
      expect(text.length).toBeGreaterThan(5_000_000);
      const { items } = scan(text, 65_536);
      expect(items.map((i) => [i.error ?? null, (JSON.parse(i.text) as { id: string }).id])).toEqual([
        [null, 'Directory_0'],
        [null, 'Directory_1'],
        [null, 'Directory_2'],
      ]);
    });

    it('reads on in the same array after a stray quote, without holding the rest of a long file', () => {
      // 8,000 records of ≈ 640 characters: the stray quote leaves ≈ 5 MB after it, past where the
      // scanner looks inside a record that does not close.
      const many = Array.from({ length: 8000 }, (_, k) => rec(k, { Pad: 'p'.repeat(580) }));
      const text = JSON.stringify(many).replace('"id-10"', '"id-10""');
      const scanner = new JsonRecordScanner();
      const items: JsonItem[] = [];
      let errorSeenAt = -1;
      for (let i = 0; i < text.length; i += 65_536) {
        scanner.push(text.slice(i, i + 65_536), items);
        if (errorSeenAt < 0 && items.some((it) => it.error)) errorSeenAt = i;
      }
      scanner.end(items);
      // Found while reading, about 4 MiB on, not at the end of the input.
      expect(errorSeenAt).toBeGreaterThan(4_000_000);
      expect(errorSeenAt).toBeLessThan(text.length - 500_000);
      const ids = ok(items);
      expect(ids).toHaveLength(7999);
      expect(ids).not.toContain('id-10');
      expect(ids[10]).toBe('id-11');
      const cut = '{"CreationTime":"2026-01-24T06:54:10","Id":"id-10""';
      expect(items.filter((i) => i.error).map((i) => [i.text.slice(0, cut.length), i.error!.slice(0, 45)])).toEqual([
        [cut, 'record not terminated: another record starts '],
      ]);
    });

    it('steps over the many whole objects inside a record (sign-ins with 100 policies) to find the next record', () => {
      const policies = Array.from({ length: 100 }, (_, k) => ({ id: `p-${k}`, displayName: 'MFA', result: 'success' }));
      const signIns = Array.from({ length: 200 }, (_, k) => ({
        id: `s-${k}`,
        createdDateTime: '2026-01-24T06:54:00Z',
        appliedConditionalAccessPolicies: policies,
      }));
      const text = JSON.stringify({ value: signIns }).replace('"s-5"', '"s-5""');
      const { items } = scan(text, 8192);
      const good = items.filter((i) => !i.error).map((i) => (JSON.parse(i.text) as { id: string }).id);
      expect(good).toHaveLength(199);
      expect(good).not.toContain('s-5');
      expect(items.filter((i) => i.error)).toHaveLength(1);
    });

    it('reads on in a page cut off and continued with a new page', () => {
      const page = (from: number) => JSON.stringify({ '@odata.context': 'ctx', value: records(from, 3) }, null, 1);
      const p1 = page(0);
      const text = `${p1.slice(0, p1.indexOf('id-1') + 2)}\n${page(10)}`;
      expect(ok(scan(text, 3).items)).toEqual(['id-0', 'id-10', 'id-11', 'id-12']);
    });

    it('does not split a record at an object inside it that opens with other keys', () => {
      // A cut record holding an object that opens with the same first key but not the same second.
      const inner = { CreationTime: 'x', Other: 1 };
      const text = JSON.stringify([rec(0), rec(1, { Nested: [inner, inner] })]).slice(0, -3);
      const { items } = scan(text, 7);
      expect(ok(items)).toEqual(['id-0']);
      expect(items.filter((i) => i.error).map((i) => i.error)).toEqual(['record not terminated (file truncated?)']);
    });
  });

  describe('wholeRecordAtLineEnd: a JSON Lines line holding a cut record and then a whole one', () => {
    const keys = ['CreationTime', 'Id'];
    const whole = '{"CreationTime":"2026-01-24T06:54:01","Id":"b","Operation":"Send"}';
    it('finds the whole record that runs to the end of the line', () => {
      const cut = '{"CreationTime":"2026-01-24T06:54:00","Id":"a","Operation":"Mail';
      expect(wholeRecordAtLineEnd(`${cut}${whole}`, keys)).toBe(cut.length);
      expect(wholeRecordAtLineEnd(`${cut}${whole}  \r`, keys)).toBe(cut.length);
    });
    it('finds none when the object inside does not reach the end of the line or opens with other keys', () => {
      expect(wholeRecordAtLineEnd(`{"CreationTime":"x","Id":"a","Nested":${whole},"More":1`, keys)).toBe(-1);
      expect(wholeRecordAtLineEnd(`{"CreationTime":"x","Id":"a","L":[{"CreationTime":"y","Other":1}]`, keys)).toBe(-1);
      expect(wholeRecordAtLineEnd(whole, keys)).toBe(-1); // the line's own start is no cut
    });
  });
});
