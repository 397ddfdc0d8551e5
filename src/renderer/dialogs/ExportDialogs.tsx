/** Report, evidence package and event export: where to write, options, progress, and the written file's hash. */
import { useEffect, useState, type ReactNode } from 'react';
import { EXPORT_FORMATS, type EventsExport, type ExportFormat, type PackageExport, type ReportExport } from '../../shared/model/export';
import type { Progress } from '../../shared/model/progress';
import { api, call, errorMessage } from '../api';
import { Hash, ProgressBar } from '../components/bits';
import { Modal } from '../components/Modal';
import { joinPath, PathField, safeFileName } from '../components/PathField';
import { bytes, n } from '../lib/format';
import { allTimeZones } from '../lib/time';
import { useApp } from '../state';

function defaultPath(dir: string, platform: string, caseName: string, suffix: string): string {
  return joinPath(dir, `${safeFileName(caseName)}${suffix}`, platform);
}

/** The directory of a case file (for default output paths next to it). */
function dirOf(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i > 0 ? file.slice(0, i) : file;
}

function Written({ path, sha256, size, children }: { path: string; sha256: string; size: number; children?: ReactNode }) {
  return (
    <div className="banner ok stack" role="status" data-testid="export-result">
      <div>
        Written <span className="mono">{path}</span> ({bytes(size)})
      </div>
      <div>
        SHA-256 <Hash value={sha256} full />
      </div>
      {children}
    </div>
  );
}

/** Footer of an export dialog: Cancel and the action while not done, then one Close button. */
function ExportFooter(props: {
  done: boolean;
  busy: boolean;
  disabled: boolean;
  label: string;
  busyLabel: string;
  onGo: () => void;
  onClose: () => void;
  testId?: string;
}) {
  if (props.done)
    return (
      <button type="button" className="btn primary" onClick={props.onClose} data-testid="dialog-close">
        Close
      </button>
    );
  return (
    <>
      <button type="button" className="btn" onClick={props.onClose}>
        Cancel
      </button>
      <button type="button" className="btn primary" onClick={props.onGo} disabled={props.disabled} data-testid={props.testId}>
        {props.busy ? props.busyLabel : props.label}
      </button>
    </>
  );
}

export function ReportDialog({ onClose }: { onClose: () => void }) {
  const { caseInfo, host, zone, bumpData } = useApp();
  const [out, setOut] = useState(() =>
    defaultPath(dirOf(caseInfo?.file ?? host.casesDir), host.platform, caseInfo?.name ?? 'case', '-report.pdf'),
  );
  const [tz, setTz] = useState(zone);
  const [onlyTagged, setOnlyTagged] = useState(false);
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ReportExport | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await call('report:export', { out: out.trim(), tz, onlyTagged, force }));
      bumpData();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title="Export report (PDF)"
      onClose={onClose}
      busy={busy}
      testId="report-dialog"
      footer={
        <ExportFooter
          done={!!result}
          busy={busy}
          disabled={busy || !out.trim()}
          label="Export report"
          busyLabel="Writing…"
          onGo={() => void go()}
          onClose={onClose}
          testId="report-export"
        />
      }
    >
      <div className="form-grid">
        <PathField
          label="Report file"
          mode="save"
          purpose="report"
          value={out}
          onChange={setOut}
          defaultName={`${safeFileName(caseInfo?.name ?? 'case')}-report.pdf`}
          name="out"
        />
        <label className="field">
          <span>Time zone of the report</span>
          <select value={tz} onChange={(e) => setTz(e.target.value)}>
            {allTimeZones().map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
        <label className="row">
          <input type="checkbox" checked={onlyTagged} onChange={(e) => setOnlyTagged(e.target.checked)} /> List tagged events only
        </label>
        <label className="row full">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Replace the file if it exists
        </label>
      </div>
      <div className="muted" style={{ fontSize: 12 }}>
        The report is deterministic: the same case state gives the same PDF. Its generation is journaled with the file&apos;s SHA-256, and
        it prints the journal head hash.
      </div>
      {error && (
        <div className="banner bad" role="alert">
          {error}
        </div>
      )}
      {result && (
        <Written path={result.path} sha256={result.sha256} size={result.bytes}>
          <div>
            {n(result.pages)} pages · times in {result.timeZone} · journal head #{result.head.seq} <Hash value={result.head.hash} />
          </div>
        </Written>
      )}
    </Modal>
  );
}

export function PackageDialog({ onClose }: { onClose: () => void }) {
  const { caseInfo, host, zone, bumpData } = useApp();
  const [out, setOut] = useState(() =>
    defaultPath(dirOf(caseInfo?.file ?? host.casesDir), host.platform, caseInfo?.name ?? 'case', '.mtpkg'),
  );
  const [signKeyPem, setSignKeyPem] = useState('');
  const [signKeyPassphrase, setSignKeyPassphrase] = useState('');
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [jobId] = useState(() => `package-${Date.now().toString(36)}`);
  const [result, setResult] = useState<PackageExport | null>(null);
  useEffect(() => api().on('job:progress', (p) => p.jobId === jobId && setProgress(p)), [jobId]);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(
        await call('package:export', {
          out: out.trim(),
          tz: zone,
          jobId,
          ...(force ? { force: true } : {}),
          ...(signKeyPem.trim() ? { signKeyPem: signKeyPem.trim() } : {}),
          ...(signKeyPem.trim() && signKeyPassphrase ? { signKeyPassphrase } : {}),
        }),
      );
      bumpData();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
      setSignKeyPem('');
      setSignKeyPassphrase('');
    }
  };
  return (
    <Modal
      title="Export evidence package"
      onClose={onClose}
      busy={busy}
      wide
      testId="package-dialog"
      footer={
        <ExportFooter
          done={!!result}
          busy={busy}
          disabled={busy || !out.trim()}
          label="Seal package"
          busyLabel="Sealing…"
          onGo={() => void go()}
          onClose={onClose}
        />
      }
    >
      <div className="form-grid">
        <PathField
          label="Package file"
          mode="save"
          purpose="package"
          value={out}
          onChange={setOut}
          defaultName={`${safeFileName(caseInfo?.name ?? 'case')}.mtpkg`}
        />
        <label className="field full">
          <span>Ed25519 signing key, PEM (optional; used in memory only, never stored or journaled)</span>
          <textarea
            rows={3}
            className="mono"
            value={signKeyPem}
            onChange={(e) => setSignKeyPem(e.target.value)}
            placeholder="-----BEGIN PRIVATE KEY-----"
          />
        </label>
        {signKeyPem.includes('ENCRYPTED') && (
          <label className="field">
            <span>Key passphrase</span>
            <input type="password" autoComplete="off" value={signKeyPassphrase} onChange={(e) => setSignKeyPassphrase(e.target.value)} />
          </label>
        )}
        <label className="row full">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Replace the file if it exists
        </label>
      </div>
      <div className="muted" style={{ fontSize: 12 }}>
        The package holds a copy of the encrypted case, the journal as JSON Lines, the PDF report and a manifest of SHA-256 hashes
        (optionally signed). Its creation is sealed into the journal.
      </div>
      {busy && <ProgressBar progress={progress} />}
      {error && (
        <div className="banner bad" role="alert">
          {error}
        </div>
      )}
      {result && (
        <Written path={result.path} sha256={result.sha256} size={result.bytes}>
          <div>
            manifest <Hash value={result.manifestSha256} /> · journal {n(result.journal.entries)} entries, head{' '}
            <Hash value={result.journal.head} />
            {result.signature ? ` · signed by ${result.signature.keyFingerprint}` : ' · unsigned'}
          </div>
        </Written>
      )}
    </Modal>
  );
}

export function ExportEventsDialog({ onClose }: { onClose: () => void }) {
  const { caseInfo, host, filter, bumpData } = useApp();
  const [format, setFormat] = useState<ExportFormat>('csv');
  const ext = { csv: '.csv', jsonl: '.jsonl', timesketch: '-timesketch.jsonl', stix: '-stix.json' }[format];
  const [out, setOut] = useState<string | null>(null);
  const path = out ?? defaultPath(dirOf(caseInfo?.file ?? host.casesDir), host.platform, caseInfo?.name ?? 'case', `-events${ext}`);
  const [useQuery, setUseQuery] = useState(filter.query !== '');
  const [onlyTagged, setOnlyTagged] = useState(false);
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<EventsExport | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(
        await call('export:events', {
          out: path.trim(),
          format,
          ...(useQuery && filter.query ? { query: filter.query } : {}),
          onlyTagged,
          force,
        }),
      );
      bumpData();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title="Export events"
      onClose={onClose}
      busy={busy}
      footer={
        <ExportFooter
          done={!!result}
          busy={busy}
          disabled={busy}
          label="Export"
          busyLabel="Writing…"
          onGo={() => void go()}
          onClose={onClose}
        />
      }
    >
      <div className="form-grid">
        <label className="field">
          <span>Format</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
            {EXPORT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {{ csv: 'CSV', jsonl: 'JSON Lines', timesketch: 'Timesketch JSONL', stix: 'STIX 2.1 indicators (tagged events)' }[f]}
              </option>
            ))}
          </select>
        </label>
        <PathField
          label="File"
          mode="save"
          purpose="export"
          value={path}
          onChange={setOut}
          defaultName={`${safeFileName(caseInfo?.name ?? 'case')}-events${ext}`}
        />
        <label className="row full">
          <input type="checkbox" checked={useQuery} disabled={!filter.query} onChange={(e) => setUseQuery(e.target.checked)} /> Only events
          matching the current query
          {filter.query && <code className="muted">{filter.query}</code>}
        </label>
        <label className="row full">
          <input type="checkbox" checked={onlyTagged} onChange={(e) => setOnlyTagged(e.target.checked)} /> Tagged events only
        </label>
        <label className="row full">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Replace the file if it exists
        </label>
      </div>
      {error && (
        <div className="banner bad" role="alert">
          {error}
        </div>
      )}
      {result && (
        <Written path={result.path} sha256={result.sha256} size={result.bytes}>
          <div>
            {n(result.events)} events{result.indicators !== null ? `, ${n(result.indicators)} indicators` : ''}
          </div>
        </Written>
      )}
    </Modal>
  );
}
