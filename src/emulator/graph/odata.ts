/**
 * A small OData `$filter` parser and evaluator: comparisons (`eq ne gt ge lt le`), `and`/`or`/`not`,
 * parentheses, `startsWith(field,'x')`, lambda `field/any(t: t eq 'x' or …)`, string literals in
 * single quotes (`''` escapes), bare ISO dates, numbers, booleans and null. Enough for the filters
 * the Microsoft services accept on the endpoints the emulator serves; anything else is a clear 400.
 */
import { parseInstant } from '../util/time';

export type Literal = string | number | boolean | null | { date: number; text: string };

export type Expr =
  | { op: 'and' | 'or'; left: Expr; right: Expr }
  | { op: 'not'; expr: Expr }
  | { op: 'cmp'; cmp: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; field: string; value: Literal }
  | { op: 'fn'; name: 'startswith' | 'endswith' | 'contains'; field: string; value: string }
  | { op: 'any'; field: string; variable: string; expr: Expr };

/** A filter that cannot be parsed or uses something not supported; `message` names the spot. */
export class FilterError extends Error {}

type Tok = { kind: 'ident' | 'str' | 'num' | 'date' | 'punct'; text: string; pos: number };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === ':') {
      out.push({ kind: 'punct', text: c, pos: i });
      i++;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= src.length) throw new FilterError(`unterminated string at position ${i}`);
        if (src[j] === "'") {
          if (src[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += src[j];
        j++;
      }
      out.push({ kind: 'str', text, pos: i });
      i = j + 1;
      continue;
    }
    const date = /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?/.exec(src.slice(i));
    if (date) {
      out.push({ kind: 'date', text: date[0], pos: i });
      i += date[0].length;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ kind: 'num', text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_$][A-Za-z0-9_$/.]*/.exec(src.slice(i));
    if (id) {
      out.push({ kind: 'ident', text: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    throw new FilterError(`unexpected character '${c}' at position ${i}`);
  }
  return out;
}

const CMPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

/** Parses a `$filter` expression. */
export function parseFilter(src: string): Expr {
  const toks = tokenize(src);
  let p = 0;
  const peek = (): Tok | undefined => toks[p];
  const next = (): Tok => {
    const t = toks[p++];
    if (!t) throw new FilterError('unexpected end of filter');
    return t;
  };
  const expect = (text: string): void => {
    const t = next();
    if (t.text !== text) throw new FilterError(`expected '${text}' at position ${t.pos}`);
  };
  const literal = (): Literal => {
    const t = next();
    if (t.kind === 'str') return t.text;
    if (t.kind === 'num') return Number(t.text);
    if (t.kind === 'date') {
      const ms = parseInstant(t.text);
      if (!Number.isFinite(ms)) throw new FilterError(`invalid date '${t.text}' at position ${t.pos}`);
      return { date: ms, text: t.text };
    }
    if (t.kind === 'ident' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    if (t.kind === 'ident' && t.text === 'null') return null;
    throw new FilterError(`expected a value at position ${t.pos}`);
  };
  const primary = (): Expr => {
    const t = peek();
    if (!t) throw new FilterError('unexpected end of filter');
    if (t.text === '(') {
      next();
      const e = orExpr();
      expect(')');
      return e;
    }
    if (t.kind === 'ident' && t.text.toLowerCase() === 'not') {
      next();
      return { op: 'not', expr: primary() };
    }
    if (t.kind === 'ident' && ['startswith', 'endswith', 'contains'].includes(t.text.toLowerCase()) && toks[p + 1]?.text === '(') {
      next();
      expect('(');
      const f = next();
      if (f.kind !== 'ident') throw new FilterError(`expected a property at position ${f.pos}`);
      expect(',');
      const v = literal();
      if (typeof v !== 'string') throw new FilterError(`${t.text} needs a string at position ${f.pos}`);
      expect(')');
      return { op: 'fn', name: t.text.toLowerCase() as 'startswith', field: f.text, value: v };
    }
    if (t.kind !== 'ident') throw new FilterError(`expected a property at position ${t.pos}`);
    next();
    const any = /^(.+)\/any$/i.exec(t.text);
    if (any && peek()?.text === '(') {
      next();
      const variable = next();
      if (variable.kind !== 'ident') throw new FilterError(`expected a lambda variable at position ${variable.pos}`);
      expect(':');
      const body = orExpr();
      expect(')');
      return { op: 'any', field: any[1]!, variable: variable.text, expr: body };
    }
    const op = next();
    if (op.kind !== 'ident' || !CMPS.has(op.text.toLowerCase()))
      throw new FilterError(`expected an operator after '${t.text}' at position ${op.pos}`);
    return { op: 'cmp', cmp: op.text.toLowerCase() as 'eq', field: t.text, value: literal() };
  };
  const andExpr = (): Expr => {
    let left = primary();
    while (peek()?.kind === 'ident' && peek()!.text.toLowerCase() === 'and') {
      next();
      left = { op: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpr = (): Expr => {
    let left = andExpr();
    while (peek()?.kind === 'ident' && peek()!.text.toLowerCase() === 'or') {
      next();
      left = { op: 'or', left, right: andExpr() };
    }
    return left;
  };
  const e = orExpr();
  if (p < toks.length) throw new FilterError(`unexpected '${toks[p]!.text}' at position ${toks[p]!.pos}`);
  return e;
}

/** Every property name an expression refers to (lambda bodies as `field/any`). */
export function fieldsOf(e: Expr): string[] {
  switch (e.op) {
    case 'and':
    case 'or':
      return [...fieldsOf(e.left), ...fieldsOf(e.right)];
    case 'not':
      return fieldsOf(e.expr);
    case 'any':
      return [`${e.field}/any`];
    default:
      return [e.field];
  }
}

/** Reads a property of a record (paths with `/`). */
export type Getter = (field: string) => unknown;

function cmpValues(a: unknown, b: Literal): number | null {
  if (b === null) return a === null || a === undefined ? 0 : null;
  if (typeof b === 'object') {
    const t = typeof a === 'string' ? parseInstant(a) : typeof a === 'number' ? a : Number.NaN;
    return Number.isFinite(t) ? t - b.date : null;
  }
  if (typeof b === 'string') return typeof a === 'string' ? a.toLowerCase().localeCompare(b.toLowerCase()) : null;
  if (typeof b === 'number')
    return typeof a === 'number' ? a - b : typeof a === 'string' && a !== '' && Number.isFinite(Number(a)) ? Number(a) - b : null;
  return a === b ? 0 : null;
}

/** Evaluates an expression against a record. */
export function evaluate(e: Expr, get: Getter, vars: Record<string, unknown> = {}): boolean {
  switch (e.op) {
    case 'and':
      return evaluate(e.left, get, vars) && evaluate(e.right, get, vars);
    case 'or':
      return evaluate(e.left, get, vars) || evaluate(e.right, get, vars);
    case 'not':
      return !evaluate(e.expr, get, vars);
    case 'any': {
      const list = get(e.field);
      if (!Array.isArray(list)) return false;
      return list.some((item) => evaluate(e.expr, get, { ...vars, [e.variable]: item }));
    }
    case 'fn': {
      const v = e.field in vars ? vars[e.field] : get(e.field);
      if (typeof v !== 'string') return false;
      const a = v.toLowerCase();
      const b = e.value.toLowerCase();
      return e.name === 'startswith' ? a.startsWith(b) : e.name === 'endswith' ? a.endsWith(b) : a.includes(b);
    }
    case 'cmp': {
      const v = e.field in vars ? vars[e.field] : get(e.field);
      const c = cmpValues(v, e.value);
      if (c === null) return e.cmp === 'ne';
      switch (e.cmp) {
        case 'eq':
          return c === 0;
        case 'ne':
          return c !== 0;
        case 'gt':
          return c > 0;
        case 'ge':
          return c >= 0;
        case 'lt':
          return c < 0;
        case 'le':
          return c <= 0;
      }
    }
  }
}

/**
 * Time bounds implied by the top-level `and` clauses on `field` (as [lo, hi) in ms, with `le`
 * widened by a millisecond). Used to scan only the hours that can match; the full expression is
 * still evaluated on every record.
 */
export function timeBounds(e: Expr | null, field: string): [number, number] {
  let lo = -Infinity;
  let hi = Infinity;
  const walk = (x: Expr): void => {
    if (x.op === 'and') {
      walk(x.left);
      walk(x.right);
      return;
    }
    if (x.op !== 'cmp' || x.field.toLowerCase() !== field.toLowerCase() || x.value === null || typeof x.value !== 'object') return;
    const d = x.value.date;
    if (x.cmp === 'ge') lo = Math.max(lo, d);
    if (x.cmp === 'gt') lo = Math.max(lo, d);
    if (x.cmp === 'le') hi = Math.min(hi, d + 1);
    if (x.cmp === 'lt') hi = Math.min(hi, d);
    if (x.cmp === 'eq') {
      lo = Math.max(lo, d);
      hi = Math.min(hi, d + 1);
    }
  };
  if (e) walk(e);
  return [lo, hi];
}
