/** Start: recent cases, create a case, open a case. Passphrases stay in this component's state only. */
import { useState, type FormEvent } from 'react';
import type { RecentCase } from '../../shared/model/app';
import { call, errorCode, errorMessage } from '../api';
import { joinPath, PathField, safeFileName } from '../components/PathField';
import { Time } from '../components/bits';
import { useAsync } from '../lib/use-async';
import { allTimeZones, localTimeZone } from '../lib/time';
import { useApp } from '../state';

const MIN_PASSPHRASE = 8;

export function StartScreen({ mode, onMode }: { mode: 'open' | 'create'; onMode: (m: 'open' | 'create') => void }) {
  const { host } = useApp();
  const recent = useAsync(() => call('app:recent', {}), []);
  const [openFile, setOpenFile] = useState('');
  const pick = (c: RecentCase) => {
    setOpenFile(c.file);
    onMode('open');
  };
  const forget = async (c: RecentCase) => {
    await call('app:forget', { file: c.file });
    recent.reload();
  };
  return (
    <div className="start" data-testid="start-screen">
      <div className="hero">
        <h1>Mailtrail</h1>
        <div className="muted">
          Offline workbench for Business Email Compromise investigations in Microsoft 365 ·{' '}
          {host.host === 'electron' ? 'desktop' : 'browser (loopback host)'} · v{host.version}
        </div>
      </div>
      <section className="panel stack" aria-label="Recent cases">
        <h2>Recent cases</h2>
        {recent.data?.cases.length === 0 && <div className="muted">No cases opened on this machine yet.</div>}
        {recent.error && <div className="field-error">{recent.error}</div>}
        <div className="stack" style={{ gap: 2 }} data-testid="recent-cases">
          {recent.data?.cases.map((c) => (
            <div key={c.file} className="row">
              <button type="button" className={`recent-item${openFile === c.file ? ' selected' : ''}`} onClick={() => pick(c)}>
                <div className="grow">
                  <div>
                    <strong>{c.name}</strong> {c.number && <span className="badge">{c.number}</span>}
                  </div>
                  <div className="path" title={c.file}>
                    {c.file}
                  </div>
                  <div className="muted" style={{ fontSize: 11 }}>
                    last opened <Time us={c.lastOpenedUs} precision={0} />
                  </div>
                </div>
              </button>
              <button
                type="button"
                className="btn ghost small"
                title="Remove from this list (the file is kept)"
                onClick={() => void forget(c)}
              >
                ×
              </button>
            </div>
          ))}
        </div>
      </section>
      <section className="panel stack">
        <div className="row" role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'open'}
            className={`btn${mode === 'open' ? ' active' : ''}`}
            onClick={() => onMode('open')}
          >
            Open case
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'create'}
            className={`btn${mode === 'create' ? ' active' : ''}`}
            onClick={() => onMode('create')}
          >
            New case
          </button>
        </div>
        {mode === 'open' ? <OpenForm file={openFile} onFile={setOpenFile} /> : <CreateForm />}
      </section>
      <div className="hero muted" style={{ fontSize: 12 }}>
        Case files are encrypted (SQLCipher 4). Passphrases are never stored or logged; every action is recorded in the case&apos;s
        hash-chained custody journal.
        {host.host === 'loopback' && host.platform && " Served on 127.0.0.1 only; the URL carries this session's random access token."}
      </div>
    </div>
  );
}

function OpenForm({ file, onFile }: { file: string; onFile: (f: string) => void }) {
  const { prefs, setCase, navigate } = useApp();
  const [passphrase, setPassphrase] = useState('');
  const [examiner, setExaminer] = useState(prefs.examiner ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const info = await call('case:open', { file: file.trim(), passphrase, ...(examiner.trim() ? { examiner: examiner.trim() } : {}) });
      setPassphrase('');
      setCase(info);
      navigate('overview');
    } catch (err) {
      setError(
        errorCode(err) === 'WRONG_PASSPHRASE'
          ? 'Wrong passphrase, or the file is not a Mailtrail case (it was not changed).'
          : errorMessage(err),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form-grid" onSubmit={(e) => void submit(e)} data-testid="open-form">
      <PathField
        label="Case file"
        mode="open"
        purpose="case"
        value={file}
        onChange={onFile}
        placeholder="/path/to/case.mtcase"
        name="file"
      />
      <label className="field">
        <span>Passphrase</span>
        <input type="password" name="passphrase" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      </label>
      <label className="field">
        <span>Examiner (this session)</span>
        <input type="text" name="examiner" value={examiner} placeholder="case examiner" onChange={(e) => setExaminer(e.target.value)} />
      </label>
      {error && (
        <div className="field-error full" role="alert">
          {error}
        </div>
      )}
      <div className="full row">
        <button type="submit" className="btn primary" disabled={busy || !file.trim() || !passphrase}>
          {busy ? 'Opening…' : 'Open case'}
        </button>
      </div>
    </form>
  );
}

function CreateForm() {
  const { host, prefs, setCase, navigate, setPrefs } = useApp();
  const [name, setName] = useState('');
  const [number, setNumber] = useState('');
  const [examiner, setExaminer] = useState(prefs.examiner ?? '');
  const [timeZone, setTimeZone] = useState(prefs.timeZone ?? localTimeZone());
  const [file, setFile] = useState<string | null>(null);
  const [pass1, setPass1] = useState('');
  const [pass2, setPass2] = useState('');
  const [force, setForce] = useState(false);
  const [exists, setExists] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const suggested = joinPath(host.casesDir, `${safeFileName(number ? `${number}-${name}` : name)}.mtcase`, host.platform);
  const path = file ?? suggested;
  const tooShort = pass1.length > 0 && pass1.length < MIN_PASSPHRASE;
  const mismatch = pass2.length > 0 && pass1 !== pass2;
  const ready = name.trim() && examiner.trim() && path.trim() && pass1.length >= MIN_PASSPHRASE && pass1 === pass2;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      const info = await call('case:create', {
        file: path.trim(),
        name: name.trim(),
        examiner: examiner.trim(),
        passphrase: pass1,
        timeZone,
        ...(number.trim() ? { number: number.trim() } : {}),
        ...(force ? { force: true } : {}),
      });
      setPass1('');
      setPass2('');
      if (!prefs.examiner) await setPrefs({ examiner: examiner.trim() });
      setCase(info);
      navigate('overview');
    } catch (err) {
      setExists(errorCode(err) === 'EXISTS');
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form-grid" onSubmit={(e) => void submit(e)} data-testid="create-form">
      <label className="field">
        <span>Case name *</span>
        <input
          type="text"
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Contoso CFO mailbox compromise"
        />
      </label>
      <label className="field">
        <span>Case / matter number</span>
        <input type="text" name="number" value={number} onChange={(e) => setNumber(e.target.value)} placeholder="IR-2026-014" />
      </label>
      <label className="field">
        <span>Examiner *</span>
        <input type="text" name="examiner" value={examiner} onChange={(e) => setExaminer(e.target.value)} />
      </label>
      <label className="field">
        <span>Time zone (display)</span>
        <select name="timeZone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
          {allTimeZones().map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>
      <PathField
        label="Case file"
        mode="save"
        purpose="case"
        value={path}
        onChange={setFile}
        defaultName={`${safeFileName(name)}.mtcase`}
        name="file"
      />
      <label className="field">
        <span>Passphrase * (at least {MIN_PASSPHRASE} characters)</span>
        <input
          type="password"
          name="passphrase"
          autoComplete="new-password"
          className={tooShort ? 'invalid' : ''}
          value={pass1}
          onChange={(e) => setPass1(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Repeat passphrase *</span>
        <input
          type="password"
          name="passphrase2"
          autoComplete="new-password"
          className={mismatch ? 'invalid' : ''}
          value={pass2}
          onChange={(e) => setPass2(e.target.value)}
        />
      </label>
      {(tooShort || mismatch) && (
        <div className="field-error full">
          {tooShort ? `The passphrase needs at least ${MIN_PASSPHRASE} characters.` : 'The passphrases do not match.'}
        </div>
      )}
      <div className="full muted" style={{ fontSize: 12 }}>
        The passphrase cannot be recovered. Without it the case file cannot be opened by anyone, including you.
      </div>
      {error && (
        <div className="field-error full" role="alert">
          {error}
        </div>
      )}
      {exists && (
        <label className="full row">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Replace the existing file
        </label>
      )}
      <div className="full row">
        <button type="submit" className="btn primary" disabled={busy || !ready}>
          {busy ? 'Creating…' : 'Create case'}
        </button>
      </div>
    </form>
  );
}
