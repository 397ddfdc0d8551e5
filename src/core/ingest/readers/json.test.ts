import { describe, expect, it } from 'vitest';
import type { JsonItem } from './json';
import { scan } from '../../../../test/helpers/json-scan';

describe('JsonRecordScanner', () => {
  describe('JSON Lines whose first line is cut', () => {
    const line = (i: number) => JSON.stringify({ CreationTime: `2023-09-20T04:00:0${i}`, Id: `id-${i}`, Operation: 'Send' });
    const ok = (items: JsonItem[]) =>
      items.filter((i) => !i.error && i.text.trim().startsWith('{') && !i.text.includes('"Cut"')).map((i) => i.line);

    it('are read line by line: the cut line is one item, the lines after it are records', () => {
      for (const text of [
        `{"CreationTime": "2023-09-20T04:00:03", \n${line(1)}\n${line(2)}\n${line(3)}\n`,
        `{"CreationTime": "2023-09-20T04:00:03", \r\n\r\n${line(1)}\r\n${line(2)}`,
      ]) {
        for (const step of [1, 7, 1000]) {
          const { items, scanner } = scan(text, step);
          expect(scanner.isLines(), `step ${step}`).toBe(true);
          expect(items[0]!.text.trimEnd(), `step ${step}`).toBe('{"CreationTime": "2023-09-20T04:00:03",');
          expect(items.slice(1).map((i) => JSON.parse(i.text) as unknown)).toEqual(
            text.includes('\r') ? [JSON.parse(line(1)), JSON.parse(line(2))] : [1, 2, 3].map((i) => JSON.parse(line(i)) as unknown),
          );
        }
      }
      expect(ok(scan(`{"Cut": 1, \n${line(1)}\n`, 3).items)).toEqual([2]);
    });

    it('are not mistaken for a pretty-printed document or a page with one record a line', () => {
      // Nothing after a page's opening line or inside a pretty object is a whole value in column 0,
      // except a page's only record: the opening line says it is a page.
      for (const text of [
        `{"@odata.context": "ctx", "value": [\n${line(1)}\n]}`,
        `{"records": [\n${line(1)},\n${line(2)}\n]}`,
        JSON.stringify(JSON.parse(line(1)), null, 2) + '\n' + JSON.stringify(JSON.parse(line(2)), null, 2),
        `{\n"value": [\n${line(1)}\n]\n}`,
      ]) {
        const { items, scanner } = scan(text, 5);
        expect(scanner.isLines(), text).toBe(false);
        expect(
          items.map((i) => [i.error ?? null, (JSON.parse(i.text) as { Id: string }).Id]),
          text,
        ).toEqual(
          text.includes('id-2')
            ? [
                [null, 'id-1'],
                [null, 'id-2'],
              ]
            : [[null, 'id-1']],
        );
      }
    });
  });

  it('passes over the rest of a JSON Lines line longer than 16 MiB: one item, then the next line', () => {
    const long = `{"Id":"long","Pad":"${'x'.repeat(17 * 1024 * 1024)}"}`;
    const text = `{"Id":"a"}\n${long}\n{"Id":"b"}\n{"Id":"c"}`;
    // Pieces of the size the import decodes (64 KiB) or larger: the cap is checked per piece.
    for (const step of [65_536, 1 << 20]) {
      const { items } = scan(text, step);
      expect(
        items.map((i) => [i.line, i.error?.slice(0, 40) ?? i.text]),
        `step ${step}`,
      ).toEqual([
        [1, '{"Id":"a"}'],
        [2, 'line longer than 16,777,216 characters ('],
        [3, '{"Id":"b"}'],
        [4, '{"Id":"c"}'],
      ]);
    }
  });

  it('reads the records of arrays inside the array (jq -s of content blobs), whatever the chunking', () => {
    const cases: [string, (string | null)[][]][] = [
      [
        JSON.stringify([[{ a: 1 }, { b: 2 }], [{ c: 3 }]]),
        [
          [null, '{"a":1}'],
          [null, '{"b":2}'],
          [null, '{"c":3}'],
        ],
      ],
      [
        JSON.stringify([[{ a: 1 }], [[{ b: 2 }]], [], { c: 3 }], null, 2).replace(/\s+/g, ' '),
        [
          [null, '{ "a": 1 }'],
          [null, '{ "b": 2 }'],
          [null, '{ "c": 3 }'],
        ],
      ],
      [
        JSON.stringify([[{ a: 1 }, 7], ['x']]),
        [
          [null, '{"a":1}'],
          ['array element is not an object', '7'],
          ['array element is not an object', '"x"'],
        ],
      ],
      [
        JSON.stringify({ value: [[{ a: 1 }], [{ b: 2 }]] }),
        [
          [null, '{"a":1}'],
          [null, '{"b":2}'],
        ],
      ],
      [
        '[[{"a":1}],[{"b":',
        [
          [null, '{"a":1}'],
          ['record not terminated (file truncated?)', '{"b":'],
        ],
      ],
    ];
    for (const [text, expected] of cases)
      for (const step of [1, 4, 1000]) {
        const { items } = scan(text, step);
        expect(
          items.map((i) => [i.error ?? null, i.text]),
          `${text} step ${step}`,
        ).toEqual(expected);
      }
  });

  describe('a cut record among objects written one after another', () => {
    const rec = (i: number) => ({
      RunspaceId: 'r',
      RecordType: 50,
      AuditData: JSON.stringify({ Operation: 'MailItemsAccessed', Id: `id-${i}` }),
      Id: `id-${i}`,
    });
    const ok = (items: JsonItem[]) => items.filter((i) => !i.error).map((i) => (JSON.parse(i.text) as { Id: string }).Id);
    const objects = (n: number, indent: number | undefined) => Array.from({ length: n }, (_, i) => JSON.stringify(rec(i), null, indent));
    const cut = (o: string) => o.slice(0, o.indexOf('MailItems') + 4); // inside the AuditData string

    it('quarantines the cut one and reads on at the next, whatever the chunking', () => {
      for (const [indent, sep] of [
        [2, '\n'],
        [4, '\r\n'],
        [1, ''],
        [undefined, ''], // compact, back to back: one line (JSON Lines are read line by line instead)
      ] as const) {
        const objs = objects(5, indent).map((o, k) => (k === 1 ? cut(o) : o).replace(/\n/g, sep === '\r\n' ? '\r\n' : '\n'));
        const text = objs.join(sep);
        const lineOf = (k: number) => text.slice(0, objs.slice(0, k).join(sep).length + (k > 0 ? sep.length : 0)).split('\n').length;
        for (const step of [1, 9, 100_000]) {
          const { items } = scan(text, step);
          const where = `indent ${indent} sep ${JSON.stringify(sep)} step ${step}`;
          expect(ok(items), where).toEqual(['id-0', 'id-2', 'id-3', 'id-4']);
          const bad = items.filter((i) => i.error);
          expect(
            bad.map((i) => [i.text, i.error!.slice(0, 45)]),
            where,
          ).toEqual([[objs[1], 'record not terminated: another record starts ']]);
          expect(bad[0]!.line, where).toBe(lineOf(1));
          expect(items.find((i) => i.text.includes('id-3'))!.line, where).toBe(lineOf(3));
        }
      }
    });

    it('reads on when the first is cut (by a whole object starting a line when its own keys do not show)', () => {
      const objs = objects(3, 2);
      for (const first of [cut(objs[0]!), '{"RunspaceId": "r", '])
        for (const step of [3, 100_000]) {
          const { items } = scan([first, ...objs.slice(1)].join('\n'), step);
          expect(ok(items), `step ${step}`).toEqual(['id-1', 'id-2']);
          // The cut record's text, without the separators before the next.
          expect(items.filter((i) => i.error).map((i) => i.text)).toEqual([first.replace(/[\s,]+$/, '')]);
        }
    });

    it('reads objects of another kind after the cut when they start a line', () => {
      const other = JSON.stringify({ time: 't', category: 'SignInLogs', properties: { id: 's-1' } }, null, 2);
      const { items } = scan(`${cut(objects(1, 2)[0]!)}\n${other}\n${other}`, 11);
      expect(items.filter((i) => !i.error).map((i) => i.text)).toEqual([other, other]);
      expect(items.filter((i) => i.error)).toHaveLength(1);
    });

    it('does not split a record at nested objects that start a line (no indentation, as Python indent=0 writes)', () => {
      const flat = (o: unknown) => JSON.stringify(o, null, 2).replace(/\n +/g, '\n');
      const nested = {
        ...rec(9),
        Folders: [
          { Path: '\\Inbox', Items: 3 },
          { Path: '\\Sent', Items: 1 },
        ],
        Item: { Subject: 's' },
      };
      const text = `${objects(2, 2).join('\n')}\n${flat(nested).slice(0, -5)}`;
      expect(text).toContain('\n{\n"Path"');
      for (const step of [5, 100_000]) {
        const { items } = scan(text, step);
        expect(ok(items)).toEqual(['id-0', 'id-1']);
        expect(items.filter((i) => i.error).map((i) => i.error)).toEqual(['record not terminated (file truncated?)']);
      }
    });

    it('leaves a last record cut by the end of the file a truncated record, and does not split at indented objects', () => {
      // Inside it, an object opening with the records' first key but not their second, and others.
      const nested = { CreationTime: 'x', Id: 'y', Inner: [{ RunspaceId: 'r', Other: 1 }, { a: 1 }] };
      const pretty = JSON.stringify(nested, null, 2);
      const text = `${objects(2, 2).join('\n')}\n${pretty.slice(0, -10)}`;
      const { items } = scan(text, 7);
      expect(ok(items)).toEqual(['id-0', 'id-1']);
      expect(items.filter((i) => i.error).map((i) => i.error)).toEqual(['record not terminated (file truncated?)']);
    });
  });

  describe('review mends', () => {
    const rec = (i: number, extra: Record<string, unknown> = {}) => ({ CreationTime: `2023-09-20T04:00:0${i}`, Id: `id-${i}`, ...extra });
    const ids = (items: JsonItem[]) => items.filter((i) => !i.error).map((i) => (JSON.parse(i.text) as { Id: string }).Id);

    it('does not split a valid record over 4 MiB that arrives in one piece (objects one after another, or in an array)', () => {
      // ConvertTo-Json of Search-UnifiedAuditLog results, one with a 5 MB AuditData.
      const ps = (i: number, pad = 0) =>
        JSON.stringify(
          {
            RunspaceId: 'r',
            RecordType: 15,
            AuditData: JSON.stringify({ CreationTime: '2026-01-24T06:40:01', Id: `id-${i}`, Pad: 'p'.repeat(pad) }),
            Id: `id-${i}`,
          },
          null,
          4,
        );
      const objs = [ps(1), ps(2, 5_000_000), ps(3)];
      for (const text of [objs.join('\n'), `[\n${objs.join(',\n')}\n]`])
        for (const step of [text.length, 1 << 20]) {
          const { items } = scan(text, step);
          expect(
            items.filter((i) => i.error).map((i) => i.error),
            `step ${step}`,
          ).toEqual([]);
          expect(ids(items), `step ${step}`).toEqual(['id-1', 'id-2', 'id-3']);
        }
    });

    it('reads two objects on the first line as objects one after another, not a cut line', () => {
      const text = `${JSON.stringify(rec(1))}${JSON.stringify(rec(2))}\n${JSON.stringify(rec(3))}\n${JSON.stringify(rec(4))}\n`;
      for (const step of [3, text.length]) expect(ids(scan(text, step).items), `step ${step}`).toEqual(['id-1', 'id-2', 'id-3', 'id-4']);
    });

    it('reads batches one a line whose first line is cut inside its record array as JSON Lines', () => {
      const batch = (n: number) => JSON.stringify({ records: [rec(n), rec(n + 1)] });
      const text = `${batch(0).slice(0, 40)}\n${batch(2)}\n${batch(4)}\n`;
      const { items, scanner } = scan(text, 7);
      expect(scanner.isLines()).toBe(true);
      // One item a line: the cut one (the parser quarantines it), and the two whole batches.
      expect(items.map((i) => i.line)).toEqual([1, 2, 3]);
      expect(() => JSON.parse(items[0]!.text) as unknown).toThrow();
      expect(items.slice(1).map((i) => (JSON.parse(i.text) as { records: unknown[] }).records.length)).toEqual([2, 2]);
    });

    it('does not take the first element of an array in an indent=0 document, cut right after it, for a record', () => {
      // Python's json.dumps(indent=0): one value a line, no indentation.
      const flat = (o: unknown) => JSON.stringify(o, null, 1).replace(/\n +/g, '\n');
      const whole = flat(
        rec(1, {
          Folders: [
            { Path: 'Inbox', Items: 3 },
            { Path: 'Sent', Items: 1 },
          ],
        }),
      );
      const cutAt = whole.indexOf('}', whole.indexOf('"Inbox"')) + 1;
      const text = `${whole.slice(0, cutAt)}\n${flat(rec(2))}\n${flat(rec(3))}`;
      for (const step of [5, text.length]) {
        const { items } = scan(text, step);
        expect(ids(items), `step ${step}`).toEqual(['id-2', 'id-3']);
        expect(
          items.filter((i) => i.error),
          `step ${step}`,
        ).toHaveLength(1);
      }
    });
  });
  describe('damage between the records of an array or page', () => {
    const rec = (id: string, extra = '') => `{"CreationTime":"2026-01-24T07:10:00","Id":"${id}","Operation":"Send"${extra}}`;
    /** Ids of the records read, and the errors, whatever the pieces the text arrives in. */
    const read = (text: string, steps = [1, 7, 64, 4096]): { ids: string[]; errors: string[] } => {
      const results = [...steps, text.length].map((step) => {
        const { items } = scan(text, step);
        return {
          ids: items.filter((i) => i.value !== undefined).map((i) => (i.value as { Id: string }).Id),
          errors: items.filter((i) => i.value === undefined).map((i) => `${i.line}: ${i.error ?? 'does not parse'}: ${i.text}`),
        };
      });
      for (const r of results) expect(r).toEqual(results[0]);
      return results[0]!;
    };

    it('reads on in a page after an extra closing brace in a record', () => {
      const text = `{"value":[\n${rec('r1')},\n${rec('r2', ',"X":{"a":1}}')},\n${rec('r3')},\n${rec('r4')}\n]}`;
      const { ids, errors } = read(text);
      // r2 closes early at the extra brace (what it held up to there is read); its last member is not an object.
      expect(ids).toEqual(['r1', 'r2', 'r3', 'r4']);
      expect(errors).toEqual(['3: array element is not an object: }']);
    });

    it('minds an escaped quote in a page member whose backslash ends one piece and quote starts the next', () => {
      const head = `{"value":[\n${rec('r1')}\n],"note":"say `;
      const text = `${head}\\"}{\\" ok"}\n{"value":[\n${rec('r2')}\n]}\n`;
      const { items } = scan(text, head.length + 1); // the first piece ends on the backslash
      expect(items.map((i) => i.error ?? (JSON.parse(i.text) as { Id: string }).Id)).toEqual(['r1', 'r2']);
    });

    it('reads on after a stray quote before a record, even one whose values hold brackets', () => {
      for (const odd of ['', ',"S0":"{"', ',"S0":"}]"']) {
        const text = `[\n${rec('r1')},\n"${rec('r2')},\n${rec('r3')},\n${rec('r4', odd)},\n${rec('r5')}\n]`;
        const { ids, errors } = read(text);
        expect(ids, odd).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
        expect(errors, odd).toEqual([
          '3: array element is not an object, and a record starts inside it on line 3 (a stray quote?); reading goes on there: "',
        ]);
      }
    });

    it('reads on at the next record line after a stray quote inside a record closed on a later record', () => {
      // The stray quote in r2 turns the strings inside out: the scanner meets the brace in r3's
      // `"V":"}"` outside a string and closes r2 there, over r3's first half.
      for (const layout of ['lines', 'pretty'] as const) {
        const r2 = `{"CreationTime":"2026-01-24T07:10:00","Id":"r2","Oper"ation":"Send"}`;
        const records = [rec('r1'), r2, rec('r3', ',"V":"}"'), rec('r4', ',"V":"}]"'), rec('r5')];
        const text =
          layout === 'lines'
            ? `{"value":[\n${records.join(',\n')}\n]}`
            : `[\n${records.map((r) => `  ${r.replace(/,"/g, ',\n    "').replace('{"', '{\n    "')}`).join(',\n')}\n]`;
        const { ids, errors } = read(text);
        expect(ids, layout).toEqual(['r1', 'r3', 'r4', 'r5']);
        expect(errors, layout).toEqual([
          expect.stringMatching(
            /^\d+: not valid JSON, and the next record starts inside it on line \d+ \(a stray quote\?\); reading goes on there: \s*\{/,
          ),
        ]);
      }
    });

    it('does not take a nested object opening like a record for one unless it starts a line where records do', () => {
      const nested = `{"CreationTime":"nested","Id":"n1","V":"}"}`;
      const text = `[\n${rec('r1')},\n${rec('r2', `,"Oops":"a"b","N":\n  ${nested}`)},\n${rec('r3')}\n]`;
      const { ids } = read(text);
      expect(ids).not.toContain('n1');
      expect(ids).toContain('r3');
    });

    it('reads JSON Lines whose first record is over 1 MiB line by line, whatever the pieces', () => {
      const big = rec('r1', `,"Big":"${'x'.repeat(1_200_000)}"`);
      const text = `${big}\n${rec('r2')}\n{"CreationTime":"2026-01-24T07:10:00","Id":"r3",\n"Operation":"Send"}\n${rec('r4')}\n`;
      for (const step of [65_536, text.length]) {
        const { items, scanner } = scan(text, step);
        expect(scanner.isLines(), `step ${step}`).toBe(true);
        // The record split over two lines is two broken lines; the ones around it are read.
        expect(items.map((i) => [i.line, i.error ?? null, i.text.length > 200 ? 'big' : i.text.slice(0, 12)])).toEqual([
          [1, null, 'big'],
          [2, null, '{"CreationTi'],
          [3, null, '{"CreationTi'],
          [4, null, '"Operation":'],
          [5, null, '{"CreationTi'],
        ]);
      }
    });

    it('reports a line of text after the data as one item, however long and however it arrives', () => {
      const junk = 'garbage '.repeat(30_000);
      // (Pieces of 64 characters and more: a line held while it arrives in 1-character pieces is
      // re-flattened by each, which the importer's 64 KiB pieces never do.)
      const { ids, errors } = read(`[\n${rec('r1')}\n]\n${junk}\n"${junk}\n${rec('r2')}\n`, [64, 4096, 65_536]);
      expect(ids).toEqual(['r1', 'r2']);
      expect(errors).toEqual([`4: not JSON: ${junk.trim()}`, `5: not JSON: "${junk.trim()}`]);
    });
  });
});
