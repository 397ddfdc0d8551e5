/**
 * `mailtrail collect CASE ...`: collect from Microsoft 365 (or the local emulator) into a case.
 * Credentials: `--device-code`, `--cert` + `--key` (certificate), or `--secret-env VAR` (a secret
 * read from an environment variable, accepted with a warning). Secrets never appear on the command
 * line, in output or in the journal.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { collect, type AuthConfig, type CollectTuning, type DeviceCodeInfo } from '../../core/collect';
import { parseInstantUs } from '../../core/collect/instant';
import { MailtrailError } from '../../shared/errors';
import {
  CLOUDS,
  COLLECT_SOURCES,
  type Cloud,
  type CollectProgress,
  type CollectResult,
  type CollectSource,
} from '../../shared/model/collection';
import { EXIT } from '../exit-codes';
import { withCase } from '../open-case';
import { replaced } from './import';
import { usageError, withCommonOptions, type CliIo, type CommandResult, type CommonOptions, type Runner } from '../runtime';

/** Options of `collect`. */
interface CollectOptions extends CommonOptions {
  tenant: string;
  clientId: string;
  deviceCode?: boolean;
  cert?: string;
  key?: string;
  secretEnv?: string;
  sources?: string;
  users?: string;
  from?: string;
  to?: string;
  cloud: string;
  authorityHost?: string;
  graphHost?: string;
  manageHost?: string;
  outlookHost?: string;
  caFile?: string;
  resume?: boolean;
  concurrency?: string;
  ualApi?: string;
  tuning?: string;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new MailtrailError('INVALID_INPUT', `${what}: cannot read ${file}: ${(err as Error).message}`);
  }
}

function parseList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Builds the credentials from exactly one of the three modes. */
function authFrom(opts: CollectOptions, io: CliIo, onCode: (info: DeviceCodeInfo) => void): AuthConfig {
  const modes = [
    opts.deviceCode ? 'device-code' : null,
    opts.cert || opts.key ? 'certificate' : null,
    opts.secretEnv ? 'secret' : null,
  ].filter(Boolean);
  if (modes.length !== 1) throw usageError('choose exactly one of --device-code, --cert with --key, or --secret-env VAR');
  if (opts.deviceCode) return { mode: 'device-code', onDeviceCode: onCode };
  if (opts.cert || opts.key) {
    if (!opts.cert || !opts.key) throw usageError('--cert and --key go together');
    return { mode: 'certificate', certPem: readPem(opts.cert, '--cert'), keyPem: readPem(opts.key, '--key') };
  }
  const secret = io.env[opts.secretEnv!];
  if (!secret) throw usageError(`--secret-env ${opts.secretEnv}: that environment variable is empty or unset`);
  return { mode: 'secret', secret };
}

function tuningFrom(opts: CollectOptions): Partial<CollectTuning> {
  const t: Partial<CollectTuning> = {};
  if (opts.tuning) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(opts.tuning.trim().startsWith('{') ? opts.tuning : readFileSync(opts.tuning, 'utf8'));
    } catch (err) {
      throw usageError(`--tuning: not JSON (or a JSON file): ${(err as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw usageError('--tuning: expected a JSON object');
    Object.assign(t, parsed);
  }
  if (opts.concurrency !== undefined) {
    const n = Number(opts.concurrency);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw usageError('--concurrency: a whole number from 1 to 64');
    t.concurrency = n;
  }
  if (opts.ualApi !== undefined) {
    if (opts.ualApi !== 'v1.0' && opts.ualApi !== 'beta') throw usageError('--ual-api: v1.0 or beta');
    t.ualApi = opts.ualApi;
  }
  return t;
}

/** Human lines for a result. */
export function describeCollect(result: CollectResult): string[] {
  const lines = [`run ${result.runId}: ${result.state}${result.resumed ? ' (resumed)' : ''}`];
  for (const [source, s] of Object.entries(result.sources)) {
    lines.push(
      `  ${source.padEnd(10)} ${String(s.windows).padStart(6)} windows  ${s.declared === null ? '' : `declared ${s.declared}  `}received ${s.received}  imported ${s.imported}  duplicates ${s.duplicates}${replaced(s.upgraded)}  quarantined ${s.quarantined}  requests ${s.requests} (${s.retries} retries, ${s.throttled} throttled)`,
    );
    for (const g of s.gaps) lines.push(`    gap ${g.kind}: ${g.detail}`);
  }
  for (const w of result.warnings) lines.push(`warning: ${w}`);
  return lines;
}

/** One progress bar per source on a TTY (stderr, so `--json` stdout stays clean). */
function progressBars(io: CliIo, enabled: boolean): { update(p: CollectProgress): void; stop(): void; log(line: string): void } {
  if (!enabled) return { update: () => undefined, stop: () => undefined, log: (line) => io.stderr.write(`${line}\n`) };
  const multi = new MultiBar(
    {
      stream: io.stderr as NodeJS.WritableStream as never,
      format: ' {source} |{bar}| {value}/{total} tasks | {records} records | {requests} requests',
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
    },
    Presets.shades_classic,
  );
  const bars = new Map<CollectSource, SingleBar>();
  return {
    update(p) {
      let bar = bars.get(p.source);
      const payload = { source: p.source.padEnd(10), records: p.records, requests: p.requests };
      if (!bar) {
        bar = multi.create(p.total ?? 0, p.done, payload);
        bars.set(p.source, bar);
      } else {
        bar.setTotal(p.total ?? 0);
        bar.update(p.done, payload);
      }
    },
    stop: () => multi.stop(),
    log: (line) => multi.log(`${line}\n`),
  };
}

/** Registers `collect`. */
export function registerCollect(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('collect')
      .description('collect from Microsoft 365 into a case (every response stored as evidence before parsing; resumable)')
      .argument('<file>', 'case file')
      .requiredOption('--tenant <id>', 'tenant id (GUID; the Management API needs the GUID)')
      .requiredOption('--client-id <guid>', 'application (client) id of the app registration')
      .option('--device-code', 'sign in as a delegated user with a device code')
      .option('--cert <pem>', 'certificate (PEM) registered on the app')
      .option('--key <pem>', 'private key (PEM) of that certificate')
      .option('--secret-env <var>', 'read a client secret from this environment variable (discouraged)')
      .option('--sources <list>', `comma-separated: ${COLLECT_SOURCES.join(',')}`)
      .option('--users <list>', 'comma-separated user principal names (required for mailbox and activities)')
      .option('--from <iso>', 'start of the range (ISO 8601; a date means UTC midnight)')
      .option('--to <iso>', 'end of the range (exclusive)')
      .option('--cloud <cloud>', `national cloud: ${CLOUDS.join(', ')}`, 'global')
      .option('--authority-host <url>', 'override the identity host')
      .option('--graph-host <url>', 'override the Microsoft Graph host')
      .option('--manage-host <url>', 'override the Management Activity API host')
      .option('--outlook-host <url>', 'override the Outlook REST host')
      .option('--ca-file <pem>', 'extra trusted CA certificate (the local emulator)')
      .option('--resume', 'continue the most recent unfinished collection of this case')
      .option('--concurrency <n>', 'requests in flight at once (default 4)')
      .option('--ual-api <version>', 'Graph audit log query API version: v1.0 (default) or beta')
      .option('--tuning <json>', 'advanced: collector tuning as a JSON object or file (see docs/collection.md)')
      .option('--examiner <name>', 'examiner performing the collection'),
  ).action(
    run(async (file: string, opts: CollectOptions): Promise<CommandResult> => {
      if (!CLOUDS.includes(opts.cloud as Cloud)) throw usageError(`--cloud: one of ${CLOUDS.join(', ')}`);
      const sources = parseList(opts.sources);
      for (const s of sources) if (!COLLECT_SOURCES.includes(s as CollectSource)) throw usageError(`--sources: unknown source ${s}`);
      if (!opts.resume) {
        if (sources.length === 0) throw usageError('--sources is required (or --resume)');
        if (!opts.from || !opts.to) throw usageError('--from and --to are required (or --resume)');
      }
      const fromUs = opts.from ? parseInstantUs(opts.from, '--from') : undefined;
      const toUs = opts.to ? parseInstantUs(opts.to, '--to') : undefined;
      const bars = progressBars(io, Boolean(io.stderr.isTTY) && !opts.json);
      const auth = authFrom(opts, io, (info) => bars.log(`\n${info.message}\n`));
      if (auth.mode === 'secret') bars.log('mailtrail: warning: a client secret is used; prefer a certificate');
      const caPem = opts.caFile ? readPem(opts.caFile, '--ca-file') : undefined;
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const result = await withCase(io, file, opts, (session) =>
          collect(
            session,
            {
              tenant: opts.tenant,
              clientId: opts.clientId,
              auth,
              sources: sources as CollectSource[],
              users: parseList(opts.users),
              fromUs,
              toUs,
              cloud: opts.cloud as Cloud,
              hosts: { authority: opts.authorityHost, graph: opts.graphHost, manage: opts.manageHost, outlook: opts.outlookHost },
              caPem,
              resume: opts.resume,
              tuning: tuningFrom(opts),
            },
            { signal: controller.signal, onProgress: (p) => bars.update(p) },
          ),
        );
        bars.stop();
        const ok = result.state === 'completed';
        return {
          json: result,
          human: describeCollect(result),
          ...(ok
            ? {}
            : {
                exitCode: EXIT.ERROR,
                error: `collection ${result.state}: run \`mailtrail collect ${file} --resume\` with the same credentials to continue`,
              }),
        };
      } finally {
        bars.stop();
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    }),
  );
}
