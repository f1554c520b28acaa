import type { Role } from '../../auth/roles.js';
import type { NewUser, UserRepo, UserRow } from '../users.js';
import type { Scope } from './connection.js';

export class SqliteUsers implements UserRepo {
  constructor(private readonly s: Scope) {}

  count(): Promise<number> {
    return this.s.run(() => (this.s.stmt('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n);
  }

  get(id: number): Promise<UserRow | undefined> {
    return this.s.run(() => this.#get(id));
  }

  #get(id: number): UserRow | undefined {
    return this.s.stmt('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  }

  byName(username: string): Promise<UserRow | undefined> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined,
    );
  }

  list(): Promise<UserRow[]> {
    return this.s.run(() => this.s.stmt('SELECT * FROM users ORDER BY id').all() as UserRow[]);
  }

  countActiveAdmins(): Promise<number> {
    return this.s.run(
      () =>
        (
          this.s.stmt("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0").get() as {
            n: number;
          }
        ).n,
    );
  }

  insert(u: NewUser, now: number): Promise<UserRow> {
    return this.s.run(() => {
      const info = this.s
        .stmt(
          `INSERT INTO users (username, email, role, password_hash, created_at, updated_at, password_changed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(u.username, u.email ?? null, u.role, u.password_hash, now, now, now);
      return this.#get(Number(info.lastInsertRowid)) as UserRow;
    });
  }

  update(
    id: number,
    patch: { email?: string | null; role?: Role; disabled?: boolean },
    now: number,
  ): Promise<UserRow | undefined> {
    return this.s.run(() => {
      // COALESCE keeps a column whose new value is absent; email may be set to NULL on purpose.
      this.s
        .stmt(
          `UPDATE users SET email = CASE WHEN ? THEN ? ELSE email END, role = COALESCE(?, role),
             disabled = COALESCE(?, disabled), updated_at = ? WHERE id = ?`,
        )
        .run(
          patch.email !== undefined ? 1 : 0,
          patch.email ?? null,
          patch.role ?? null,
          patch.disabled === undefined ? null : patch.disabled ? 1 : 0,
          now,
          id,
        );
      return this.#get(id);
    });
  }

  setPasswordHash(id: number, hash: string, now: number): Promise<void> {
    return this.s.run(() => {
      this.s
        .stmt('UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?')
        .run(hash, now, now, id);
    });
  }

  touchLogin(id: number, now: number): Promise<void> {
    return this.s.run(() => {
      this.s.stmt('UPDATE users SET last_login_at = ? WHERE id = ?').run(now, id);
    });
  }

  delete(id: number): Promise<boolean> {
    return this.s.run(() => this.s.stmt('DELETE FROM users WHERE id = ?').run(id).changes > 0);
  }
}
