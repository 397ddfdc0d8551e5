// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MailtrailApi } from '../../shared/ipc/contract';
import type { CaseInfo } from '../../shared/model/case';
import { AppContext, type AppState } from '../state';
import { StartScreen } from './StartScreen';

afterEach(cleanup);

const info = { id: 'c1', name: 'Fabrikam', file: '/cases/fabrikam.mtcase' } as CaseInfo;

function setup(reply: (channel: string, input: unknown) => unknown) {
  const invoke = vi.fn(async (channel: string, input: unknown) => {
    const r = reply(channel, input);
    if (r instanceof Error) throw r;
    return r;
  });
  (window as unknown as { api: MailtrailApi }).api = { invoke, on: () => () => {} } as unknown as MailtrailApi;
  const state = {
    host: { host: 'loopback', nativeDialogs: false, casesDir: '/cases', platform: 'linux', version: 't' },
    prefs: { examiner: null, timeZone: null, theme: 'light' },
    setPrefs: vi.fn(async () => {}),
    setCase: vi.fn(),
    navigate: vi.fn(),
    notify: vi.fn(),
    zone: 'UTC',
  } as unknown as AppState;
  render(
    <AppContext.Provider value={state}>
      <StartScreen mode="create" onMode={() => {}} />
    </AppContext.Provider>,
  );
  return { invoke, state };
}

const field = (name: string) => document.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
const type = (name: string, value: string) => fireEvent.change(field(name), { target: { value } });

describe('Start screen: new case', () => {
  it('asks for the passphrase twice and creates the case with what was typed', async () => {
    const { invoke, state } = setup((channel) => (channel === 'app:recent' ? { cases: [] } : channel === 'case:create' ? info : null));
    type('name', 'Fabrikam: CFO / invoices');
    type('number', 'IR-7');
    type('examiner', 'Dana');
    type('passphrase', 'long enough passphrase');
    type('passphrase2', 'long enough passphrase!');
    const create = screen.getByRole('button', { name: 'Create case' }) as HTMLButtonElement;
    expect(screen.getByText('The passphrases do not match.')).toBeTruthy();
    expect(create.disabled).toBe(true);
    type('passphrase2', 'long enough passphrase');
    // The suggested file name is made safe from the number and the name.
    expect(field('file').value).toBe('/cases/IR-7-Fabrikam-CFO-invoices.mtcase');
    expect(create.disabled).toBe(false);
    fireEvent.click(create);
    await waitFor(() => expect(state.setCase).toHaveBeenCalledWith(info));
    expect(invoke).toHaveBeenCalledWith('case:create', {
      file: '/cases/IR-7-Fabrikam-CFO-invoices.mtcase',
      name: 'Fabrikam: CFO / invoices',
      examiner: 'Dana',
      passphrase: 'long enough passphrase',
      timeZone: expect.any(String),
      number: 'IR-7',
    });
    expect(state.navigate).toHaveBeenCalledWith('overview');
    // The passphrase fields are cleared.
    expect(field('passphrase').value).toBe('');
  });

  it('refuses short passphrases and offers to replace an existing file', async () => {
    setup((channel) =>
      channel === 'app:recent' ? { cases: [] } : Object.assign(new Error('/cases/x.mtcase already exists'), { code: 'EXISTS' }),
    );
    type('name', 'X');
    type('examiner', 'Dana');
    type('passphrase', 'short');
    expect(screen.getByText(/at least 8 characters\./)).toBeTruthy();
    type('passphrase', 'long enough passphrase');
    type('passphrase2', 'long enough passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Create case' }));
    await screen.findByText('/cases/x.mtcase already exists');
    expect(screen.getByText('Replace the existing file')).toBeTruthy();
  });
});
