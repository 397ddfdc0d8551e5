import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { CommitGroup, GROUP_ITEM_MAX_BYTES, GROUP_MAX_BYTES, GROUP_MAX_MS } from './commit-group';

function setup(): { db: Database.Database; clock: { t: number }; group: CommitGroup; rows: () => number; write: () => void } {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (x INTEGER)');
  const clock = { t: 0 };
  const group = new CommitGroup(db, () => clock.t);
  const insert = db.transaction(() => db.prepare('INSERT INTO t VALUES (1)').run());
  return {
    db,
    clock,
    group,
    rows: () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n,
    write: () => insert.immediate(),
  };
}

describe('CommitGroup', () => {
  it("runs small inputs' transactions inside one outer transaction, committed by size", () => {
    const { db, group, write } = setup();
    group.before(1000);
    expect(db.inTransaction).toBe(true);
    write(); // a savepoint inside the group, not a commit
    expect(db.inTransaction).toBe(true);
    group.after(1000);
    expect(group.active).toBe(true);
    group.before(GROUP_MAX_BYTES);
    expect(group.active).toBe(false); // a large input commits the group first and runs alone
    expect(db.inTransaction).toBe(false);
    const small = GROUP_ITEM_MAX_BYTES - 1;
    let inputs = 0;
    while ((inputs + 1) * small < GROUP_MAX_BYTES) {
      group.before(small);
      group.after(small);
      inputs++;
      expect(group.active).toBe(true);
    }
    group.before(small);
    group.after(small);
    expect(group.active).toBe(false);
    expect(db.inTransaction).toBe(false);
  });

  it('commits a group once it is old enough', () => {
    const { db, clock, group } = setup();
    group.before(10);
    clock.t = GROUP_MAX_MS - 1;
    group.after(10);
    expect(db.inTransaction).toBe(true);
    group.before(10);
    clock.t = GROUP_MAX_MS;
    group.after(10);
    expect(db.inTransaction).toBe(false);
  });

  it("keeps what a group finished when an input fails, and leaves a caller's transaction alone", () => {
    const { db, group, rows, write } = setup();
    group.before(10);
    write();
    group.after(10);
    group.before(10);
    expect(() =>
      db
        .transaction(() => {
          db.prepare('INSERT INTO t VALUES (2)').run();
          throw new Error('bad input');
        })
        .immediate(),
    ).toThrow('bad input');
    group.commit();
    group.commit();
    expect(rows()).toBe(1);

    db.exec('BEGIN');
    group.before(10);
    expect(group.active).toBe(false);
    group.before(GROUP_ITEM_MAX_BYTES);
    expect(db.inTransaction).toBe(true);
    db.exec('ROLLBACK');
  });

  it('tells when SQLite undid the open group, from where, once', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x INTEGER)');
    let at = 7;
    const group = new CommitGroup(
      db,
      () => 0,
      () => at,
    );
    expect(group.takeLoss()).toBeNull(); // none open
    group.before(1000);
    at = 9;
    db.prepare('INSERT INTO t VALUES (1)').run();
    expect(group.takeLoss()).toBeNull(); // intact
    db.exec('ROLLBACK'); // what a full disk can do to the whole transaction
    expect(group.takeLoss()).toEqual({ from: 7, generation: 1, commitError: null });
    expect(group.active).toBe(false);
    expect(group.takeLoss()).toBeNull();
    group.commit(); // nothing left to commit: no error
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
  });

  it('reports a group SQLite undid even when it is committed before anyone asked', () => {
    const db = new Database(':memory:');
    const group = new CommitGroup(
      db,
      () => 0,
      () => 2,
    );
    group.before(1000);
    expect(group.current).toBe(1);
    group.commit();
    group.before(1000);
    expect(group.current).toBe(2);
    db.exec('ROLLBACK');
    group.commit(); // nothing to commit: the loss is kept for takeLoss
    expect(group.current).toBeNull();
    expect(group.takeLoss()).toEqual({ from: 2, generation: 2, commitError: null });
  });

  it('does not open a group for an input parsed after it was stored outside one', () => {
    const db = new Database(':memory:');
    const group = new CommitGroup(db);
    group.before(1000, false);
    expect(group.active).toBe(false);
    expect(db.inTransaction).toBe(false);
    group.before(1000);
    group.before(1000, false); // joins the open one
    expect(group.current).toBe(1);
    group.commit();
  });

  it('rolls back a group whose commit fails, reports it once, and does not throw', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)');
    db.pragma('foreign_keys = ON');
    const group = new CommitGroup(
      db,
      () => 0,
      () => 3,
    );
    group.before(1000);
    db.prepare('INSERT INTO c VALUES (42)').run(); // a deferred violation: COMMIT fails
    expect(() => group.commit()).not.toThrow();
    expect(db.inTransaction).toBe(false);
    const loss = group.takeLoss();
    expect(loss?.from).toBe(3);
    expect(loss?.commitError?.message).toMatch(/FOREIGN KEY/);
    expect(group.takeLoss()).toBeNull();
    expect(db.prepare('SELECT count(*) FROM c').pluck().get()).toBe(0);
  });
});
