/** What every screen can reach: the open case, preferences, the display zone, navigation and notices. */
import { createContext, useContext } from 'react';
import type { TimelineGroup } from '../shared/model/analysis';
import type { HostInfo, Prefs } from '../shared/model/app';
import type { CaseInfo } from '../shared/model/case';

/** Screens of an open case. */
export const SCREENS = ['overview', 'timeline', 'events', 'findings', 'custody', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];

/** Dialogs the shell can open. */
export type DialogName = 'import' | 'collect' | 'report' | 'package' | 'export-events' | 'manual' | null;

/** Filter shared by the timeline and the events grid (the brush sets the range). */
export interface EventFilter {
  query: string;
  fromUs: number | null;
  toUs: number | null;
}

/** One notice in the corner. */
export interface Notice {
  id: number;
  kind: 'info' | 'ok' | 'error';
  text: string;
}

export interface AppState {
  host: HostInfo;
  prefs: Prefs;
  setPrefs: (patch: Partial<Prefs>) => Promise<void>;
  /** The open case, or null on the Start screen. */
  caseInfo: CaseInfo | null;
  /** Re-reads the open case (after imports, annotations, verification). */
  refreshCase: () => Promise<void>;
  setCase: (info: CaseInfo | null) => void;
  /** The zone every time is shown in (preference, else the case's, else UTC). */
  zone: string;
  screen: Screen;
  navigate: (screen: Screen) => void;
  openDialog: (dialog: DialogName) => void;
  /** Event shown in the detail pane. */
  selectedEventId: number | null;
  selectEvent: (id: number | null) => void;
  filter: EventFilter;
  setFilter: (patch: Partial<EventFilter>) => void;
  /** Bumped whenever case data changes, so screens reload. */
  dataVersion: number;
  bumpData: () => void;
  notify: (kind: Notice['kind'], text: string) => void;
  /** Finding to scroll to and expand on the Findings screen. */
  focusFindingId: number | null;
  openFinding: (id: number) => void;
  /** Timeline grouping and grid columns (kept across screens, set by saved views). */
  groupBy: TimelineGroup | null;
  setGroupBy: (g: TimelineGroup | null) => void;
  columns: string[];
  setColumns: (ids: string[]) => void;
}

export const AppContext = createContext<AppState | null>(null);

/** The app state (inside the shell). */
export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error('useApp outside AppContext');
  return state;
}
