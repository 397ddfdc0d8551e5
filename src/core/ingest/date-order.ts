/**
 * The order of the locale dates in an older Entra sign-in CSV (`CreatedDateTime` written in the
 * downloading browser's locale: `3/12/2025 7:22:01 AM` in the US, `12/03/2025 7:22:01 am` in
 * Australia, `12/03/2025 07:22` in much of Europe). A date such as `3/12/2025` reads both ways, so
 * its order is taken from the file's other dates (`24/01/2026` can only be day/month), surveyed
 * over the whole stored file before any row is read: a row must not be read one way when a later
 * row shows the file is written the other.
 */
import { localeDateOrders, type DateOrder, type DateOrderSurvey } from '../normalize/time';

/** How a locale date was read, for the event (`attrs.timeReading`), or why it cannot be. */
export type LocaleDateReading = { order: DateOrder; note: string | null } | { order: null; reason: string };

/**
 * The order to read `text` in, given the file's survey: its own when only one reading is a date;
 * else the order the examiner gave (`survey.given`), unless a date in the file can only be read the
 * other way; else the one the file's other dates show; else month/day for text with AM/PM, as the
 * US portal wrote it (said in the note); 24-hour text and files that show both orders are not guessed.
 */
export function readingOf(text: string, survey: DateOrderSurvey | null, hasAmPm: boolean): LocaleDateReading {
  const orders = localeDateOrders(text);
  if (orders.length === 1) return { order: orders[0]!, note: null };
  if (orders.length === 0) return { order: null, reason: `date ${JSON.stringify(text)} is not a date in either day/month order` };
  const day = survey?.dayFirstLine ?? null;
  const month = survey?.monthFirstLine ?? null;
  if (day !== null && month !== null)
    return {
      order: null,
      reason: `date ${JSON.stringify(text)} reads both ways, and the file holds dates in both orders (day/month on line ${day}, month/day on line ${month})`,
    };
  const given = survey?.given ?? null;
  if (given !== null) {
    // The examiner's word decides dates that read both ways, unless the file itself shows otherwise.
    const against = given === 'day/month' ? month : day;
    if (against !== null)
      return {
        order: null,
        reason: `date ${JSON.stringify(text)} reads both ways, and the order given (--date-order ${given}) is contradicted by the file's date on line ${against}, which can only be ${given === 'day/month' ? 'month/day' : 'day/month'}`,
      };
    return { order: given, note: `read ${given}, the order the examiner gave for this import (--date-order)` };
  }
  if (day !== null) return { order: 'day/month', note: `read day/month, as the file's date on line ${day} can only be` };
  if (month !== null) return { order: 'month/day', note: `read month/day, as the file's date on line ${month} can only be` };
  if (hasAmPm)
    return {
      order: 'month/day',
      note: 'read month/day (US, as the Entra portal wrote it): no date in the file tells day from month',
    };
  return {
    order: null,
    reason: `date ${JSON.stringify(text)} is locale text without AM/PM and no date in the file tells day from month (export with ISO dates)`,
  };
}
