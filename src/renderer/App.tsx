/** The shell: loads host info and preferences, holds the open case, routes screens, menus and shortcuts. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TimelineGroup } from '../shared/model/analysis';
import type { HostInfo, MenuCommand, Prefs } from '../shared/model/app';
import type { CaseInfo } from '../shared/model/case';
import { api, call, errorMessage } from './api';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Toasts } from './components/Toasts';
import { DialogHost, dialogAvailable } from './dialogs/registry';
import { DEFAULT_COLUMNS } from './grid/columns';
import { useShortcuts } from './lib/shortcuts';
import { CustodyScreen } from './screens/CustodyScreen';
import { OverviewScreen } from './screens/OverviewScreen';
import { screenAvailable, ScreenView } from './screens/registry';
import { SettingsScreen } from './screens/SettingsScreen';
import { StartScreen } from './screens/StartScreen';
import { AppContext, SCREENS, type AppState, type DialogName, type EventFilter, type Notice, type Screen } from './state';

const LABELS: Record<Screen, string> = {
  overview: 'Overview',
  timeline: 'Timeline',
  events: 'Events',
  findings: 'Findings',
  custody: 'Custody',
  settings: 'Settings',
};

function applyTheme(theme: Prefs['theme']): void {
  const dark = theme === 'dark' || (theme === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset['theme'] = dark ? 'dark' : 'light';
}

export function App() {
  const [boot, setBoot] = useState<{ host: HostInfo; prefs: Prefs; caseInfo: CaseInfo | null } | { error: string } | null>(null);
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const [host, prefs] = await Promise.all([call('app:info', {}), call('app:prefs', {})]);
        // `mailtrail ui CASE` starts with the case already open.
        const caseInfo = await call('case:info', {}).catch(() => null);
        if (live) setBoot({ host, prefs, caseInfo });
      } catch (err) {
        if (live) setBoot({ error: errorMessage(err) });
      }
    })();
    return () => {
      live = false;
    };
  }, []);
  if (!boot)
    return (
      <div className="muted" style={{ padding: 24 }}>
        Loading…
      </div>
    );
  if ('error' in boot) {
    return (
      <div className="banner bad" style={{ margin: 24 }} role="alert">
        Mailtrail cannot reach its host: {boot.error}
      </div>
    );
  }
  return <Workbench host={boot.host} initialPrefs={boot.prefs} initialCase={boot.caseInfo} />;
}

function Workbench({ host, initialPrefs, initialCase }: { host: HostInfo; initialPrefs: Prefs; initialCase: CaseInfo | null }) {
  const [prefs, setPrefsState] = useState(initialPrefs);
  const [caseInfo, setCaseInfo] = useState<CaseInfo | null>(initialCase);
  const [screen, setScreen] = useState<Screen>('overview');
  const [dialog, setDialog] = useState<DialogName>(null);
  const [startMode, setStartMode] = useState<'open' | 'create'>('open');
  const [selectedEventId, setSelectedEventId] = useState<number | null>(null);
  const [filter, setFilterState] = useState<EventFilter>({ query: '', fromUs: null, toUs: null });
  const [dataVersion, setDataVersion] = useState(0);
  const [notices, setNotices] = useState<Notice[]>([]);
  const [verifyNow, setVerifyNow] = useState(0);
  const [focusFindingId, setFocusFindingId] = useState<number | null>(null);
  const [groupBy, setGroupBy] = useState<TimelineGroup | null>('category');
  const [columns, setColumns] = useState<string[]>(DEFAULT_COLUMNS);
  const noticeId = useRef(0);

  useEffect(() => applyTheme(prefs.theme), [prefs.theme]);
  useEffect(() => {
    if (prefs.theme !== 'system') return;
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const on = () => applyTheme('system');
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [prefs.theme]);
  useEffect(() => {
    document.title = caseInfo ? `${caseInfo.name}${caseInfo.number ? ` (${caseInfo.number})` : ''} — Mailtrail` : 'Mailtrail';
  }, [caseInfo]);

  const notify = useCallback((kind: Notice['kind'], text: string) => {
    const id = ++noticeId.current;
    setNotices((list) => [...list.slice(-2), { id, kind, text }]);
    window.setTimeout(
      () => setNotices((list) => list.filter((x) => x.id !== id)),
      kind === 'error' ? 12_000 : kind === 'ok' ? 3_500 : 6_000,
    );
  }, []);
  const setPrefs = useCallback(
    async (patch: Partial<Prefs>) => {
      // Optimistic: the control reflects the choice at once; the host's answer is the truth.
      setPrefsState((p) => ({ ...p, ...patch }));
      try {
        setPrefsState(await call('app:setPrefs', patch));
      } catch (err) {
        notify('error', errorMessage(err));
        setPrefsState(await call('app:prefs', {}).catch(() => initialPrefs));
      }
    },
    [notify, initialPrefs],
  );
  const refreshCase = useCallback(async () => {
    try {
      setCaseInfo(await call('case:info', {}));
    } catch {
      setCaseInfo(null);
    }
  }, []);
  const setCase = useCallback((info: CaseInfo | null) => {
    setCaseInfo(info);
    setSelectedEventId(null);
    setFilterState({ query: '', fromUs: null, toUs: null });
    setDataVersion((v) => v + 1);
  }, []);
  const bumpData = useCallback(() => {
    setDataVersion((v) => v + 1);
    void refreshCase();
  }, [refreshCase]);
  const setFilter = useCallback((patch: Partial<EventFilter>) => setFilterState((f) => ({ ...f, ...patch })), []);
  const navigate = useCallback((s: Screen) => setScreen(s), []);
  const openFinding = useCallback((id: number) => {
    setFocusFindingId(id);
    setScreen('findings');
  }, []);
  const closeCase = useCallback(async () => {
    await call('case:close', {}).catch(() => undefined);
    setCase(null);
  }, [setCase]);

  const zone = prefs.timeZone ?? caseInfo?.timeZone ?? 'UTC';
  const state: AppState = useMemo(
    () => ({
      host,
      prefs,
      setPrefs,
      caseInfo,
      refreshCase,
      setCase,
      zone,
      screen,
      navigate,
      openDialog: setDialog,
      selectedEventId,
      selectEvent: setSelectedEventId,
      filter,
      setFilter,
      dataVersion,
      bumpData,
      notify,
      focusFindingId,
      openFinding,
      groupBy,
      setGroupBy,
      columns,
      setColumns,
    }),
    [
      host,
      prefs,
      setPrefs,
      caseInfo,
      refreshCase,
      setCase,
      zone,
      screen,
      navigate,
      selectedEventId,
      filter,
      setFilter,
      dataVersion,
      bumpData,
      notify,
      focusFindingId,
      openFinding,
      groupBy,
      columns,
    ],
  );

  const runCommand = useCallback(
    (cmd: MenuCommand) => {
      switch (cmd.command) {
        case 'case.new':
        case 'case.open':
          void closeCase().then(() => setStartMode(cmd.command === 'case.new' ? 'create' : 'open'));
          return;
        case 'case.close':
          void closeCase();
          return;
        case 'view.theme':
          if (cmd.value === 'light' || cmd.value === 'dark' || cmd.value === 'system') void setPrefs({ theme: cmd.value });
          return;
        case 'view.timeZone':
          if (caseInfo) setScreen('settings');
          return;
        case 'view.screen':
          if (caseInfo && SCREENS.includes(cmd.value as Screen)) setScreen(cmd.value as Screen);
          return;
        case 'custody.verify':
          if (!caseInfo) return;
          setScreen('custody');
          setVerifyNow((v) => v + 1);
          return;
        default: {
          const name = ({ import: 'import', collect: 'collect', 'report.export': 'report', 'package.export': 'package' } as const)[
            cmd.command
          ];
          if (!caseInfo) notify('info', 'Open or create a case first.');
          else if (!dialogAvailable(name)) notify('info', `${name} is not available in this build.`);
          else setDialog(name);
        }
      }
    },
    [caseInfo, closeCase, notify, setPrefs],
  );

  useEffect(() => api().on('app:menu', runCommand), [runCommand]);
  useShortcuts(host, caseInfo !== null && dialog === null, runCommand);

  if (!caseInfo) {
    return (
      <AppContext.Provider value={state}>
        <StartScreen mode={startMode} onMode={setStartMode} />
        <Toasts notices={notices} />
      </AppContext.Provider>
    );
  }

  const nav = SCREENS.filter((s) => s === 'overview' || s === 'custody' || s === 'settings' || screenAvailable(s));
  return (
    <AppContext.Provider value={state}>
      <div className="shell">
        <header className="topbar">
          <div className="brand">
            Mailtrail <small>{host.version}</small>
          </div>
          <div className="grow row" style={{ minWidth: 0 }}>
            <strong className="nowrap" data-testid="case-name" style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
              {caseInfo.name}
            </strong>
            {caseInfo.number && <span className="badge">{caseInfo.number}</span>}
            <span className="muted nowrap">examiner {caseInfo.examiner}</span>
          </div>
          <button
            type="button"
            className="btn small"
            title="Display time zone (Settings)"
            onClick={() => setScreen('settings')}
            data-testid="zone-badge"
          >
            Zone: {zone}
          </button>
          {dialogAvailable('import') && (
            <button type="button" className="btn" onClick={() => setDialog('import')} data-testid="open-import">
              Import…
            </button>
          )}
          {dialogAvailable('collect') && (
            <button type="button" className="btn" onClick={() => setDialog('collect')}>
              Collect…
            </button>
          )}
          {dialogAvailable('report') && (
            <button type="button" className="btn" onClick={() => setDialog('report')} data-testid="open-report">
              Report…
            </button>
          )}
          <button type="button" className="btn ghost" onClick={() => void closeCase()} title="Close case" data-testid="close-case">
            Close
          </button>
        </header>
        <nav className="sidebar" aria-label="Screens">
          {nav.map((s, i) => (
            <button
              key={s}
              type="button"
              className={`nav-item${screen === s ? ' active' : ''}`}
              onClick={() => setScreen(s)}
              data-testid={`nav-${s}`}
            >
              {LABELS[s]}
              {s !== 'settings' && i < 9 && (
                <span className="kbd">
                  {host.platform === 'darwin' ? '⌘' : 'Ctrl+'}
                  {SCREENS.indexOf(s) + 1}
                </span>
              )}
            </button>
          ))}
          <div className="section">Export</div>
          {dialogAvailable('report') && (
            <button type="button" className="nav-item" onClick={() => setDialog('report')}>
              Report (PDF)…
            </button>
          )}
          {dialogAvailable('package') && (
            <button type="button" className="nav-item" onClick={() => setDialog('package')}>
              Evidence package…
            </button>
          )}
          {dialogAvailable('export-events') && (
            <button type="button" className="nav-item" onClick={() => setDialog('export-events')}>
              Events (CSV, JSONL…)…
            </button>
          )}
        </nav>
        <main className="content">
          <ErrorBoundary resetKey={screen}>
            {screen === 'overview' && <OverviewScreen />}
            {screen === 'custody' && <CustodyScreen verifyNow={verifyNow} />}
            {screen === 'settings' && <SettingsScreen />}
            {screen !== 'overview' && screen !== 'custody' && screen !== 'settings' && <ScreenView screen={screen} />}
          </ErrorBoundary>
        </main>
      </div>
      <DialogHost dialog={dialog} onClose={() => setDialog(null)} />
      <Toasts notices={notices} />
    </AppContext.Provider>
  );
}
