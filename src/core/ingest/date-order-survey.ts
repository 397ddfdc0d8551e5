/**
 * The survey of a stored older Entra sign-in CSV's locale dates (`date-order.ts`): which order its
 * dates that read only one way are written in, before any row is read.
 */
import { localeDateOrders, parseIsoUs, type DateOrderSurvey } from '../normalize/time';
import { headerNames } from './csv-records';
import { isPreambleRow, type CsvRow } from './readers/csv';
import { CsvRowSource, evidenceText } from './record-parsers';
import type { Db } from '../store/database';
import type { TextChunk } from './text';

/** The columns an Entra sign-in CSV keeps its time in (`csv-records.ts` maps them to `createdDateTime`). */
const DATE_COLUMNS = new Set(['date (utc)', 'date', 'createddatetime']);

/** Surveys the date column of an Entra sign-in CSV, fed as text pieces; {@link result} when done. */
export class DateOrderSurveyor {
  /** True once a date in the column was locale text, not ISO (the older layout). */
  localeSeen = false;
  private readonly source = new CsvRowSource();
  private readonly rows: CsvRow[] = [];
  private column: number | null = null;
  private headerSeen = false;
  private readonly survey: DateOrderSurvey = { dayFirstLine: null, monthFirstLine: null };

  push(text: string): void {
    this.source.push(text, this.rows);
    this.drain();
  }

  /** Ends the input and returns the survey. */
  result(): DateOrderSurvey {
    this.source.end(this.rows);
    this.drain();
    return this.survey;
  }

  private drain(): void {
    for (const row of this.rows) this.note(row);
    this.rows.length = 0;
  }

  private note(row: CsvRow): void {
    if (!this.headerSeen) {
      if (isPreambleRow(row)) return;
      this.headerSeen = true;
      const i = headerNames(row.fields).findIndex((n) => DATE_COLUMNS.has(n.toLowerCase()));
      this.column = i < 0 ? null : i;
      return;
    }
    const text = this.column === null ? undefined : row.fields[this.column];
    if (text === undefined || text.length === 0 || parseIsoUs(text) !== null) return;
    this.localeSeen = true;
    const orders = localeDateOrders(text);
    if (orders.length !== 1) return;
    if (orders[0] === 'day/month') this.survey.dayFirstLine ??= row.line;
    else this.survey.monthFirstLine ??= row.line;
  }
}

/**
 * The survey of a stored Entra sign-in CSV, or null when its first text (`sample`, already read for
 * detection) holds no locale date: the current layouts write ISO dates and are not read twice.
 * Otherwise the whole item is read once more, before any row is parsed.
 */
export function surveyDateOrder(db: Db, evidenceId: number, sample: TextChunk[]): DateOrderSurvey | null {
  const first = new DateOrderSurveyor();
  for (const c of sample) first.push(c.text);
  if (!first.localeSeen) return null;
  const whole = new DateOrderSurveyor();
  const reader = evidenceText(db, evidenceId);
  for (let c = reader.next(); c !== null; c = reader.next()) whole.push(c.text);
  return whole.result();
}
