// The session: the access token lives only in this module's memory; the refresh token is an httpOnly cookie
// the page never sees. A reload calls /auth/web/refresh to get a new access token.

let accessToken = null;
let user = null;
let refreshing = null;
const listeners = new Set();

const notify = () => {
  for (const fn of listeners) fn(user);
};

/** Subscribe to login/logout. Returns the unsubscribe function. */
export function onSession(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export const currentUser = () => user;
export const token = () => accessToken;

const RANK = { viewer: 1, operator: 2, admin: 3 };
/** Whether the logged-in user has at least `role` (the API checks again; this only hides controls). */
export function can(role) {
  return !!user && RANK[user.role] >= RANK[role];
}

async function post(path, body) {
  const res = await fetch(`/api/v1/auth/web/${path}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(accessToken && path === 'change-password' ? { authorization: `Bearer ${accessToken}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(data?.error?.message ?? `HTTP ${res.status}`);
    err.status = res.status;
    err.details = data?.error?.details;
    throw err;
  }
  return data;
}

function take(session) {
  accessToken = session.access_token;
  user = session.user;
  notify();
  return user;
}

export async function login(username, password) {
  return take(await post('login', { username, password }));
}

/** A new access token from the cookie; one refresh at a time. Resolves to the user or null. */
export function refresh() {
  refreshing ??= post('refresh')
    .then(take)
    .catch(() => {
      accessToken = null;
      if (user) {
        user = null;
        notify();
      }
      return null;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

export async function logout() {
  await post('logout').catch(() => {});
  accessToken = null;
  user = null;
  notify();
}

export async function changePassword(current_password, new_password) {
  return take(await post('change-password', { current_password, new_password }));
}
