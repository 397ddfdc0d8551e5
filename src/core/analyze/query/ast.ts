/** The parsed form of a Mailtrail search query (see `docs/search.md`). */

/** Fields a `field:value` term may name. */
export const QUERY_FIELDS = [
  'operation',
  'actor',
  'mailbox',
  'ip',
  'country',
  'asn',
  'ua',
  'app',
  'session',
  'token',
  'device',
  'category',
  'source',
  'result',
  'object',
  'tag',
  'star',
  'id',
] as const;
export type QueryField = (typeof QUERY_FIELDS)[number];

/** Accepted spellings of field names (lower case) → canonical field. */
export const FIELD_ALIASES: Readonly<Record<string, QueryField>> = {
  operation: 'operation',
  op: 'operation',
  actor: 'actor',
  user: 'actor',
  mailbox: 'mailbox',
  ip: 'ip',
  country: 'country',
  asn: 'asn',
  ua: 'ua',
  useragent: 'ua',
  app: 'app',
  appid: 'app',
  session: 'session',
  token: 'token',
  device: 'device',
  category: 'category',
  cat: 'category',
  source: 'source',
  result: 'result',
  object: 'object',
  tag: 'tag',
  star: 'star',
  starred: 'star',
  id: 'id',
};

/** A query term's value as typed. */
export interface TermValue {
  text: string;
  /** Was it in double quotes (exact text, no wildcard). */
  quoted: boolean;
  /** Did it contain an unquoted `*` wildcard. */
  wildcard: boolean;
}

/** A node of the query tree. `column` is 1-based, for error messages and highlighting. */
export type QueryNode =
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode }
  | { kind: 'text'; value: TermValue; column: number }
  | { kind: 'field'; field: QueryField; value: TermValue; column: number }
  | { kind: 'time'; op: 'after' | 'before'; us: number; column: number };
