/**
 * Import throughput: a synthetic Purview audit export of N records (default 1,000,000) shaped like
 * real ones (Exchange mailbox and admin operations mixed with Entra logons and directory changes,
 * AuditData ≈ 1–2 KB, CRLF, newest first) imported end to end (evidence storage, parsing,
 * normalization, inserts, full-text index), against a baseline measured in the same run: a bare
 * loop inserting the same AuditData strings into an encrypted table with one prepared statement,
 * in transactions of the same size and with the same page cache as the import.
 */
import { closeSync, createWriteStream, fsyncSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createCase } from '../src/core/case/case-file';
import { BATCH_RECORDS, importPaths, type ImportProgress } from '../src/core/ingest';
import { IMPORT_CACHE_KIB } from '../src/core/ingest/ingest-evidence';
import { fmt, rssSampler, timeMs, type Benchmark } from './harness';

/** A small deterministic PRNG (mulberry32), so every run writes the same file. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(rnd: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rnd() * 16).toString(16);
  return s;
}

function guid(rnd: () => number): string {
  return `${hex(rnd, 8)}-${hex(rnd, 4)}-4${hex(rnd, 3)}-a${hex(rnd, 3)}-${hex(rnd, 12)}`;
}

const TENANT = 'df233d94-fed3-4436-bf9a-a799fb85a159';
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0';

/** Deterministic record generator: `record(i)` returns the CSV row and the AuditData string of record i. */
export function syntheticPurview(seed = 7): { header: string; record(i: number, n: number): { row: string; auditData: string } } {
  const base = prng(seed);
  const users = Array.from({ length: 200 }, (_, i) => `user${i}@contoso.com`);
  const sessions = Array.from({ length: 5000 }, () => guid(base));
  const ips = Array.from({ length: 2000 }, (_, i) =>
    i % 5 === 0
      ? `2a02:1810:${(i * 7).toString(16)}:${(i * 13).toString(16)}::${(i % 90) + 1}`
      : `${20 + (i % 180)}.${(i * 7) % 256}.${(i * 13) % 256}.${(i % 250) + 1}`,
  );
  const folders = ['\\Inbox', '\\Sent Items', '\\Archive', '\\Inbox\\Finance', '\\Deleted Items'];
  const t0 = Date.UTC(2026, 0, 31);
  const header = 'RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n';
  const record = (i: number, n: number): { row: string; auditData: string } => {
    const rnd = prng(seed * 1_000_003 + i);
    const id = guid(rnd);
    const user = users[Math.floor(rnd() * users.length)]!;
    const ip = ips[Math.floor(rnd() * ips.length)]!;
    const session = sessions[Math.floor(rnd() * sessions.length)]!;
    const ts = new Date(t0 - Math.floor((i / n) * 30 * 86400_000)).toISOString().slice(0, 19);
    const pick = rnd();
    let a: Record<string, unknown>;
    const common = { CreationTime: ts, Id: id, OrganizationId: TENANT, UserKey: hex(rnd, 16).toUpperCase(), UserType: 0, Version: 1 };
    const mailbox = {
      AppId: '00000002-0000-0ff1-ce00-000000000000',
      ClientAppId: '',
      ClientIPAddress: ip,
      ClientInfoString: 'Client=OWA;Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36;',
      ExternalAccess: false,
      InternalLogonType: 0,
      LogonType: 0,
      LogonUserSid: `S-1-5-21-${hex(rnd, 10)}`,
      MailboxGuid: guid(rnd),
      MailboxOwnerSid: `S-1-5-21-${hex(rnd, 10)}`,
      MailboxOwnerUPN: user,
      OrganizationName: 'contoso.onmicrosoft.com',
      OriginatingServer: 'DB7PR04MB4346 (15.20.2878.014)\r\n',
      SessionId: session,
    };
    if (pick < 0.4) {
      const items = 1 + Math.floor(rnd() * 8);
      a = {
        ...common,
        Operation: 'MailItemsAccessed',
        RecordType: 50,
        ResultStatus: 'Succeeded',
        Workload: 'Exchange',
        UserId: user,
        ...mailbox,
        OperationProperties: [
          { Name: 'MailAccessType', Value: rnd() < 0.9 ? 'Bind' : 'Sync' },
          { Name: 'IsThrottled', Value: 'False' },
        ],
        Folders: [
          {
            FolderItems: Array.from({ length: items }, () => ({
              InternetMessageId: `<${hex(rnd, 24)}@${hex(rnd, 6)}.prod.outlook.com>`,
              SizeInBytes: Math.floor(rnd() * 90000),
            })),
            Id: `LgAAAAAM7KyTTmWeRac2KXBEz${hex(rnd, 20)}`,
            Path: folders[Math.floor(rnd() * folders.length)],
          },
        ],
        OperationCount: items,
      };
    } else if (pick < 0.65) {
      const failed = rnd() < 0.15;
      a = {
        ...common,
        Operation: failed ? 'UserLoginFailed' : 'UserLoggedIn',
        RecordType: 15,
        ResultStatus: 'Success',
        Workload: 'AzureActiveDirectory',
        ClientIP: rnd() < 0.3 ? `${ip.includes(':') ? `[${ip}]` : ip}:${40000 + Math.floor(rnd() * 20000)}` : ip,
        ObjectId: '00000003-0000-0000-c000-000000000000',
        UserId: user,
        AzureActiveDirectoryEventType: 1,
        ExtendedProperties: [
          { Name: 'ResultStatusDetail', Value: failed ? 'UserError' : 'Success' },
          { Name: 'UserAgent', Value: UA },
          { Name: 'RequestType', Value: 'OAuth2:Authorize' },
          { Name: 'KeepMeSignedIn', Value: 'True' },
        ],
        ModifiedProperties: [],
        Actor: [
          { ID: guid(rnd), Type: 0 },
          { ID: user, Type: 5 },
        ],
        ActorContextId: TENANT,
        ActorIpAddress: ip,
        InterSystemsId: guid(rnd),
        IntraSystemId: guid(rnd),
        SupportTicketId: '',
        Target: [{ ID: '00000003-0000-0000-c000-000000000000', Type: 0 }],
        TargetContextId: TENANT,
        ApplicationId: '4765445b-32c6-49b0-83e6-1d93765276ca',
        DeviceProperties: [
          { Name: 'OS', Value: 'Windows 10' },
          { Name: 'BrowserType', Value: 'Edge' },
          { Name: 'IsCompliantAndManaged', Value: 'False' },
          { Name: 'SessionId', Value: session },
        ],
        ErrorNumber: failed ? '50126' : '0',
        ...(failed ? { LogonError: 'InvalidUserNameOrPassword' } : {}),
      };
    } else if (pick < 0.75) {
      a = {
        ...common,
        Operation: rnd() < 0.5 ? 'Send' : 'SoftDelete',
        RecordType: 2,
        ResultStatus: 'Succeeded',
        Workload: 'Exchange',
        UserId: user,
        ...mailbox,
        Item: {
          Id: hex(rnd, 64),
          InternetMessageId: `<${hex(rnd, 24)}@contoso.com>`,
          ParentFolder: { Id: hex(rnd, 40), Path: '\\Sent Items' },
          SizeInBytes: 4242,
          Subject: `Re: invoice ${Math.floor(rnd() * 9999)}`,
        },
      };
    } else if (pick < 0.78) {
      a = {
        ...common,
        Operation: rnd() < 0.5 ? 'New-InboxRule' : 'Set-Mailbox',
        RecordType: 1,
        ResultStatus: 'True',
        Workload: 'Exchange',
        ClientIP: `${ip}:${40000 + Math.floor(rnd() * 20000)}`,
        ObjectId: `NAMPR10A011.PROD.OUTLOOK.COM/Microsoft Exchange Hosted Organizations/contoso.onmicrosoft.com/${guid(rnd)}\\.`,
        UserId: user,
        AppId: '00000002-0000-0ff1-ce00-000000000000',
        ClientAppId: '',
        ExternalAccess: false,
        OrganizationName: 'contoso.onmicrosoft.com',
        OriginatingServer: 'CH3PR10MB7864 (15.20.6813.027)',
        Parameters: [
          { Name: 'AlwaysDeleteOutlookRulesBlob', Value: 'False' },
          { Name: 'Force', Value: 'False' },
          { Name: 'MoveToFolder', Value: 'RSS Feeds' },
          { Name: 'Name', Value: '.' },
          { Name: 'SubjectContainsWords', Value: 'invoice;payment' },
          { Name: 'MarkAsRead', Value: 'True' },
          { Name: 'StopProcessingRules', Value: 'True' },
        ],
        SessionId: session,
      };
    } else if (pick < 0.9) {
      a = {
        ...common,
        Operation: 'FileAccessed',
        RecordType: 6,
        Workload: 'OneDrive',
        ClientIP: ip,
        UserId: user,
        ApplicationId: '4765445b-32c6-49b0-83e6-1d93765276ca',
        AuthenticationType: 'OAuth',
        CorrelationId: guid(rnd),
        EventSource: 'SharePoint',
        ItemType: 'File',
        ListId: guid(rnd),
        ListItemUniqueId: guid(rnd),
        Site: guid(rnd),
        UserAgent: UA,
        WebId: guid(rnd),
        SourceFileExtension: 'xlsx',
        SiteUrl: `https://contoso-my.sharepoint.com/personal/${user.replace(/[@.]/g, '_')}/`,
        SourceRelativeUrl: 'Documents/Finance',
        SourceFileName: `Q${1 + Math.floor(rnd() * 4)} forecast ${hex(rnd, 4)}.xlsx`,
        ObjectId: `https://contoso-my.sharepoint.com/personal/${user.replace(/[@.]/g, '_')}/Documents/Finance/forecast.xlsx`,
      };
    } else {
      a = {
        ...common,
        Operation: rnd() < 0.95 ? 'Update user.' : 'Consent to application.',
        RecordType: 8,
        ResultStatus: 'Success',
        Workload: 'AzureActiveDirectory',
        ObjectId: user,
        UserId: 'admin@contoso.com',
        AzureActiveDirectoryEventType: 1,
        ExtendedProperties: [
          { Name: 'additionalDetails', Value: `{"UserType":"Member","AppId":"${guid(rnd)}"}` },
          { Name: 'extendedAuditEventCategory', Value: 'User' },
        ],
        ModifiedProperties: [
          { Name: 'StsRefreshTokensValidFrom', NewValue: `[\r\n  "${ts}Z"\r\n]`, OldValue: '[]' },
          { Name: 'Included Updated Properties', NewValue: 'StsRefreshTokensValidFrom', OldValue: '' },
        ],
        Actor: [{ ID: 'admin@contoso.com', Type: 5 }],
        Target: [{ ID: user, Type: 5 }],
      };
    }
    const auditData = JSON.stringify(a);
    const op = a['Operation'] as string;
    const row = `${id},${ts}.0000000Z ,${a['RecordType'] as number},${op},${user},"${auditData.replace(/"/g, '""')}",,\r\n`;
    return { row, auditData };
  };
  return { header, record };
}

async function writeCsv(file: string, n: number, seed?: number): Promise<number> {
  const gen = syntheticPurview(seed);
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  out.write(gen.header);
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += gen.record(i, n).row;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  // Flush the generated file now, so the kernel's write-back of the generator's output does not
  // run during the timed import.
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return statSync(file).size;
}

/** The import's phases as the bench reports them (`phaseSeconds` in `--json`). */
const PHASES = ['storing', 'parsing', 'indexes', 'fullText'] as const;
type Phase = (typeof PHASES)[number];
const PHASE_LABELS: Record<Phase, string> = {
  storing: 'storing',
  parsing: 'parsing and writing',
  indexes: 'index rebuild',
  fullText: 'full-text build',
};

function phaseOf(p: ImportProgress): Phase {
  if (p.phase !== 'indexing') return p.phase;
  return p.step === 'full-text' ? 'fullText' : 'indexes';
}

/**
 * Time spent in each phase, from the progress events: a phase lasts from its first event to the
 * first event of another (or {@link stop}), so where the time of an import goes comes from the
 * bench's own run rather than from a separate script.
 */
class PhaseClock {
  private readonly totals = new Map<Phase, number>();
  private current: Phase | null = null;
  private since = performance.now();

  /** Marks that the import is now in `phase`. */
  enter(phase: Phase): void {
    if (phase === this.current) return;
    this.stop();
    this.current = phase;
  }

  /** Closes the phase in progress (at the end of the import). */
  stop(): void {
    const now = performance.now();
    if (this.current !== null) this.totals.set(this.current, (this.totals.get(this.current) ?? 0) + now - this.since);
    this.current = null;
    this.since = now;
  }

  /** Seconds spent in `phase` so far (closed intervals only). */
  seconds(phase: Phase): number {
    return (this.totals.get(phase) ?? 0) / 1000;
  }
}

const bench: Benchmark = {
  name: 'import',
  description:
    'import a synthetic Purview CSV end to end vs bare encrypted inserts of the same AuditData (--size records, default 1,000,000; --existing N imports N other records first, untimed)',
  async run({ size, args, workDir, log }) {
    const n = size ?? 1_000_000;
    // `--parse-thread on|off` forces the parse thread (default: by item size, i.e. on here).
    const thread = args['parse-thread'];
    const parseThread = thread === 'on' ? true : thread === 'off' ? false : undefined;
    const csv = join(workDir, 'purview.csv');
    const bytes = await writeCsv(csv, n);
    log(`wrote ${fmt(n)} records, ${fmt(bytes / 1e6)} MB`);

    // The import, end to end, in a fresh case, or (`--existing N`) in a case that already holds N
    // other records, imported untimed from an export of another seed (other record ids).
    const session = createCase({ file: join(workDir, 'import.mtcase'), name: 'bench', examiner: 'bench', passphrase: 'bench' });
    const existing = Number(args['existing'] ?? 0);
    if (existing > 0) {
      const other = join(workDir, 'existing.csv');
      await writeCsv(other, existing, 11);
      const pre = await importPaths(session, [other], { parseThread });
      rmSync(other, { force: true });
      log(`case prepared with ${fmt(pre.imported)} existing events`);
    }
    global.gc?.();
    const rss = rssSampler(20);
    const phases = new PhaseClock();
    const imp = await timeMs(() =>
      importPaths(session, [csv], {
        parseThread,
        onProgress: (p) => phases.enter(phaseOf(p)),
      }),
    );
    phases.stop();
    const peak = rss.stop();
    session.close();
    const report = imp.value;
    if (report.read !== n || report.imported + report.duplicates + report.quarantined !== n) {
      throw new Error(`import did not add up: ${JSON.stringify({ ...report, files: undefined })}`);
    }
    log(`import: ${fmt(imp.ms / 1000, 1)} s, quarantined ${report.quarantined}`);
    rmSync(join(workDir, 'import.mtcase'), { force: true });

    // Baseline: the same AuditData strings, one prepared statement, same transaction size and cache.
    const base = createCase({ file: join(workDir, 'baseline.mtcase'), name: 'baseline', examiner: 'bench', passphrase: 'bench' });
    base.db.exec('CREATE TABLE bare (id INTEGER PRIMARY KEY, data TEXT NOT NULL)');
    base.db.pragma(`cache_size=-${IMPORT_CACHE_KIB}`);
    const insert = base.db.prepare('INSERT INTO bare (data) VALUES (?)');
    const tx = base.db.transaction((rows: string[]) => {
      for (const r of rows) insert.run(r);
    });
    const gen = syntheticPurview();
    let baseMs = 0;
    for (let i = 0; i < n; i += BATCH_RECORDS) {
      const rows: string[] = [];
      for (let k = i; k < Math.min(n, i + BATCH_RECORDS); k++) rows.push(gen.record(k, n).auditData);
      baseMs += (await timeMs(() => tx.immediate(rows))).ms;
    }
    base.close();
    log(`baseline: ${fmt(baseMs / 1000, 1)} s`);

    const seconds = imp.ms / 1000;
    const recordsPerSec = n / seconds;
    const baselinePerSec = n / (baseMs / 1000);
    const ratio = recordsPerSec / baselinePerSec;
    return {
      figures: {
        records: n,
        ...(existing > 0 ? { existingEvents: existing } : {}),
        seconds: Number(seconds.toFixed(2)),
        recordsPerSec: Math.round(recordsPerSec),
        baselinePerSec: Math.round(baselinePerSec),
        ratio: Number(ratio.toFixed(3)),
        peakRssMb: Math.round(peak),
        phaseSeconds: Object.fromEntries(PHASES.map((ph) => [ph, Number(phases.seconds(ph).toFixed(2))])),
      },
      table: [
        ['records', fmt(n), `${fmt(bytes / 1e6)} MB CSV${existing > 0 ? `, into a case of ${fmt(existing)} events` : ''}`],
        [
          'import (store + parse + insert + FTS)',
          `${fmt(seconds, 1)} s`,
          PHASES.map((ph) => `${PHASE_LABELS[ph]} ${fmt(phases.seconds(ph), 1)} s`).join(', '),
        ],
        ['records/s', fmt(recordsPerSec), 'target ≥ 40,000'],
        ['baseline: bare encrypted inserts', `${fmt(baselinePerSec)} rows/s`],
        ['import / baseline', fmt(ratio, 3), 'target ≥ 0.6'],
        ['peak RSS', `${fmt(peak)} MB`, 'target ≤ 400 MB for a 2 GB input'],
      ],
    };
  },
};
export default bench;
