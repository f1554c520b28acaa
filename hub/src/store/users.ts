import type { Role } from '../auth/roles.js';

/** A user as stored. `disabled` is 0 or 1; times are epoch milliseconds. */
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

export interface NewUser {
  username: string;
  email?: string | null;
  role: Role;
  password_hash: string;
}

/** Users of the API and dashboard. Usernames are unique without regard to case. */
export interface UserRepo {
  count(): Promise<number>;
  get(id: number): Promise<UserRow | undefined>;
  /** Case-insensitive. */
  byName(username: string): Promise<UserRow | undefined>;
  /** Ordered by id. */
  list(): Promise<UserRow[]>;
  /** Admins that are not disabled. */
  countActiveAdmins(): Promise<number>;
  /** Rejects with StoreError `conflict` when the username is taken. */
  insert(u: NewUser, now: number): Promise<UserRow>;
  /** Changes only the fields given; undefined when the user does not exist. */
  update(
    id: number,
    patch: { email?: string | null; role?: Role; disabled?: boolean },
    now: number,
  ): Promise<UserRow | undefined>;
  /** Sets a new password hash and records the change (older access tokens stop working). */
  setPasswordHash(id: number, hash: string, now: number): Promise<void>;
  touchLogin(id: number, now: number): Promise<void>;
  /** Deletes the user and their refresh tokens; false when there was none. */
  delete(id: number): Promise<boolean>;
}
