/**
 * Timestamps → integer µs since the epoch, UTC (forensic invariant 3). Every parser here is strict
 * and locale-free: ISO 8601 (UAL `CreationTime` without a zone is UTC; Graph's 7 fractional digits
 * are truncated to µs), .NET JSON dates (`/Date(ms)/`) and, only where a format is known to use it,
 * the US `M/D/YYYY h:mm:ss AM/PM` text. `Date.parse` is never used.
 */
const DIGIT0 = 48;

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - DIGIT0;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/**
 * Parses ISO 8601 `YYYY-MM-DD[(T| )h[h]:mm[:ss[.f…]]][Z|±hh[:]mm]`, surrounding whitespace ignored.
 * No zone means UTC (UAL `CreationTime`, Panther's `2023-07-26 23:00:20.889`).
 * @returns µs since the epoch, or `null` when `s` is not such a timestamp.
 */
export function parseIsoUs(input: string): number | null {
  const s = input.trim();
  const len = s.length;
  if (len < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  let h = 0;
  let mi = 0;
  let sec = 0;
  let us = 0;
  let offsetMin = 0;
  let i = 10;
  if (i < len) {
    const sep = s.charCodeAt(i);
    if (sep !== 84 && sep !== 116 && sep !== 32) return null; // T t space
    // One hour digit (`2023-10-26T5:32:08.107Z`, as some Entra risk records are written) is not ambiguous.
    const hLen = s.charCodeAt(i + 2) === 58 ? 1 : 2;
    h = digits(s, i + 1, hLen);
    if (s.charCodeAt(i + 1 + hLen) !== 58) return null;
    mi = digits(s, i + 2 + hLen, 2);
    if (h < 0 || h > 24 || mi < 0 || mi > 59) return null;
    i += 4 + hLen;
    if (i < len && s.charCodeAt(i) === 58) {
      sec = digits(s, i + 1, 2);
      if (sec < 0 || sec > 60) return null;
      i += 3;
      if (i < len && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
        i++;
        const start = i;
        while (i < len) {
          const c = s.charCodeAt(i) - DIGIT0;
          if (c < 0 || c > 9) break;
          if (i - start < 6) us = us * 10 + c;
          i++;
        }
        const n = i - start;
        if (n === 0) return null;
        for (let k = n; k < 6; k++) us *= 10;
      }
    }
    if (i < len) {
      const z = s.charCodeAt(i);
      if ((z === 90 || z === 122) && i === len - 1) i++;
      else if (z === 43 || z === 45) {
        const oh = digits(s, i + 1, 2);
        let om: number;
        if (s.charCodeAt(i + 3) === 58) {
          om = digits(s, i + 4, 2);
          i += 6;
        } else {
          om = len >= i + 5 ? digits(s, i + 3, 2) : 0;
          i += len >= i + 5 ? 5 : 3;
        }
        if (oh < 0 || om < 0 || oh > 18 || om > 59) return null;
        offsetMin = (z === 45 ? -1 : 1) * (oh * 60 + om);
      } else return null;
    }
    if (i !== len) return null;
    if (h === 24 && (mi !== 0 || sec !== 0 || us !== 0)) return null;
  }
  const ms = utcMs(y, mo - 1, d, h, mi, Math.min(sec, 59)) - offsetMin * 60_000;
  return ms * 1000 + us;
}

/** Milliseconds of one Gregorian cycle: 400 years are exactly 146,097 days. */
const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000;

/**
 * `Date.UTC` for any four-digit year: `Date.UTC` reads years 0–99 as 1900–1999, which would put
 * .NET's `DateTime.MinValue` (`0001-01-01T00:00:00`, a placeholder some exports write) in 1901.
 */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  return y < 100 ? Date.UTC(y + 400, mo, d, h, mi, s) - GREGORIAN_CYCLE_MS : Date.UTC(y, mo, d, h, mi, s);
}

const DOTNET_DATE = /^\\?\/Date\((-?\d+)([+-]\d{4})?\)\\?\/$/;

/** Parses a .NET JSON date (`/Date(1695182703000)/`, Windows PowerShell `ConvertTo-Json`); the offset suffix is informational. */
export function parseDotNetDateUs(input: string): number | null {
  const m = DOTNET_DATE.exec(input.trim());
  return m ? Number(m[1]) * 1000 : null;
}

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?$/;

/** The numbers of locale text `a/b/yyyy h:mm[:ss] [AM|PM]`, before knowing which of a and b is the month. */
interface LocaleParts {
  a: number;
  b: number;
  year: number;
  hour: number;
  minute: number;
  second: number;
  /** `AM` / `PM`, or null for 24-hour text. */
  half: 'AM' | 'PM' | null;
}

function localeParts(input: string): LocaleParts | null {
  const m = US_DATE.exec(input.trim());
  if (!m) return null;
  const half = m[7] === undefined ? null : (m[7].toUpperCase() as 'AM' | 'PM');
  return {
    a: Number(m[1]),
    b: Number(m[2]),
    year: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6] ?? 0),
    half,
  };
}

/** µs for `p` read with `month` and `day`, or null when that is not a valid date and time. */
function localeUs(p: LocaleParts, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(p.year, month)) return null;
  if (p.hour > 24 || (p.hour === 24 && (p.minute > 0 || p.second > 0)) || p.minute > 59 || p.second > 59) return null;
  // 12 AM is midnight, 1–11 PM the afternoon; an hour past 12 is already on the 24-hour clock (24 the next midnight, as ISO allows).
  const hour = p.half === 'PM' && p.hour < 12 ? p.hour + 12 : p.half === 'AM' && p.hour === 12 ? 0 : p.hour;
  return utcMs(p.year, month - 1, day, hour, p.minute, p.second) * 1000;
}

/**
 * Parses US-locale text `M/D/YYYY h:mm[:ss] [AM|PM]` as UTC. Only for fields a format is known to
 * write that way (older Purview `CreationDate`, Activities `ReceivedTime`); a first number above 12
 * (day-first text) is refused rather than guessed.
 */
export function parseUsDateUs(input: string): number | null {
  const p = localeParts(input);
  return p === null ? null : localeUs(p, p.a, p.b);
}

/** Which order a locale date `a/b/yyyy` is written in: month first (US) or day first. */
export type DateOrder = 'month/day' | 'day/month';

/** What a file's locale dates say about their order: the first line that only reads each way. */
export interface DateOrderSurvey {
  /** First line (1-based) whose date reads only day/month (`24/01/2026`), or null. */
  dayFirstLine: number | null;
  /** First line whose date reads only month/day (`1/24/2026`), or null. */
  monthFirstLine: number | null;
  /** The order the examiner gave for dates that read both ways (`import --date-order`), or null/absent. */
  given?: DateOrder | null;
}

/**
 * The orders in which locale text `a/b/yyyy h:mm[:ss] [AM|PM]` is a valid date: one when the text
 * itself tells (`1/24/2026` is month/day, `24/01/2026` day/month), both when either number could be
 * the month (`3/4/2026`), none when it is not such text or no reading is a date.
 */
export function localeDateOrders(input: string): DateOrder[] {
  const p = localeParts(input);
  if (p === null) return [];
  return (['month/day', 'day/month'] as const).filter((order) => readAs(p, order) !== null);
}

function readAs(p: LocaleParts, order: DateOrder): number | null {
  return order === 'month/day' ? localeUs(p, p.a, p.b) : localeUs(p, p.b, p.a);
}

/**
 * Parses locale text `a/b/yyyy h:mm[:ss] [AM|PM]` as UTC in the given order. The caller decides
 * the order from what the export is known to write or what its other dates show; never guessed here.
 */
export function parseLocaleDateUs(input: string, order: DateOrder): number | null {
  const p = localeParts(input);
  return p === null ? null : readAs(p, order);
}

/** ISO 8601 or a .NET JSON date. */
export function parseMachineTimeUs(input: unknown): number | null {
  if (typeof input === 'number' && Number.isFinite(input)) return null;
  if (typeof input !== 'string' || input.length === 0) return null;
  return parseIsoUs(input) ?? parseDotNetDateUs(input);
}
