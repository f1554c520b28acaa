import type { Role } from '../../auth/roles.js';
import type { NewUser, UserRepo, UserRow } from '../users.js';
import type { Scope } from './connection.js';

export class PgUsers implements UserRepo {
  constructor(private readonly s: Scope) {}

  async count(): Promise<number> {
    return (await this.s.get<{ n: number }>('SELECT COUNT(*) AS n FROM users'))?.n ?? 0;
  }

  get(id: number): Promise<UserRow | undefined> {
    return this.s.get<UserRow>('SELECT * FROM users WHERE id = ?', id);
  }

  byName(username: string): Promise<UserRow | undefined> {
    return this.s.get<UserRow>('SELECT * FROM users WHERE lower(username) = lower(?)', username);
  }

  list(): Promise<UserRow[]> {
    return this.s.all<UserRow>('SELECT * FROM users ORDER BY id');
  }

  async countActiveAdmins(): Promise<number> {
    return (
      (
        await this.s.get<{ n: number }>(
          "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0",
        )
      )?.n ?? 0
    );
  }

  async insert(u: NewUser, now: number): Promise<UserRow> {
    return (await this.s.get<UserRow>(
      `INSERT INTO users (username, email, role, password_hash, created_at, updated_at, password_changed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      u.username,
      u.email ?? null,
      u.role,
      u.password_hash,
      now,
      now,
      now,
    )) as UserRow;
  }

  update(
    id: number,
    patch: { email?: string | null; role?: Role; disabled?: boolean },
    now: number,
  ): Promise<UserRow | undefined> {
    // COALESCE keeps a column whose new value is absent; email may be set to NULL on purpose.
    return this.s.get<UserRow>(
      `UPDATE users SET email = CASE WHEN ?::boolean THEN ?::text ELSE email END, role = COALESCE(?::text, role),
         disabled = COALESCE(?::integer, disabled), updated_at = ? WHERE id = ? RETURNING *`,
      patch.email !== undefined,
      patch.email ?? null,
      patch.role ?? null,
      patch.disabled === undefined ? null : patch.disabled ? 1 : 0,
      now,
      id,
    );
  }

  async setPasswordHash(id: number, hash: string, now: number): Promise<void> {
    await this.s.run(
      'UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?',
      hash,
      now,
      now,
      id,
    );
  }

  async touchLogin(id: number, now: number): Promise<void> {
    await this.s.run('UPDATE users SET last_login_at = ? WHERE id = ?', now, id);
  }

  async delete(id: number): Promise<boolean> {
    return (await this.s.run('DELETE FROM users WHERE id = ?', id)) > 0;
  }
}
