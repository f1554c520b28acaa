import type { SiteScope } from '../../store/tenancy.js';
import type { UserRow } from '../../store/users.js';

/** The API representation of a user: never the hash. */
/** `scope`: the sites and groups the user is limited to, null for every site. */
export function userToApi(u: UserRow, scope: SiteScope | null) {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    role: u.role,
    disabled: u.disabled === 1,
    scope,
    created_at: new Date(u.created_at).toISOString(),
    updated_at: new Date(u.updated_at).toISOString(),
    last_login_at: u.last_login_at === null ? null : new Date(u.last_login_at).toISOString(),
  };
}
