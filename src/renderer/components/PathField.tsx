import { useId } from 'react';
import type { ApiInput } from '../../shared/ipc/contract';
import { call, errorMessage } from '../api';
import { useApp } from '../state';

type OpenPurpose = ApiInput<'dialog:open'>['purpose'];
type SavePurpose = ApiInput<'dialog:save'>['purpose'];

/**
 * A file path: typed, or chosen with the native dialog when the host has one (Electron). In the
 * browser (`mailtrail ui`) there is no file picker that yields a path, so the field is typed.
 */
export function PathField(
  props: { label: string; value: string; onChange: (value: string) => void; placeholder?: string; name?: string } & (
    | { mode: 'open'; purpose: OpenPurpose; multiple?: boolean; onPickMany?: (paths: string[]) => void }
    | { mode: 'save'; purpose: SavePurpose; defaultName?: string }
  ),
) {
  const { host, notify } = useApp();
  const id = useId();
  const browse = async () => {
    try {
      if (props.mode === 'open') {
        const { paths } = await call('dialog:open', { purpose: props.purpose, multiple: props.multiple ?? false });
        if (paths.length > 1 && props.onPickMany) props.onPickMany(paths);
        else if (paths[0]) props.onChange(paths[0]);
      } else {
        const { path } = await call('dialog:save', {
          purpose: props.purpose,
          ...(props.defaultName ? { defaultName: props.defaultName } : {}),
        });
        if (path) props.onChange(path);
      }
    } catch (err) {
      notify('error', errorMessage(err));
    }
  };
  return (
    <label className="field full" htmlFor={id}>
      <span>{props.label}</span>
      <div className="row">
        <input
          id={id}
          name={props.name}
          className="grow mono"
          type="text"
          spellCheck={false}
          value={props.value}
          placeholder={props.placeholder}
          onChange={(e) => props.onChange(e.target.value)}
        />
        {host.nativeDialogs && (
          <button type="button" className="btn" onClick={() => void browse()}>
            Browse…
          </button>
        )}
      </div>
    </label>
  );
}

/** Joins a folder and a file name with the host's separator. */
export function joinPath(dir: string, name: string, platform: string): string {
  const sep = platform === 'win32' ? '\\' : '/';
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}

/** A file name made from free text (case names often contain slashes and colons). */
export function safeFileName(text: string): string {
  return (
    text
      .trim()
      .replace(/[\\/:*?"<>|\s]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'case'
  );
}
