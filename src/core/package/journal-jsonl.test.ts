import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { tempCase } from '../../../test/helpers/case';
import { checkJournalJsonl, journalJsonlLines } from './journal-jsonl';
import { parseManifest } from './manifest';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function jsonl() {
  const t = tempCase();
  cleanups.push(t.cleanup);
  t.session.journal.append('note.test', { text: 'a "quoted" value', n: 1 });
  t.session.journal.append('note.test', { nested: { b: 2, a: [1, 2] } });
  return { lines: [...journalJsonlLines(t.session.db)], head: t.session.journal.head() };
}

describe('custody journal as JSONL', () => {
  it('writes one canonical entry per line and recomputes the same head without the case', async () => {
    const { lines, head } = jsonl();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(
      /^\{"action":"note\.test","at_us":\d+,"details":\{"nested":\{"a":\[1,2\],"b":2\}\},"examiner":"Test Examiner","hash":"[0-9a-f]{64}","prev":"[0-9a-f]{64}","seq":3\}\n$/,
    );
    const check = await checkJournalJsonl(Readable.from(lines));
    expect(check).toMatchObject({ entries: 3, head: head.head, problem: null });
    expect(check.first?.action).toBe('case.create');
  });

  it('names the first line whose entry was edited, removed or is not JSON', async () => {
    const { lines } = jsonl();
    const edited = [...lines];
    edited[1] = edited[1]!.replace('quoted', 'QUOTED');
    expect((await checkJournalJsonl(Readable.from(edited))).problem).toBe('line 2: entry 2: hash does not match its contents');
    expect((await checkJournalJsonl(Readable.from([lines[0]!, lines[2]!]))).problem).toBe(
      'line 2: entry 3: expected entry 2 here (entries missing or reordered)',
    );
    expect((await checkJournalJsonl(Readable.from([lines[0]!, '{oops\n']))).problem).toBe('line 2: not valid JSON');
  });
});

describe('manifest parsing', () => {
  it('names what is wrong with a manifest', () => {
    expect(parseManifest(Buffer.from('not json')).error).toMatch(/^manifest\.json is not valid JSON/);
    expect(parseManifest(Buffer.from('{"format":"other"}')).error).toMatch(/^manifest\.json is not a Mailtrail package manifest \(format:/);
  });
});
