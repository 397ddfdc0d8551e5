import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/case';
import { CHANNELS } from '../shared/ipc/contract';
import { createCore } from './index';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('createCore', () => {
  it('has a handler for every contract channel', () => {
    const core = createCore();
    expect(Object.keys(core.handlers).sort()).toEqual([...CHANNELS].sort());
  });

  it('creates, describes, lists the journal of, verifies and closes a case', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const core = createCore();
    const file = `${dir}/x.mtcase`;
    const created = await core.handlers['case:create']({ file, name: 'X', examiner: 'E', passphrase: 'p' });
    expect(created.name).toBe('X');
    expect((await core.handlers['case:info']({})).id).toBe(created.id);
    const verify = await core.handlers['custody:verify']({});
    expect(verify).toMatchObject({ ok: true, entries: 1 });
    const list = await core.handlers['custody:list']({});
    expect(list.entries.map((e) => e.action)).toEqual(['case.create', 'custody.verify']);
    expect(list.total).toBe(2);
    expect(await core.handlers['case:close']({})).toEqual({ closed: true });
    await expect(core.handlers['case:info']({})).rejects.toMatchObject({ code: 'NO_CASE_OPEN' });
    const reopened = await core.handlers['case:open']({ file, passphrase: 'p', examiner: 'F' });
    expect(reopened.id).toBe(created.id);
    await expect(core.handlers['case:open']({ file, passphrase: 'nope' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    core.dispose();
  });
});
