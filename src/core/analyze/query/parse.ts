/**
 * The search language parser: free text, `field:value`, quotes, trailing or inner `*` wildcards,
 * AND / OR / NOT (and a leading `-` for NOT), parentheses, `after:` / `before:` with ISO or
 * relative times. Errors name the 1-based column. The result is a tree; compiling it to
 * parameterised SQL is `store/query-repo.ts`'s job.
 */
import { DateTime } from 'luxon';
import { MailtrailError } from '../../../shared/errors';
import { FIELD_ALIASES, type QueryNode, type TermValue } from './ast';

type Token =
  | { t: 'lparen' | 'rparen' | 'and' | 'or' | 'not'; col: number }
  | { t: 'term'; col: number; field: string | null; fieldCol: number; value: TermValue; negated: boolean };

/** Throws a query syntax error naming the column. */
function fail(column: number, message: string): never {
  throw new MailtrailError('INVALID_INPUT', `query error at column ${column}: ${message}`, { column });
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Reads a double-quoted string starting at `i` (on the quote); `\"` and `\\` are escapes. */
function readQuoted(q: string, i: number): { text: string; next: number } {
  const start = i;
  let text = '';
  i++;
  while (i < q.length) {
    const c = q[i]!;
    if (c === '\\' && (q[i + 1] === '"' || q[i + 1] === '\\')) {
      text += q[i + 1];
      i += 2;
    } else if (c === '"') {
      return { text, next: i + 1 };
    } else {
      text += c;
      i++;
    }
  }
  return fail(start + 1, 'unterminated quote');
}

/** Reads an unquoted word up to whitespace or a parenthesis. */
function readWord(q: string, i: number): { text: string; next: number } {
  let j = i;
  while (j < q.length && !isSpace(q[j]!) && q[j] !== '(' && q[j] !== ')') j++;
  return { text: q.slice(i, j), next: j };
}

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    const col = i + 1;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '(') {
      out.push({ t: 'lparen', col });
      i++;
      continue;
    }
    if (c === ')') {
      out.push({ t: 'rparen', col });
      i++;
      continue;
    }
    let negated = false;
    let start = i;
    if (c === '-' && i + 1 < q.length && !isSpace(q[i + 1]!) && q[i + 1] !== ')') {
      negated = true;
      start = ++i;
    }
    if (q[i] === '"') {
      const { text, next } = readQuoted(q, i);
      out.push({ t: 'term', col: start + 1, field: null, fieldCol: start + 1, value: { text, quoted: true, wildcard: false }, negated });
      i = next;
      continue;
    }
    if (negated && q[i] === '(') {
      out.push({ t: 'not', col });
      continue;
    }
    const word = readWord(q, i);
    if (!negated && (word.text === 'AND' || word.text === 'OR' || word.text === 'NOT')) {
      out.push({ t: word.text === 'AND' ? 'and' : word.text === 'OR' ? 'or' : 'not', col });
      i = word.next;
      continue;
    }
    if (word.text === '&&' || word.text === '||') {
      out.push({ t: word.text === '&&' ? 'and' : 'or', col });
      i = word.next;
      continue;
    }
    const colon = word.text.indexOf(':');
    const fieldName = colon > 0 ? word.text.slice(0, colon).toLowerCase() : null;
    if (fieldName && (FIELD_ALIASES[fieldName] || fieldName === 'after' || fieldName === 'before')) {
      const valueStart = i + colon + 1;
      if (q[valueStart] === '"') {
        const { text, next } = readQuoted(q, valueStart);
        out.push({
          t: 'term',
          col: start + 1,
          field: fieldName,
          fieldCol: valueStart + 1,
          value: { text, quoted: true, wildcard: false },
          negated,
        });
        i = next;
        continue;
      }
      const value = word.text.slice(colon + 1);
      if (!value) fail(valueStart + 1, `${fieldName}: needs a value`);
      out.push({
        t: 'term',
        col: start + 1,
        field: fieldName,
        fieldCol: valueStart + 1,
        value: { text: value, quoted: false, wildcard: value.includes('*') },
        negated,
      });
      i = word.next;
      continue;
    }
    if (colon > 0 && /^[a-z]+$/i.test(word.text.slice(0, colon)) && !/^[0-9a-f:.]+$/i.test(word.text)) {
      fail(start + 1, `unknown field "${word.text.slice(0, colon)}" (fields: ${Object.keys(FIELD_ALIASES).join(', ')}, after, before)`);
    }
    out.push({
      t: 'term',
      col: start + 1,
      field: null,
      fieldCol: start + 1,
      value: { text: word.text, quoted: false, wildcard: word.text.includes('*') },
      negated,
    });
    i = word.next;
  }
  return out;
}

const RELATIVE = /^([-+]?)(\d+(?:\.\d+)?)(s|m|min|h|d|w|y)$/i;
const UNIT_US: Record<string, number> = { s: 1e6, m: 60e6, min: 60e6, h: 3600e6, d: 86400e6, w: 7 * 86400e6, y: 365 * 86400e6 };

/**
 * Parses an absolute ISO time (a zone-less time is UTC) or a relative one (`-7d`, `-12h`, `-30m`,
 * `-2w`) against `nowUs`. Returns integer µs, or null when the text is neither.
 */
export function parseTimeValue(text: string, nowUs: number): number | null {
  const rel = RELATIVE.exec(text);
  if (rel) {
    const sign = rel[1] === '+' ? 1 : -1;
    return Math.round(nowUs + sign * Number(rel[2]) * UNIT_US[rel[3]!.toLowerCase()]!);
  }
  if (text.toLowerCase() === 'now') return nowUs;
  const dt = DateTime.fromISO(text, { zone: 'utc', setZone: true });
  if (!dt.isValid) return null;
  return dt.toMillis() * 1000;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly nowUs: number,
    private readonly length: number,
  ) {}

  parse(): QueryNode | null {
    if (this.tokens.length === 0) return null;
    const node = this.or();
    const tok = this.tokens[this.pos];
    if (tok) fail(tok.col, tok.t === 'rparen' ? 'unbalanced ")"' : 'unexpected token');
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private or(): QueryNode {
    const children = [this.and()];
    while (this.peek()?.t === 'or') {
      const op = this.tokens[this.pos++]!;
      if (!this.peek() || this.peek()!.t === 'rparen' || this.peek()!.t === 'or' || this.peek()!.t === 'and')
        fail(op.col, 'OR needs a term on both sides');
      children.push(this.and());
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  }

  private and(): QueryNode {
    const children = [this.unary()];
    for (;;) {
      const tok = this.peek();
      if (!tok || tok.t === 'rparen' || tok.t === 'or') break;
      if (tok.t === 'and') {
        this.pos++;
        const next = this.peek();
        if (!next || next.t === 'rparen' || next.t === 'or' || next.t === 'and') fail(tok.col, 'AND needs a term on both sides');
      }
      children.push(this.unary());
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  }

  private unary(): QueryNode {
    const tok = this.peek();
    if (!tok) fail(this.length + 1, 'unexpected end of query');
    if (tok.t === 'not') {
      this.pos++;
      if (!this.peek() || this.peek()!.t === 'rparen') fail(tok.col, 'NOT needs a term');
      return { kind: 'not', child: this.unary() };
    }
    return this.primary();
  }

  private primary(): QueryNode {
    const tok = this.tokens[this.pos++];
    if (!tok) return fail(this.length + 1, 'unexpected end of query');
    if (tok.t === 'lparen') {
      if (this.peek()?.t === 'rparen') fail(tok.col, 'empty parentheses');
      const inner = this.or();
      const close = this.tokens[this.pos++];
      if (!close || close.t !== 'rparen') fail(tok.col, 'unclosed "("');
      return inner;
    }
    if (tok.t === 'rparen') fail(tok.col, 'unexpected ")"');
    if (tok.t === 'and' || tok.t === 'or') fail(tok.col, `${tok.t.toUpperCase()} needs a term on both sides`);
    if (tok.t !== 'term') return fail(tok.col, 'unexpected token');
    const node = this.term(tok);
    return tok.negated ? { kind: 'not', child: node } : node;
  }

  private term(tok: Extract<Token, { t: 'term' }>): QueryNode {
    if (tok.field === 'after' || tok.field === 'before') {
      const us = parseTimeValue(tok.value.text, this.nowUs);
      if (us === null)
        fail(tok.fieldCol, `${tok.field}: expects an ISO time (2026-01-31, 2026-01-31T12:00:00Z) or a relative time (-7d, -12h)`);
      return { kind: 'time', op: tok.field, us, column: tok.col };
    }
    if (tok.field) {
      const field = FIELD_ALIASES[tok.field]!;
      const v = tok.value;
      if (field === 'star' && !/^(true|false|yes|no|1|0)$/i.test(v.text)) fail(tok.fieldCol, 'star: expects true or false');
      if (field === 'id' && !/^\d+$/.test(v.text)) fail(tok.fieldCol, 'id: expects an event number');
      if (field === 'asn' && !/^(as)?\d+$/i.test(v.text) && !v.wildcard)
        fail(tok.fieldCol, 'asn: expects a number such as 13335 or AS13335');
      if (field === 'ip' && v.text.includes('/') && v.wildcard) fail(tok.fieldCol, 'ip: use either a CIDR block or a wildcard, not both');
      return { kind: 'field', field, value: v, column: tok.col };
    }
    if (!tok.value.quoted && tok.value.text.replaceAll('*', '') === '')
      fail(tok.col, 'a free-text term needs at least one letter or digit');
    if (!tok.value.quoted && tok.value.text.indexOf('*') >= 0 && tok.value.text.indexOf('*') < tok.value.text.length - 1) {
      fail(tok.col + tok.value.text.indexOf('*'), 'free text supports only a trailing * (prefix search)');
    }
    return { kind: 'text', value: tok.value, column: tok.col };
  }
}

/**
 * Parses a query. Returns null for an empty query (match everything).
 * @param nowUs the reference time for relative `after:` / `before:` values.
 * @throws MailtrailError `INVALID_INPUT` with `details.column` on a syntax error.
 */
export function parseQuery(query: string, nowUs: number): QueryNode | null {
  if (query.length > 10_000) fail(10_001, 'query longer than 10,000 characters');
  return new Parser(tokenize(query), nowUs, query.length).parse();
}

/** Quotes a value for a query string when needed (used by pivots and the UI). */
export function quoteValue(value: string): string {
  return /^[^\s()"*]+$/.test(value) && !/^(AND|OR|NOT)$/.test(value) ? value : `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
