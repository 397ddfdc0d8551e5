/**
 * Import: files, folders, .zip, .tar and .gz, stored as evidence (hashed first) then parsed in a worker.
 * Progress bar and cancel while it runs; then a per-file report that adds up (read = imported +
 * duplicates + quarantined) with each file's SHA-256.
 */
import { useEffect, useState } from 'react';
import { describeImportFiles, importFileCounts, type FormatId, type ImportReport } from '../../shared/model/ingest';
import type { Progress } from '../../shared/model/progress';
import { api, call, errorCode, errorMessage } from '../api';
import { Hash, IncompleteWarnings, ProgressBar } from '../components/bits';
import { Modal } from '../components/Modal';
import { bytes, n } from '../lib/format';
import { useAsync } from '../lib/use-async';
import { formatUs } from '../../shared/time/format';
import { useApp } from '../state';

export function ImportDialog({ onClose }: { onClose: () => void }) {
  const { host, bumpData, notify } = useApp();
  const formats = useAsync(() => call('import:formats', {}), []);
  const [paths, setPaths] = useState('');
  const [format, setFormat] = useState<FormatId | ''>('');
  // One a line, like the CLI's passwords file; kept in this dialog's memory only.
  const [passwords, setPasswords] = useState('');
  const [dateOrder, setDateOrder] = useState<'' | 'day/month' | 'month/day'>('');
  const [jobId] = useState(() => `import-${Date.now().toString(36)}`);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const incomplete = report?.files.filter((f) => f.warnings?.length).length ?? 0;
  const [error, setError] = useState<string | null>(null);
  useEffect(() => api().on('import:progress', (p) => p.jobId === jobId && setProgress(p)), [jobId]);
  const list = paths
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
  const add = (more: string[]) => setPaths((text) => [...text.split('\n').filter((l) => l.trim()), ...more].join('\n'));
  const browse = async (purpose: 'evidence' | 'folder') => {
    try {
      const { paths: chosen } = await call('dialog:open', { purpose, multiple: true });
      if (chosen.length) add(chosen);
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };
  const start = async () => {
    setRunning(true);
    setError(null);
    setReport(null);
    try {
      const archivePasswords = [...new Set(passwords.split('\n').filter((p) => p !== ''))];
      const r = await call('import:start', {
        jobId,
        paths: list,
        ...(format ? { format } : {}),
        ...(archivePasswords.length > 0 ? { archivePasswords } : {}),
        ...(dateOrder ? { dateOrder } : {}),
      });
      setReport(r);
      const counts = importFileCounts(r.files);
      const cut = r.files.filter((f) => f.warnings?.length).length;
      notify(
        counts.failed || cut ? 'info' : 'ok',
        `Imported ${n(r.imported)} events from ${describeImportFiles(counts, 'could not be imported', n)}${
          r.upgraded ? `; ${n(r.upgraded)} fuller ${r.upgraded === 1 ? 'copy' : 'copies'} replaced what the case held` : ''
        }${cut ? `; ${n(cut)} ${cut === 1 ? 'looks' : 'look'} incomplete` : ''}.`,
      );
    } catch (err) {
      setError(
        errorCode(err) === 'CANCELLED'
          ? 'Cancelled. Batches already committed stay; importing the same files again completes it.'
          : errorMessage(err),
      );
    } finally {
      setPasswords(''); // secrets leave the form once used (docs/app.md)
      setRunning(false);
      bumpData();
    }
  };
  const cancel = async () => {
    try {
      await call('import:cancel', { jobId });
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };
  return (
    <Modal
      title="Import evidence"
      onClose={onClose}
      wide
      busy={running}
      testId="import-dialog"
      footer={
        running ? (
          <button type="button" className="btn danger" onClick={() => void cancel()} data-testid="import-cancel">
            Cancel import
          </button>
        ) : report ? (
          <>
            <button
              type="button"
              className="btn"
              onClick={() => {
                setReport(null);
                setPaths('');
              }}
            >
              Import more
            </button>
            <button type="button" className="btn primary" onClick={onClose} data-testid="import-done">
              Done
            </button>
          </>
        ) : (
          <>
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button
              type="button"
              className="btn primary"
              disabled={list.length === 0}
              onClick={() => void start()}
              data-testid="import-start"
            >
              Import {list.length > 0 ? `${list.length} path${list.length === 1 ? '' : 's'}` : ''}
            </button>
          </>
        )
      }
    >
      {!report && !running && (
        <div className="form-grid">
          <label className="field full">
            <span>Files, folders (read recursively), .zip, .tar or .gz archives: one path per line</span>
            <textarea
              name="paths"
              rows={5}
              className="mono"
              spellCheck={false}
              value={paths}
              onChange={(e) => setPaths(e.target.value)}
              placeholder="/evidence/AuditLog_2026-01-05.csv"
            />
          </label>
          {host.nativeDialogs && (
            <div className="full row">
              <button type="button" className="btn" onClick={() => void browse('evidence')}>
                Add files…
              </button>
              <button type="button" className="btn" onClick={() => void browse('folder')}>
                Add folder…
              </button>
            </div>
          )}
          <label className="field full">
            <span>Format</span>
            <select name="format" value={format} onChange={(e) => setFormat(e.target.value as FormatId | '')}>
              <option value="">Detect automatically (recommended)</option>
              {formats.data?.formats.map((f) => (
                <option key={f.id} value={f.id} title={f.description}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field full">
            <span>Dates that read both ways (3/4/2026 in an older Entra sign-in download)</span>
            <select
              name="date-order"
              value={dateOrder}
              onChange={(e) => setDateOrder(e.target.value as '' | 'day/month' | 'month/day')}
              data-testid="import-date-order"
            >
              <option value="">As the file's other dates show; else quarantined with the reason (recommended)</option>
              <option value="day/month">Day/month: downloaded in a day-first locale (UK, Europe, Australia)</option>
              <option value="month/day">Month/day: downloaded in a US locale</option>
            </select>
          </label>
          <label className="field full">
            <span>Archive passwords (for password-protected .zip files; one per line, tried in order, never stored)</span>
            <textarea
              name="archive-passwords"
              rows={2}
              className="mono secret"
              spellCheck={false}
              autoComplete="off"
              value={passwords}
              onChange={(e) => setPasswords(e.target.value)}
              data-testid="import-archive-passwords"
            />
          </label>
          <div className="full muted" style={{ fontSize: 12 }}>
            Every file is stored verbatim and SHA-256 hashed before it is parsed. Records that cannot be read are quarantined with the
            reason, never dropped; records already in the case are counted as duplicates and their new location is kept (a fuller copy,
            where the case held one PowerShell had cut short or a flattened portal CSV, takes the poorer one's place).
          </div>
        </div>
      )}
      {running && <ProgressBar progress={progress} label={progress ? `${progress.phase}` : 'starting'} />}
      {error && (
        <div className="banner bad" role="alert">
          {error}
        </div>
      )}
      {report && (
        <div className="stack" data-testid="import-report">
          <div className="banner ok">
            {n(report.read)} records read = {n(report.imported)} imported + {n(report.duplicates)} duplicates + {n(report.quarantined)}{' '}
            quarantined
            {report.upgraded ? ` (${n(report.upgraded)} of the duplicates replaced a poorer copy of their record)` : ''}
          </div>
          {incomplete > 0 && (
            <div className="banner warn" role="status">
              {incomplete === 1 ? '1 file looks' : `${n(incomplete)} files look`} incomplete: the export or page says the source had more
              records than it holds. Its records were imported; acquire the rest before relying on the absence of activity.
            </div>
          )}
          {(report.warnings ?? []).map((w, i) => (
            <div key={i} className="banner warn" role="status" data-testid="import-report-warning">
              {w}
            </div>
          ))}
          <table className="data fixed">
            <colgroup>
              <col />
              <col style={{ width: 150 }} />
              <col style={{ width: 140 }} />
              <col style={{ width: 70 }} />
              <col style={{ width: 70 }} />
              <col style={{ width: 70 }} />
              <col style={{ width: 70 }} />
              <col style={{ width: 70 }} />
            </colgroup>
            <thead>
              <tr>
                <th>File</th>
                <th>Format</th>
                <th>SHA-256</th>
                <th className="num">Size</th>
                <th className="num">Read</th>
                <th className="num">Imported</th>
                <th className="num">Dupl.</th>
                <th className="num">Quar.</th>
              </tr>
            </thead>
            <tbody>
              {report.files.map((f) => (
                <tr key={f.path}>
                  <td title={f.path}>
                    <div className="path-cell mono">
                      <span dir="ltr">{f.path}</span>
                    </div>
                    {f.error && <div className="field-error">{f.error}</div>}
                    {f.note && <div className="muted">{f.note}</div>}
                    {f.skipped && <div className="muted">{f.skipped}</div>}
                    {f.upgraded ? (
                      <div className="muted" data-testid="import-upgraded">
                        {n(f.upgraded)} of its duplicates replaced a poorer copy of their record
                      </div>
                    ) : null}
                    {f.firstUs !== null && f.lastUs !== null && <RecordSpan first={f.firstUs} last={f.lastUs} />}
                    <IncompleteWarnings warnings={f.warnings} testId="import-warning" />
                  </td>
                  <td>{f.format ?? '—'}</td>
                  <td>{f.sha256 ? <Hash value={f.sha256} /> : '—'}</td>
                  <td className="num">{bytes(f.bytes)}</td>
                  <td className="num">{n(f.read)}</td>
                  <td className="num">{n(f.imported)}</td>
                  <td className="num">{n(f.duplicates)}</td>
                  <td className="num">{n(f.quarantined)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Modal>
  );
}

/** The time span of a file's records, to the minute in the display zone (in full, with offsets, on hover). */
function RecordSpan({ first, last }: { first: number; last: number }) {
  const { zone } = useApp();
  const short = (us: number): string => formatUs(us, zone, 0).slice(0, 16);
  return (
    <div
      className="muted file-span"
      data-testid="import-span"
      title={`${formatUs(first, zone, 6)} to ${formatUs(last, zone, 6)} (${zone})`}
    >
      records {short(first)} → {short(last)}
    </div>
  );
}
