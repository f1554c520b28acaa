import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { migrate, openDatabase } from './database.js';
import type { Migration } from './migrations/types.js';

const dir = mkdtempSync(join(tmpdir(), 'outpost-db-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const m = (version: number, sql: string): Migration => ({
  version,
  name: `m${version}`,
  up: (db) => db.exec(sql),
});

describe('hub database', () => {
  it('opens in WAL mode and applies every migration once', () => {
    const file = join(dir, 'a.db');
    const db = openDatabase(file);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'devices'").get());
    db.close();
    const again = openDatabase(file);
    const rows = again.prepare('SELECT version FROM schema_migrations').all();
    assert.equal(rows.length, new Set(rows.map((r) => (r as { version: number }).version)).size);
    again.close();
  });

  it('applies a migration added later and keeps the data already there', () => {
    const file = join(dir, 'b.db');
    const db = openDatabase(file, [m(1, 'CREATE TABLE t (x)')]);
    db.prepare('INSERT INTO t VALUES (1)').run();
    assert.equal(migrate(db, [m(1, 'CREATE TABLE t (x)'), m(3, 'ALTER TABLE t ADD COLUMN y')]), 1);
    assert.deepEqual(db.prepare('SELECT x, y FROM t').all(), [{ x: 1, y: null }]);
    db.close();
  });

  it('rolls back a failing migration and leaves it unrecorded', () => {
    const db = openDatabase(':memory:', [m(1, 'CREATE TABLE t (x)')]);
    assert.throws(() => migrate(db, [m(1, ''), m(2, 'CREATE TABLE u (x); SELECT nope FROM missing')]));
    assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'u'").get(), undefined);
    assert.equal(db.prepare('SELECT count(*) c FROM schema_migrations WHERE version = 2').pluck().get(), 0);
  });

  it('refuses a database written by a newer hub', () => {
    const db = openDatabase(':memory:', [m(1, 'CREATE TABLE t (x)'), m(2, 'CREATE TABLE u (x)')]);
    assert.throws(() => migrate(db, [m(1, '')]), /does not know \(2\)/);
  });
});
