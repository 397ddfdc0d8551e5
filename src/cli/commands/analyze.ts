/** `mailtrail analyze CASE [--json] [--only IDS] [--min-severity S]`: run the BEC analyzers. */
import type { Command } from 'commander';
import { analyzerInfo } from '../../core/analyze/analyzers';
import { runAnalyzers } from '../../core/analyze/run';
import type { Finding, FindingSeverity } from '../../shared/model/analysis';
import { isoUs } from '../../shared/time/format';
import { withCase } from '../open-case';
import { usageError, withCommonOptions, type CliIo, type CommonOptions, type Runner } from '../runtime';

const LEVELS: FindingSeverity[] = ['info', 'low', 'medium', 'high'];

/** Human lines for findings. */
export function findingLines(findings: Finding[]): string[] {
  const out: string[] = [];
  for (const f of findings) {
    out.push(`${f.severity.toUpperCase().padEnd(6)} [${f.analyzer}] ${f.title}${f.kind === 'gap' ? ' (gap)' : ''}`);
    if (f.firstUs !== null)
      out.push(`       ${isoUs(f.firstUs)}${f.lastUs !== null && f.lastUs !== f.firstUs ? ` → ${isoUs(f.lastUs)}` : ''}`);
    out.push(`       why: ${f.why}`);
    for (const s of f.nextSteps) out.push(`       next: ${s}`);
    out.push(`       events: ${f.eventIds.slice(0, 50).join(', ')}${f.eventIds.length > 50 ? ` … (${f.eventIds.length})` : ''}`);
  }
  return out;
}

/** Registers `analyze`. */
export function registerAnalyze(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('analyze')
      .description('run the BEC analyzers; prints findings with severity, why, next steps and event ids (journaled, idempotent)')
      .argument('<case>', 'case file')
      .option(
        '--only <ids>',
        `comma-separated analyzers (${analyzerInfo()
          .map((a) => a.id)
          .join(', ')})`,
      )
      .option('--min-severity <level>', 'print only findings at least this severe (info, low, medium, high)', 'info')
      .option('--examiner <name>', 'examiner running the analysis'),
  ).action(
    run(async (file: string, opts: CommonOptions & { only?: string; minSeverity: string }) => {
      if (!LEVELS.includes(opts.minSeverity as FindingSeverity)) throw usageError(`--min-severity must be one of ${LEVELS.join(', ')}`);
      const min = LEVELS.indexOf(opts.minSeverity as FindingSeverity);
      const only = opts.only
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return withCase(io, file, opts, (session) => {
        const r = runAnalyzers(session, { only });
        const shown = r.findings.filter((f) => LEVELS.indexOf(f.severity) >= min);
        return {
          json: { ...r, findings: shown },
          human: [
            ...findingLines(shown),
            `${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}: ${r.counts.high} high, ${r.counts.medium} medium, ${r.counts.low} low, ${r.counts.info} info (run ${r.runId}, ${r.added} new, ${r.removed} removed, ${r.durationMs} ms)`,
          ],
        };
      });
    }),
  );
}
