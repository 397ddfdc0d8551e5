// The JSON record scanner fed as the import feeds it, in pieces of `step` characters.
import { JsonRecordScanner, type JsonItem } from '../../src/core/ingest/readers/json';

/** Scans `text` pushed in pieces of `step` characters, then ended; the items and the scanner. */
export function scan(text: string, step: number): { items: JsonItem[]; scanner: JsonRecordScanner } {
  const scanner = new JsonRecordScanner();
  const items: JsonItem[] = [];
  for (let i = 0; i < text.length; i += step) scanner.push(text.slice(i, i + step), items);
  scanner.end(items);
  return { items, scanner };
}
