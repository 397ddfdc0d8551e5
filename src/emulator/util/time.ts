/** Time constants and the timestamp spellings of each Microsoft source (reference §10.2). */

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** UAL `CreationTime`: UTC without a zone suffix and without fractions (`2015-06-29T20:03:19`). */
export function ualTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/**
 * Graph time with 7 fractional digits and `Z` (`2026-07-17T13:48:10.9301252Z`). The last four
 * digits are sub-millisecond noise derived from `noise` so they look like real ticks.
 */
export function graphTime(ms: number, noise: number): string {
  const iso = new Date(ms).toISOString(); // 2026-07-17T13:48:10.930Z
  const ticks = String((noise >>> 0) % 10000).padStart(4, '0');
  return `${iso.slice(0, 23)}${ticks}Z`;
}

/** Graph time with whole seconds (`2026-07-17T08:28:17Z`), as the audit query records carry it. */
export function graphSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Activities API time: ISO 8601 with milliseconds and `Z`. */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** US-locale `M/D/YYYY h:mm:ss AM/PM` (Activities `ReceivedTime` custom property). */
export function usLocale(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h12}:${mm}:${ss} ${h < 12 ? 'AM' : 'PM'}`;
}

/** Parses an ISO 8601 instant; `Z` is assumed when no zone is given. Returns NaN when invalid. */
export function parseInstant(text: string): number {
  const t = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(Z|[+-]\d{2}:\d{2})?$/i.test(t)) return Number.NaN;
  const withTime = t.length === 10 ? `${t}T00:00:00` : t;
  const hasZone = /(Z|[+-]\d{2}:\d{2})$/i.test(withTime);
  // JavaScript accepts at most 3 fractional digits.
  const trimmed = withTime.replace(/(\.\d{3})\d+/, '$1');
  return Date.parse(hasZone ? trimmed : `${trimmed}Z`);
}

/** Start of the UTC day containing `ms`. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}
