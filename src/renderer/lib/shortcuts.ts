/**
 * Keyboard shortcuts of the shell. In Electron the native menu owns the accelerators (Ctrl+1…5,
 * Ctrl+I, …); in a browser (`mailtrail ui`) the same keys are handled here.
 */
import { useEffect, useRef } from 'react';
import type { HostInfo, MenuCommand } from '../../shared/model/app';
import { SCREENS } from '../state';

/** The menu command a key press means, or null. */
export function commandForKey(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
  platform: string,
): MenuCommand | null {
  const mod = platform === 'darwin' ? e.metaKey : e.ctrlKey;
  if (!mod || e.altKey) return null;
  const key = e.key.toLowerCase();
  if (!e.shiftKey && /^[1-5]$/.test(key)) return { command: 'view.screen', value: SCREENS[Number(key) - 1]! };
  if (!e.shiftKey && key === 'i') return { command: 'import' };
  if (!e.shiftKey && key === 'e') return { command: 'report.export' };
  if (e.shiftKey && key === 'e') return { command: 'package.export' };
  if (e.shiftKey && key === 'c') return { command: 'collect' };
  if (e.shiftKey && key === 'v') return { command: 'custody.verify' };
  if (!e.shiftKey && key === ',') return { command: 'view.screen', value: 'settings' };
  return null;
}

/** Installs the browser-side shortcuts while `active`. */
export function useShortcuts(host: HostInfo, active: boolean, run: (cmd: MenuCommand) => void): void {
  const runRef = useRef(run);
  useEffect(() => {
    runRef.current = run;
  });
  useEffect(() => {
    if (host.host === 'electron' || !active) return;
    const onKey = (e: KeyboardEvent) => {
      const cmd = commandForKey(e, host.platform);
      if (!cmd) return;
      e.preventDefault();
      runRef.current(cmd);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [host, active]);
}
