/**
 * The search box: the search language (docs/search.md) with inline parse errors as you type
 * (`search:check`, a caret under the offending column), Enter to apply, and the brushed range as a
 * removable chip. `/` focuses it from anywhere.
 */
import { useEffect, useRef, useState } from 'react';
import { call, errorMessage } from '../api';
import { formatUs } from '../lib/time';
import { useApp } from '../state';

const HELP =
  'Words search the text. Fields: operation: actor: mailbox: ip: (CIDR ok) country: asn: ua: app: session: token: device: category: source: result: object: tag: star:true id:. ' +
  'AND / OR / NOT (or -term), parentheses, "quoted phrases", * wildcards, after:2026-01-05 before:"2026-01-06 12:00".';

export function QueryBar({ value, onApply }: { value: string; onApply: (query: string) => void }) {
  const { filter, setFilter, zone } = useApp();
  const [text, setText] = useState(value);
  const [problem, setProblem] = useState<{ message: string; column: number | null } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    // The query changed from outside (a pivot, a saved view): show it.
    setShown(value);
    setText(value);
  }
  useEffect(() => {
    let live = true;
    const t = window.setTimeout(() => {
      call('search:check', { query: text })
        .then((r) => live && setProblem(r.ok ? null : { message: r.message, column: r.column }))
        .catch((err: unknown) => live && setProblem({ message: errorMessage(err), column: null }));
    }, 200);
    return () => {
      live = false;
      window.clearTimeout(t);
    };
  }, [text]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key === '/' && !e.ctrlKey && !e.metaKey && target && !/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const apply = async () => {
    const r = await call('search:check', { query: text }).catch((err: unknown) => ({
      ok: false as const,
      message: errorMessage(err),
      column: null,
    }));
    if (!r.ok) {
      setProblem({ message: r.message, column: r.column });
      return;
    }
    setProblem(null);
    onApply(text.trim());
  };
  return (
    <div className="querybar stack" style={{ gap: 2 }}>
      <div className="row">
        <div className="query-input grow">
          <input
            ref={input}
            type="search"
            name="query"
            data-testid="query"
            className={`mono${problem ? ' invalid' : ''}`}
            spellCheck={false}
            placeholder='Search: words, field:value, AND/OR/NOT …  e.g. operation:New-InboxRule OR "RSS Feeds"'
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void apply();
              if (e.key === 'Escape') {
                setText(value);
                input.current?.blur();
              }
            }}
            aria-invalid={problem !== null}
            aria-describedby="query-problem"
          />
        </div>
        <button type="button" className="btn primary" onClick={() => void apply()} data-testid="query-apply">
          Search
        </button>
        {value && (
          <button type="button" className="btn ghost" onClick={() => onApply('')} title="Clear the query">
            Clear
          </button>
        )}
        <span className="help-dot" title={HELP}>
          ?
        </span>
      </div>
      <div className="row wrap" style={{ minHeight: 18 }}>
        {problem ? (
          <span id="query-problem" className="field-error" role="alert" data-testid="query-error">
            {problem.message}
            {problem.column != null && <Marked text={text} column={problem.column} />}
          </span>
        ) : (
          <span id="query-problem" className="muted" style={{ fontSize: 11 }}>
            Enter to search · / to focus
          </span>
        )}
        {filter.fromUs !== null && filter.toUs !== null && (
          <span className="badge chip" data-testid="range-chip">
            range {formatUs(filter.fromUs, zone, 0)} – {formatUs(filter.toUs, zone, 0)}
            <button type="button" className="chip-x" onClick={() => setFilter({ fromUs: null, toUs: null })} aria-label="Clear the range">
              ×
            </button>
          </span>
        )}
      </div>
    </div>
  );
}

/** The query with the character at `column` (1-based) highlighted, trimmed around it. */
function Marked({ text, column }: { text: string; column: number }) {
  const i = Math.max(0, Math.min(text.length, column - 1));
  const from = Math.max(0, i - 30);
  return (
    <code className="query-marked" aria-hidden="true">
      {from > 0 ? '…' : ''}
      {text.slice(from, i)}
      <mark>{text[i] ?? ' '}</mark>
      {text.slice(i + 1, i + 30)}
      {i + 30 < text.length ? '…' : ''}
    </code>
  );
}
