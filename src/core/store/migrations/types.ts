import type { Db } from '../database';

/** One schema step. `up` runs inside the migration transaction; never edit a released migration. */
export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}
