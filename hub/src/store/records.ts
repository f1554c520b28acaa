import type { Db } from './db.js';

/** Get, insert, update (only the fields given) and delete for an inventory table with `id` and timestamps. */
export interface RecordTable<Row, Rec> {
  get(db: Db, id: number): Row | undefined;
  insert(db: Db, record: Rec, now: number): Row;
  update(db: Db, id: number, patch: Partial<Rec>, now: number): Row | undefined;
  remove(db: Db, id: number): boolean;
}

/** The plain CRUD statements of `table`, writing only the `writable` columns (constants, never input). */
export function recordTable<Row, Rec extends object>(
  table: string,
  writable: readonly (keyof Rec & string)[],
): RecordTable<Row, Rec> {
  const get = (db: Db, id: number) =>
    db.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Row | undefined;
  return {
    get,
    insert(db, record, now) {
      const cols = [...writable, 'created_at', 'updated_at'];
      const info = db
        .prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`)
        .run(...writable.map((k) => record[k] as unknown), now, now);
      return get(db, Number(info.lastInsertRowid)) as Row;
    },
    update(db, id, patch, now) {
      const keys = writable.filter((k) => patch[k] !== undefined);
      db.prepare(
        `UPDATE ${table} SET ${[...keys.map((k) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`,
      ).run(...keys.map((k) => patch[k] as unknown), now, id);
      return get(db, id);
    },
    remove: (db, id) => db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(id).changes > 0,
  };
}
