/** Settings: examiner, display time zone (with a live sample and its offset), theme. */
import { useState } from 'react';
import type { Theme } from '../../shared/model/app';
import { call } from '../api';
import { Time } from '../components/bits';
import { useAsync } from '../lib/use-async';
import { allTimeZones, localTimeZone } from '../lib/time';
import { useApp } from '../state';

export function SettingsScreen() {
  const { prefs, setPrefs, caseInfo, zone, host } = useApp();
  const [examiner, setExaminer] = useState(prefs.examiner ?? '');
  const [nowUs] = useState(() => Date.now() * 1000);
  const zones = allTimeZones();
  const sources = useAsync(() => call('enrich:sources', {}), []);
  return (
    <div className="screen" data-testid="settings-screen">
      <div className="screen-head">
        <h1>Settings</h1>
      </div>
      <section className="panel stack" style={{ maxWidth: 720 }}>
        <h2>Examiner</h2>
        <div className="row">
          <input
            type="text"
            name="examiner"
            className="grow"
            value={examiner}
            onChange={(e) => setExaminer(e.target.value)}
            placeholder="Your name as it appears in the journal"
          />
          <button
            type="button"
            className="btn"
            disabled={(prefs.examiner ?? '') === examiner.trim()}
            onClick={() => void setPrefs({ examiner: examiner.trim() || null })}
          >
            Save
          </button>
        </div>
        <div className="muted" style={{ fontSize: 12 }}>
          Used as the default examiner for new cases and when opening a case. The journal records who acted in each session.
        </div>
      </section>
      <section className="panel stack" style={{ maxWidth: 720 }}>
        <h2>Display time zone</h2>
        <div className="row">
          <select
            name="timeZone"
            data-testid="zone-select"
            value={prefs.timeZone ?? ''}
            onChange={(e) => void setPrefs({ timeZone: e.target.value || null })}
          >
            <option value="">Case zone{caseInfo ? ` (${caseInfo.timeZone})` : ''}</option>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
          <button type="button" className="btn small" onClick={() => void setPrefs({ timeZone: 'UTC' })}>
            UTC
          </button>
          <button type="button" className="btn small" onClick={() => void setPrefs({ timeZone: localTimeZone() })}>
            This computer ({localTimeZone()})
          </button>
        </div>
        <div>
          Now in <strong>{zone}</strong>: <Time us={nowUs} precision={0} />
        </div>
        <div className="muted" style={{ fontSize: 12 }}>
          Times are stored in UTC with microseconds; every time on screen and in the report carries its UTC offset, so a reader never has to
          guess the zone.
        </div>
      </section>
      <section className="panel stack" style={{ maxWidth: 720 }}>
        <h2>Theme</h2>
        <div className="row" role="radiogroup" aria-label="Theme">
          {(['light', 'dark', 'system'] as Theme[]).map((t) => (
            <label key={t} className="row" style={{ gap: 4 }}>
              <input type="radio" name="theme" value={t} checked={prefs.theme === t} onChange={() => void setPrefs({ theme: t })} />
              {t[0]!.toUpperCase() + t.slice(1)}
            </label>
          ))}
        </div>
      </section>
      <section className="panel stack" style={{ maxWidth: 720 }}>
        <h2>About</h2>
        <div className="muted">
          Mailtrail {host.version} · {host.host === 'electron' ? 'desktop app' : 'loopback host (mailtrail ui)'} · {host.platform}
        </div>
        {sources.data && sources.data.sources.length > 0 && (
          <table className="data" data-testid="enrichment-sources">
            <thead>
              <tr>
                <th>Enrichment database</th>
                <th>Version</th>
                <th>Provides</th>
                <th>Licence</th>
              </tr>
            </thead>
            <tbody>
              {sources.data.sources.map((e) => (
                <tr key={e.name}>
                  <td>{e.name}</td>
                  <td className="mono">
                    {e.version}
                    {e.buildDate ? ` (${e.buildDate})` : ''}
                  </td>
                  <td>{e.provides.join(', ')}</td>
                  <td>{e.license}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
