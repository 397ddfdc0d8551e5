/**
 * `npm run demo [-- --ui] [-- --out DIR] [-- --users N --days D] [-- --faults PROFILE]`
 *
 * Shows Mailtrail's whole job with nothing from outside: the local Microsoft 365 emulator starts
 * with the `bec-basic` scenario; a case is created; collection runs through the real MSAL and
 * collectors against the emulator (certificate credentials, every source, faults injected); the
 * analyzers run; the PDF report and a signed evidence package are written; the package is
 * verified. Every step is a real `mailtrail` command, printed before it runs, so a newcomer can
 * replay any of them. Exits non-zero if any step fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { AppData } from '../src/core/host/app-data';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'mailtrail.js');
const PASSPHRASE = 'mailtrail-demo';
const EXAMINER = 'Demo Examiner';

const { values: opts } = parseArgs({
  options: {
    out: { type: 'string', default: 'demo-output' },
    ui: { type: 'boolean', default: false },
    users: { type: 'string', default: '20' },
    days: { type: 'string', default: '14' },
    seed: { type: 'string', default: '7' },
    faults: { type: 'string', default: 'flaky' },
  },
});

const out = resolve(opts.out);
const paths = {
  case: join(out, 'demo.mtcase'),
  report: join(out, 'demo-report.pdf'),
  package: join(out, 'demo.mtpkg'),
  key: join(out, 'demo-signing-key.pem'),
  pub: join(out, 'demo-signing-key.pub.pem'),
  emulator: join(out, 'emulator'),
};
const env = {
  ...process.env,
  MAILTRAIL_PASSPHRASE: PASSPHRASE,
  MAILTRAIL_EXAMINER: EXAMINER,
  FORCE_COLOR: process.env['FORCE_COLOR'] ?? '',
};
const started = performance.now();
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const rel = (p: string) => relative(process.cwd(), p) || '.';

let stepNo = 0;
function step(title: string): void {
  stepNo++;
  console.log(`\n${bold(`[${stepNo}] ${title}`)}  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

function show(args: string[]): void {
  const shown = args.map((a) => (/[\s"]/.test(a) ? JSON.stringify(a) : a)).join(' ');
  console.log(`    $ mailtrail ${shown}`);
}

/** Runs `mailtrail ...args` with the terminal attached (progress bars on a TTY). */
function mailtrail(args: string[]): void {
  show(args);
  const r = spawnSync(process.execPath, [BIN, ...args], { env, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`mailtrail ${args[0]} failed (exit ${r.status ?? r.signal})`);
}

/** Runs `mailtrail ...args --json` and returns the parsed object (stderr passes through). */
function mailtrailJson<T>(args: string[]): T {
  show([...args, '--json']);
  const r = spawnSync(process.execPath, [BIN, ...args, '--json'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  if (r.status !== 0) throw new Error(`mailtrail ${args[0]} failed (exit ${r.status ?? r.signal}): ${r.stdout.trim()}`);
  return JSON.parse(r.stdout) as T;
}

interface EmulatorInfo {
  tenantId: string;
  clientId: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  hosts: { authority: string; graph: string; manage: string; outlook: string };
  users: string[];
  from: string;
  to: string;
  truth: Record<string, number>;
}

/** Starts `mailtrail emulator --json` and resolves with its ready line. */
function startEmulator(): Promise<{ child: ChildProcess; info: EmulatorInfo }> {
  const args = [
    'emulator',
    '--scenario',
    'bec-basic',
    '--seed',
    opts.seed,
    '--users',
    opts.users,
    '--days',
    opts.days,
    '--faults',
    opts.faults,
  ];
  args.push('--data-dir', paths.emulator, '--json');
  show(args);
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      try {
        resolvePromise({ child, info: JSON.parse(line) as EmulatorInfo });
      } catch (err) {
        reject(new Error(`emulator printed an unexpected line: ${line} (${String(err)})`));
      }
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited early (${code})`)));
  });
}

interface Finding {
  severity: string;
  title: string;
  actors: string[];
  firstUs: number | null;
  kind: string;
  analyzer: string;
  eventIds: number[];
}

function findingsTable(findings: Finding[]): string[] {
  const order = ['high', 'medium', 'low', 'info'];
  const rows = [...findings].sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity) || (a.firstUs ?? 0) - (b.firstUs ?? 0));
  const time = (us: number | null) =>
    us === null ? '—' : `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  const cells = rows.map((f) => [
    f.severity.toUpperCase(),
    f.title.length > 90 ? `${f.title.slice(0, 89)}…` : f.title,
    f.actors.slice(0, 2).join(', ') || '—',
    time(f.firstUs),
  ]);
  const head = ['SEVERITY', 'FINDING', 'USER', 'FIRST SEEN'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `    ${c.map((v, i) => v.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
}

async function main(): Promise<void> {
  console.log(bold('Mailtrail demo: a BEC investigation from acquisition to sealed package, offline'));
  console.log(`    output      ${rel(out)}/`);
  console.log(`    passphrase  ${PASSPHRASE}   (demo only: real cases get a passphrase nobody else knows)`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  step('Start the local Microsoft 365 emulator (identity, Graph, Management API, Outlook REST) with the bec-basic scenario');
  const { child, info } = await startEmulator();
  const stopEmulator = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stopEmulator);
  try {
    console.log(`    tenant ${info.tenantId}, ${info.users.length} mailboxes, ${info.from} → ${info.to}`);
    console.log(
      `    ground truth: ${Object.entries(info.truth)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    console.log(`    fault profile: ${opts.faults} (throttling, server errors and dropped connections are injected)`);

    step('Create the encrypted case file');
    mailtrail([
      'case',
      'create',
      paths.case,
      '--name',
      'Contoso: CFO mailbox compromise',
      '--number',
      'DEMO-2026-001',
      '--examiner',
      EXAMINER,
      '--tz',
      'Europe/Berlin',
    ]);

    step(
      'Collect every source through MSAL (certificate credential) and the collectors; every response is hashed and stored before parsing',
    );
    const h = info.hosts;
    mailtrail([
      'collect',
      paths.case,
      '--tenant',
      info.tenantId,
      '--client-id',
      info.clientId,
      '--cert',
      info.certFile,
      '--key',
      info.keyFile,
      '--sources',
      'ual,mgmt,signins,audits,mailbox,activities',
      '--users',
      info.users.join(','),
      '--from',
      info.from,
      '--to',
      info.to,
      '--authority-host',
      new URL(h.authority).origin,
      '--graph-host',
      h.graph,
      '--manage-host',
      h.manage,
      '--outlook-host',
      h.outlook,
      '--ca-file',
      info.caFile,
      // A real audit query may legitimately run for hours, so a stuck one is only abandoned after 4 h;
      // the emulator's stuck queries are abandoned after 15 s so the demo shows the recovery quickly.
      '--tuning',
      JSON.stringify({ ualQueryTimeoutMs: 15_000, ualPollIntervalMs: 500, ualPollMaxIntervalMs: 2_000 }),
    ]);

    step('Run the BEC analyzers');
    const analysis = mailtrailJson<{ findings: Finding[]; counts: Record<string, number> }>(['analyze', paths.case]);
    for (const l of findingsTable(analysis.findings.filter((f) => f.kind === 'finding'))) console.log(l);
    const gaps = analysis.findings.filter((f) => f.kind === 'gap').length;
    console.log(
      `    ${analysis.counts['high']} high, ${analysis.counts['medium']} medium, ${analysis.counts['low']} low, ${analysis.counts['info']} info${gaps ? `; ${gaps} visibility gap(s) recorded` : ''}`,
    );
    const storyline = analysis.findings.find((f) => f.analyzer === 'bec-storyline' && f.severity === 'high');
    if (!storyline) throw new Error('the planted BEC storyline was not found');
    console.log(`    storyline: "${storyline.title}" chains ${storyline.eventIds.length} events`);

    step('Tag the storyline for the report');
    mailtrail(['tag', paths.case, ...storyline.eventIds.map(String), '--tag', 'confirmed']);

    step('Write the PDF report (deterministic: the same case gives the same bytes)');
    mailtrail(['report', paths.case, '--out', paths.report, '--tz', 'Europe/Berlin']);

    step('Make a signing key and seal a signed evidence package (case + journal + report + manifest)');
    mailtrail(['keygen', '--out', paths.key]);
    mailtrail(['package', paths.case, '--out', paths.package, '--sign', paths.key]);

    step(
      'Verify the package as a recipient would: members, signature, and (with the passphrase) the journal and every evidence hash inside',
    );
    const verified = mailtrailJson<{ ok: boolean; problems?: unknown[] }>(['verify', paths.package, '--pubkey', paths.pub]);
    if (!verified.ok) throw new Error(`package verification failed: ${JSON.stringify(verified.problems)}`);
    console.log('    ok');

    const info2 = mailtrailJson<{ events: number; evidence: { items: number; bytes: number }; journal: { entries: number; head: string } }>(
      ['case', 'info', paths.case],
    );
    console.log(`\n${bold('Done')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    console.log(
      `    case file   ${rel(paths.case)}  (${info2.events} events, ${info2.evidence.items} evidence items, ${info2.journal.entries} journal entries)`,
    );
    console.log(`    report      ${rel(paths.report)}`);
    console.log(`    package     ${rel(paths.package)}  (public key ${rel(paths.pub)})`);
    console.log(`    journal head ${info2.journal.head}`);
    console.log(`\nReplay the recipient's check:  npx mailtrail verify ${rel(paths.package)} --pubkey ${rel(paths.pub)}`);
    console.log(
      `Open the case in the app:      npm run demo -- --ui   (or: MAILTRAIL_PASSPHRASE=${PASSPHRASE} npx mailtrail ui ${rel(paths.case)})`,
    );
  } finally {
    stopEmulator();
  }

  if (opts.ui) await openUi();
}

/** True when the Electron binary was downloaded (npm ci never downloads it). */
function electronInstalled(): boolean {
  const dir = join(ROOT, 'node_modules', 'electron');
  return existsSync(join(dir, 'path.txt'));
}

/** `--ui`: the Electron app where its binary exists, otherwise the loopback host's URL. */
async function openUi(): Promise<void> {
  step('Open the case in the app');
  if (electronInstalled()) {
    // The app keeps recent cases in its data directory: list the demo case there, so it is one
    // click (and the printed passphrase) away on the Start screen.
    const dataDir = join(out, 'app-data');
    const info = mailtrailJson<{ file: string; id: string; name: string; number: string | null }>(['case', 'info', paths.case]);
    new AppData(dataDir).remember(info, Date.now() * 1000);
    console.log(`    Open "${info.name}" from Recent cases with the passphrase ${PASSPHRASE}.`);
    spawnSync('npm', ['start'], { stdio: 'inherit', env: { ...env, MAILTRAIL_DATA_DIR: dataDir } });
    return;
  }
  console.log('    Electron is not installed here: serving the same UI to a browser instead (Ctrl+C stops).');
  mailtrail(['ui', paths.case]);
}

if (!existsSync(BIN)) throw new Error(`missing ${BIN}`);
main().catch((err: unknown) => {
  console.error(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
