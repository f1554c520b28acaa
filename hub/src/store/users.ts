import type { Role } from '../api/types.js';
import type { Db } from './db.js';

export interface UserRow {
  id: number;
  username: string;
  email: string | null;
  role: Role;
  password_hash: string;
  disabled: number;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
  password_changed_at: number;
}

/** The API representation: never the hash. */
export function userToApi(u: UserRow) {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    role: u.role,
    disabled: u.disabled === 1,
    created_at: new Date(u.created_at).toISOString(),
    updated_at: new Date(u.updated_at).toISOString(),
    last_login_at: u.last_login_at === null ? null : new Date(u.last_login_at).toISOString(),
  };
}

export function countUsers(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
}

export function getUser(db: Db, id: number): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
}

export function getUserByName(db: Db, username: string): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
}

export function listUsers(db: Db): UserRow[] {
  return db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[];
}

export function countAdmins(db: Db): number {
  return (
    db.prepare("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0").get() as { n: number }
  ).n;
}

export function insertUser(
  db: Db,
  u: { username: string; email?: string | null; role: Role; password_hash: string },
  now: number,
): UserRow {
  const info = db
    .prepare(
      `INSERT INTO users (username, email, role, password_hash, created_at, updated_at, password_changed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(u.username, u.email ?? null, u.role, u.password_hash, now, now, now);
  return getUser(db, Number(info.lastInsertRowid)) as UserRow;
}

export function updateUser(
  db: Db,
  id: number,
  patch: { email?: string | null; role?: Role; disabled?: boolean },
  now: number,
): UserRow | undefined {
  const sets: string[] = [];
  const args: unknown[] = [];
  if (patch.email !== undefined) {
    sets.push('email = ?');
    args.push(patch.email);
  }
  if (patch.role !== undefined) {
    sets.push('role = ?');
    args.push(patch.role);
  }
  if (patch.disabled !== undefined) {
    sets.push('disabled = ?');
    args.push(patch.disabled ? 1 : 0);
  }
  sets.push('updated_at = ?');
  args.push(now, id);
  db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...args);
  return getUser(db, id);
}

/** Sets a new password hash and marks the change, which invalidates older access tokens. */
export function setPasswordHash(db: Db, id: number, hash: string, now: number): void {
  db.prepare('UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?').run(
    hash,
    now,
    now,
    id,
  );
}

export function touchLogin(db: Db, id: number, now: number): void {
  db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?').run(now, id);
}

export function deleteUser(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0;
}
