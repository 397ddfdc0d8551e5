/** Parsing of user-given instants for a collection range (locale-independent). */
import { MailtrailError } from '../../shared/errors';

/**
 * Parses `YYYY-MM-DD` (UTC midnight) or an ISO 8601 date-time; a time without a zone is UTC.
 * @returns microseconds since the epoch, UTC.
 */
export function parseInstantUs(text: string, what: string): number {
  const t = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(t);
  if (!m) throw new MailtrailError('USAGE', `${what}: not an ISO 8601 date or instant: ${text}`);
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(base);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    throw new MailtrailError('USAGE', `${what}: no such date or time: ${text}`);
  }
  let offsetMin = 0;
  if (zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3]));
  }
  const micros = frac ? Math.round(Number(`0${frac}`) * 1e6) : 0;
  return (base - offsetMin * 60_000) * 1000 + micros;
}
