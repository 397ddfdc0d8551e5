/**
 * A reader for the Python literal syntax CrowdStrike's `retriever.py` wrote into its Activities CSV
 * (`CustomProperties` is `str(dict)`): dicts, lists, tuples, single- or double-quoted strings with
 * escapes, numbers, `True`/`False`/`None`. Nothing is evaluated; anything else is an error.
 */

/** Thrown for text that is not a Python literal. */
export class PythonLiteralError extends Error {}

const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

/** Parses `text` (e.g. `{'ClientIP': '1.2.3.4', 'Count': 3, 'Ok': True}`) into plain JSON values. */
export function parsePythonLiteral(text: string): unknown {
  let i = 0;
  const s = text;
  const fail = (why: string): never => {
    throw new PythonLiteralError(`${why} at character ${i + 1}`);
  };
  const ws = (): void => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const value = (): unknown => {
    ws();
    const c = s[i];
    if (c === undefined) return fail('unexpected end');
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (s[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        const k = value();
        ws();
        if (s[i] !== ':') fail("expected ':'");
        i++;
        out[typeof k === 'string' ? k : JSON.stringify(k)] = value();
        ws();
        if (s[i] === ',') {
          i++;
          ws();
          if (s[i] === '}') {
            i++;
            return out;
          }
          continue;
        }
        if (s[i] === '}') {
          i++;
          return out;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      i++;
      const out: unknown[] = [];
      ws();
      if (s[i] === close) {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (s[i] === ',') {
          i++;
          ws();
          if (s[i] === close) {
            i++;
            return out;
          }
          continue;
        }
        if (s[i] === close) {
          i++;
          return out;
        }
        fail(`expected ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"' || ((c === 'u' || c === 'b' || c === 'r') && (s[i + 1] === "'" || s[i + 1] === '"'))) {
      const raw = c === 'r';
      if (c === 'u' || c === 'b' || c === 'r') i++;
      const quote = s[i]!;
      i++;
      let out = '';
      for (;;) {
        const ch = s[i];
        if (ch === undefined) return fail('unterminated string');
        if (ch === quote) {
          i++;
          return out;
        }
        if (ch === '\\' && !raw) {
          const e = s[i + 1];
          if (e === undefined) return fail('unterminated escape');
          if (e === 'x' || e === 'u' || e === 'U') {
            const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
            const hex = s.slice(i + 2, i + 2 + n);
            if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) return fail('bad escape');
            out += String.fromCodePoint(parseInt(hex, 16));
            i += 2 + n;
            continue;
          }
          out += ESCAPES[e] ?? `\\${e}`;
          i += 2;
          continue;
        }
        out += ch;
        i++;
      }
    }
    const word = /^(True|False|None|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(s.slice(i, i + 40));
    if (word) {
      i += word[1]!.length;
      const w = word[1]!;
      return w === 'True' ? true : w === 'False' ? false : w === 'None' ? null : Number(w);
    }
    return fail(`unexpected '${c}'`);
  };
  const v = value();
  ws();
  if (i !== s.length) fail('unexpected text after the value');
  return v;
}
