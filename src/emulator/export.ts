/**
 * Writes a scenario as the files an examiner would bring (issue 3's import formats): UAL as
 * Management-API-shaped JSON Lines and as Purview audit CSV (50,000 rows per file, BOM, CRLF),
 * Graph audit query record pages, sign-in and directory-audit pages, mailbox state per user,
 * consent grants and service principals, and Activities per mailbox both as v2.0 JSON and as the
 * CSV CrowdStrike's retriever wrote. Streams everything: constant memory at any size.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join, relative, resolve } from 'node:path';
import type { Scenario } from './scenario/scenario';
import { toAuditLogRecord } from './graph/audit-queries';
import { withOdata } from './scenario/records/activities';
import { compareStubs } from './scenario/plan';
import { DAY } from './util/time';

/** One file written. */
export interface ExportedFile {
  /** Path relative to the export folder (forward slashes). */
  path: string;
  /** What the file is, in import-format terms. */
  kind:
    | 'ual-jsonl'
    | 'purview-csv'
    | 'graph-audit-records'
    | 'graph-signins'
    | 'graph-directory-audits'
    | 'graph-message-rules'
    | 'graph-mailbox-settings'
    | 'graph-mail-folders'
    | 'graph-oauth2-grants'
    | 'graph-service-principals'
    | 'activities-json'
    | 'activities-csv';
  records: number;
  bytes: number;
  sha256: string;
}

/** What {@link exportScenario} wrote. */
export interface ExportResult {
  dir: string;
  files: ExportedFile[];
  /**
   * The answer key (options, truth, storyline, every file with its SHA-256): written beside the
   * folder, `DIR.answer-key.json`, so the folder holds only what a trainee or an import should see.
   */
  answerKey: string;
}

const PURVIEW_ROWS = 50_000;
const PAGE = 1000;

class Out {
  private readonly stream;
  private readonly hash = createHash('sha256');
  bytes = 0;
  records = 0;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file);
  }

  async write(text: string): Promise<void> {
    const buf = Buffer.from(text, 'utf8');
    this.hash.update(buf);
    this.bytes += buf.length;
    if (!this.stream.write(buf)) await once(this.stream, 'drain');
  }

  async close(): Promise<string> {
    this.stream.end();
    await once(this.stream, 'finish');
    return this.hash.digest('hex');
  }
}

/** Writes Graph-style pages of `PAGE` records; a page links to the next only when one follows. */
class Pager {
  private page: Record<string, unknown>[] = [];
  private n = 0;

  constructor(
    private readonly folder: string,
    private readonly context: string,
    private readonly nextBase: string,
    private readonly emit: (o: Out) => Promise<void>,
  ) {}

  async add(rec: Record<string, unknown>): Promise<void> {
    if (this.page.length === PAGE) await this.flush(false);
    this.page.push(rec);
  }

  async flush(last: boolean): Promise<void> {
    if (this.page.length === 0 && (this.n > 0 || !last)) return;
    this.n++;
    const o = new Out(join(this.folder, `page-${String(this.n).padStart(4, '0')}.json`));
    const body: Record<string, unknown> = { '@odata.context': this.context, value: this.page };
    if (!last) body['@odata.nextLink'] = `${this.nextBase}?$skiptoken=page${this.n + 1}`;
    o.records = this.page.length;
    await o.write(JSON.stringify(body, null, 2));
    await this.emit(o);
    this.page = [];
  }
}

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Python `repr` of a string (what retriever.py's dict dump produced). */
function pyStr(s: string): string {
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  if (s.includes("'") && !s.includes('"')) return `"${body}"`;
  return `'${body.replace(/'/g, "\\'")}'`;
}

function pyDict(props: { Name: string; Value: string }[]): string {
  return `{${props.map((p) => `${pyStr(p.Name)}: ${pyStr(p.Value ?? '')}`).join(', ')}}`;
}

function safeName(upn: string): string {
  return upn.replace(/[^A-Za-z0-9@._-]/g, '_');
}

/** Writes the scenario under `dir` and returns the file list (with SHA-256 of each file). */
export async function exportScenario(sc: Scenario, dir: string): Promise<ExportResult> {
  mkdirSync(dir, { recursive: true });
  const files: ExportedFile[] = [];
  const done = async (out: Out, kind: ExportedFile['kind']): Promise<void> => {
    const sha256 = await out.close();
    files.push({ path: relative(dir, out.file).split('\\').join('/'), kind, records: out.records, bytes: out.bytes, sha256 });
  };
  const sub = (p: string): string => {
    mkdirSync(join(dir, p), { recursive: true });
    return join(dir, p);
  };
  const days = (lo: number, hi: number): [number, number][] => {
    const out: [number, number][] = [];
    for (let d = lo; d < hi; d += DAY) out.push([d, Math.min(hi, d + DAY)]);
    return out;
  };

  // UAL: JSON Lines + Purview CSV, in time order (day by day keeps memory flat).
  const [ulo, uhi] = sc.window('ual');
  const jsonl = new Out(join(sub('ual'), 'audit-records.jsonl'));
  let csv: Out | null = null;
  let csvIndex = 0;
  const graphPager = new Pager(
    sub('graph/auditLogRecords'),
    'https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.security.auditLogRecord)',
    `https://graph.microsoft.com/v1.0/security/auditLog/queries/${sc.tenant.tenantId}/records`,
    (o) => done(o, 'graph-audit-records'),
  );
  for (const [a, b] of days(ulo, uhi)) {
    const stubs = [...sc.stubs('ual', a, b)].sort(compareStubs);
    for (const s of stubs) {
      const rec = sc.build(s);
      await jsonl.write(`${JSON.stringify(rec)}\n`);
      jsonl.records++;
      if (!csv || csv.records >= PURVIEW_ROWS) {
        if (csv) await done(csv, 'purview-csv');
        csvIndex++;
        csv = new Out(join(sub('ual'), `purview-audit-${String(csvIndex).padStart(3, '0')}.csv`));
        await csv.write(
          '\ufeffRecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n',
        );
      }
      const created = `${String(rec.CreationTime)}.0000000Z `;
      await csv.write(
        [
          String(rec.Id),
          `"${created}"`,
          String(rec.RecordType),
          csvCell(String(rec.Operation)),
          csvCell(String(rec.UserId)),
          csvCell(JSON.stringify(rec)),
          '',
          '',
        ].join(',') + '\r\n',
      );
      csv.records++;
      await graphPager.add(toAuditLogRecord(rec));
    }
  }
  await done(jsonl, 'ual-jsonl');
  if (csv) await done(csv, 'purview-csv');
  await graphPager.flush(true);

  // Sign-ins (beta shape, every event type) and directory audits: Graph pages, newest first.
  for (const [src, folder, kind, ctxName] of [
    ['signins', 'graph/signIns', 'graph-signins', 'beta/$metadata#auditLogs/signIns'],
    ['audits', 'graph/directoryAudits', 'graph-directory-audits', 'v1.0/$metadata#auditLogs/directoryAudits'],
  ] as const) {
    const [lo, hi] = sc.window(src);
    const pager = new Pager(
      sub(folder),
      `https://graph.microsoft.com/${ctxName}`,
      `https://graph.microsoft.com/${src === 'signins' ? 'beta/auditLogs/signIns' : 'v1.0/auditLogs/directoryAudits'}`,
      (o) => done(o, kind),
    );
    for (const [a, b] of days(lo, hi).reverse()) {
      const stubs = [...sc.stubs(src, a, b)].sort(compareStubs).reverse();
      for (const s of stubs) await pager.add(sc.build(s));
    }
    await pager.flush(true);
  }

  // Mailbox state per user, grants and service principals.
  const st = sc.mailbox;
  for (const u of sc.tenant.users) {
    const d = sub(`mailbox/${safeName(u.upn)}`);
    const write = async (name: string, kind: ExportedFile['kind'], body: object, count: number): Promise<void> => {
      const o = new Out(join(d, name));
      o.records = count;
      await o.write(JSON.stringify(body, null, 2));
      await done(o, kind);
    };
    const rules = st.rules(u);
    await write(
      'messageRules.json',
      'graph-message-rules',
      { '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${u.upn}')/mailFolders('inbox')/messageRules`, value: rules },
      rules.length,
    );
    await write(
      'mailboxSettings.json',
      'graph-mailbox-settings',
      { '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${u.upn}')/mailboxSettings`, ...st.settings(u) },
      1,
    );
    const folders = st.folders(u);
    await write(
      'mailFolders.json',
      'graph-mail-folders',
      { '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${u.upn}')/mailFolders`, value: folders },
      folders.length,
    );
  }
  for (const [name, kind, list, ctxName] of [
    ['oauth2PermissionGrants.json', 'graph-oauth2-grants', st.grants, 'oauth2PermissionGrants'],
    ['servicePrincipals.json', 'graph-service-principals', st.servicePrincipals, 'servicePrincipals'],
  ] as const) {
    const o = new Out(join(sub('graph'), name));
    o.records = list.length;
    await o.write(JSON.stringify({ '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#${ctxName}`, value: list }, null, 2));
    await done(o, kind);
  }

  // Activities per mailbox: v2.0 JSON (default metadata) and retriever.py CSV (UTF-8 BOM, LF).
  const [alo, ahi] = sc.window('activities');
  const actDir = sub('activities');
  for (const u of sc.tenant.users) {
    const json = new Out(join(actDir, `${safeName(u.upn)}.json`));
    const csvOut = new Out(join(actDir, `${safeName(u.upn)}.csv`));
    await json.write(
      `{"@odata.context":${JSON.stringify(`https://outlook.office.com/api/v2.0/$metadata#Users('${u.upn}')/Activities`)},"value":[`,
    );
    await csvOut.write('\ufeffTimeStamp,AppIdType,ActivityIdType,ActivityItemId,ActivityCreationTime,ClientSessionId,CustomProperties\n');
    let first = true;
    for (const [a, b] of days(alo, ahi)) {
      for (const s of sc.userStubs('activities', u.index, a, b)) {
        const rec = sc.build(s);
        await json.write(`${first ? '' : ','}\n${JSON.stringify(withOdata(rec, 'https://outlook.office.com', u.upn))}`);
        first = false;
        json.records++;
        const props = rec.CustomProperties as { Name: string; Value: string }[];
        const row = [
          rec.TimeStamp,
          rec.AppIdType,
          rec.ActivityIdType,
          rec.ActivityItemId,
          rec.ActivityCreationTime,
          rec.ClientSessionId,
        ].map((v) => csvCell(String(v ?? '')));
        row.push(csvCell(pyDict(props)));
        await csvOut.write(`${row.join(',')}\n`);
        csvOut.records++;
      }
    }
    await json.write('\n]}\n');
    await done(json, 'activities-json');
    await done(csvOut, 'activities-csv');
  }

  const manifest = {
    generator: 'mailtrail emulator',
    scenario: sc.config.scenario,
    seed: sc.config.seed,
    users: sc.config.users,
    days: sc.config.days,
    from: sc.from,
    to: sc.to,
    tenantId: sc.tenant.tenantId,
    tenantDomain: sc.tenant.domain,
    truth: sc.truth(),
    storyline: sc.storyline,
    distractors: sc.distractors,
    files,
  };
  const answerKey = `${resolve(dir)}.answer-key.json`;
  writeFileSync(answerKey, JSON.stringify(manifest, null, 2));
  return { dir, files, answerKey };
}
