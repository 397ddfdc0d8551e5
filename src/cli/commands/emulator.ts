/**
 * `mailtrail emulator`: runs the local Microsoft 365 emulator until killed (printing, once
 * listening, one line describing it), or writes a scenario as importable files with `--export`.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { exportScenario, generateScenario, startEmulator, type FaultProfile, type RunningEmulator } from '../../emulator';
import { withCommonOptions, usageError, type CliIo, type CommandResult, type CommonOptions, type Runner } from '../runtime';

interface EmulatorCliOptions extends CommonOptions {
  scenario: string;
  seed: string;
  users?: string;
  days?: string;
  end?: string;
  faults?: string;
  port?: string;
  dataDir?: string;
  tokenLifetime?: string;
  deviceCodeApproveAfter?: string;
  deviceCodeInterval?: string;
  auditRecordLimit?: string;
  export?: string;
}

function int(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw usageError(`--${name} must be an integer ${min}..${max}: ${value}`);
  return n;
}

function num(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0)) throw usageError(`--${name} must be a positive number: ${value}`);
  return n;
}

/** A profile name, or a JSON file holding a programmatic profile. */
function faultsOption(value: string | undefined): FaultProfile | string | undefined {
  if (value === undefined || !/\.json$/i.test(value)) return value;
  try {
    return JSON.parse(readFileSync(value, 'utf8')) as FaultProfile;
  } catch (err) {
    throw usageError(`--faults ${value}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The one line printed once the emulator listens (issue 4 §1). */
export function readyLine(emu: RunningEmulator): Record<string, unknown> {
  return {
    tenantId: emu.tenantId,
    clientId: emu.clientId,
    caFile: emu.caFile,
    certFile: emu.certFile,
    keyFile: emu.keyFile,
    hosts: emu.hosts,
    users: emu.users,
    from: emu.from,
    to: emu.to,
    truth: emu.truth,
    now: emu.now,
    tenantDomain: emu.tenantDomain,
    certThumbprintSha256: emu.certThumbprintSha256,
    clientSecret: emu.clientSecret,
    admin: `${emu.origins.authority}/_emulator`,
    rateLimits: emu.rateLimits,
  };
}

function describe(emu: RunningEmulator): string[] {
  return [
    `Microsoft 365 emulator listening (scenario ${emu.scenario.config.scenario}, seed ${emu.scenario.config.seed})`,
    `tenant     ${emu.tenantId} (${emu.tenantDomain})`,
    `client id  ${emu.clientId}`,
    `authority  ${emu.hosts.authority}`,
    `graph      ${emu.hosts.graph}`,
    `manage     ${emu.hosts.manage}`,
    `outlook    ${emu.hosts.outlook}`,
    `CA         ${emu.caFile}`,
    `cert/key   ${emu.certFile} ${emu.keyFile} (sha256 ${emu.certThumbprintSha256})`,
    `range      ${emu.from} .. ${emu.to} (${emu.users.length} users)`,
    `truth      ${Object.entries(emu.truth)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    'Press Ctrl+C to stop.',
  ];
}

/** Registers `emulator`. */
export function registerEmulator(program: Command, io: CliIo, run: Runner): void {
  withCommonOptions(
    program
      .command('emulator')
      .description('run the local Microsoft 365 emulator (tests, demo, training) or --export its scenario as files')
      .option('--scenario <name>', 'bec-basic or baseline', 'bec-basic')
      .option('--seed <n>', 'scenario seed (same seed, same records)', '7')
      .option('--users <n>', 'mailbox users (default 20)')
      .option('--days <n>', 'days of activity (default 14)')
      .option('--end <iso>', 'end of the range and the services\u2019 clock (default 2026-11-02T00:00:00Z; "now" for the current hour)')
      .option('--faults <profile>', 'fault profile: none, flaky, hostile, bench, or a JSON file')
      .option('--port <p>', 'first of four consecutive ports (authority, graph, manage, outlook); 0 = ephemeral')
      .option('--data-dir <dir>', 'where the test CA and certificates are kept (reused when present)')
      .option('--token-lifetime <sec>', 'access token lifetime in seconds (default 3600)')
      .option('--device-code-approve-after <n>', 'approve device codes after n polls (0 = only by the admin endpoint; default 1)')
      .option('--device-code-interval <sec>', 'device code polling interval returned to clients (default 1)')
      .option('--audit-record-limit <n>', 'records an audit log query returns at most (default 50000)')
      .option('--export <dir>', 'write the scenario as importable files to DIR and exit'),
  ).action(
    run(async (opts: EmulatorCliOptions): Promise<CommandResult> => {
      const scenarioOpts = {
        scenario: opts.scenario,
        seed: int('seed', opts.seed, 0, 0xffffffff),
        users: int('users', opts.users, 1, 200_000),
        days: int('days', opts.days, 1, 3650),
        ...(opts.end ? { end: opts.end } : {}),
      };
      if (opts.export) {
        const sc = generateScenario(scenarioOpts);
        const result = await exportScenario(sc, opts.export);
        return {
          json: {
            dir: result.dir,
            files: result.files,
            answerKey: result.answerKey,
            truth: sc.truth(),
            from: sc.from,
            to: sc.to,
            users: sc.users,
          },
          human: [
            `wrote ${result.files.length} files to ${result.dir}`,
            ...result.files.map((f) => `  ${f.path} (${f.records} records, ${f.bytes} bytes)`),
            `answer key (truth and storyline; keep it from trainees): ${result.answerKey}`,
          ],
        };
      }
      const lifetime = int('token-lifetime', opts.tokenLifetime, 1, 86_400);
      const approveAfter = int('device-code-approve-after', opts.deviceCodeApproveAfter, 0, 1000);
      const interval = num('device-code-interval', opts.deviceCodeInterval);
      const limit = int('audit-record-limit', opts.auditRecordLimit, 1, 100_000_000);
      const emu = await startEmulator({
        ...scenarioOpts,
        faults: faultsOption(opts.faults),
        port: int('port', opts.port, 0, 65532) ?? 0,
        ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
        ...(lifetime !== undefined ? { tokenLifetimeSec: lifetime } : {}),
        ...(approveAfter !== undefined ? { deviceCodeAutoApproveAfterPolls: approveAfter } : {}),
        ...(interval !== undefined ? { deviceCodeIntervalSec: interval } : {}),
        ...(limit !== undefined ? { auditQuery: { recordCountLimit: limit } } : {}),
      });
      io.stdout.write(opts.json ? `${JSON.stringify(readyLine(emu))}\n` : `${describe(emu).join('\n')}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await emu.stop();
      if (!opts.json) io.stdout.write('emulator stopped\n');
      // The one ready line is the whole output: end here without printing a result object. The
      // listeners are closed, so the process exits as soon as the event loop drains.
      setTimeout(() => process.exit(0), 2000).unref();
      return new Promise<CommandResult>(() => undefined);
    }),
  );
}
