import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { createTestHub, TEST_PASSWORDS, type TestHub } from '../testing.js';

const LOGIN = '/api/v1/auth/login';
const REFRESH = '/api/v1/auth/refresh';
const ME = '/api/v1/auth/me';

interface Session {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  user: { id: number; username: string; email: string | null; role: string };
}

async function login(hub: TestHub, username = 'operator', password = TEST_PASSWORDS.operator) {
  return hub.req('POST', LOGIN, { body: { username, password } });
}

async function session(hub: TestHub): Promise<Session> {
  const res = await login(hub);
  assert.equal(res.status, 200);
  return (await res.json()) as Session;
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('auth routes', () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await createTestHub();
  });
  afterEach(() => hub.close());

  it('logs in with the documented response shape and the token works', async () => {
    const s = await session(hub);
    assert.equal(s.token_type, 'Bearer');
    assert.equal(s.expires_in, 900);
    assert.deepEqual(s.user, {
      id: hub.ids.operator,
      username: 'operator',
      email: 'operator@example.test',
      role: 'operator',
    });
    const me = await hub.req('GET', ME, { token: s.access_token });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { role: string }).role, 'operator');
  });

  it('refuses a wrong password and an unknown user the same way, and audits the failure', async () => {
    const a = await login(hub, 'operator', 'wrong-password-123');
    const b = await login(hub, 'nobody', 'wrong-password-123');
    assert.equal(a.status, 401);
    assert.equal(b.status, 401);
    assert.deepEqual(await a.json(), await b.json());
    const rows = (await hub.ctx.store.audit.list({ action: 'POST /api/v1/auth/login' }, 1, 100)).rows
      .reverse()
      .map((r) => ({ username: r.username, outcome: r.outcome, status: r.status }));
    assert.deepEqual(rows, [
      { username: 'operator', outcome: 'denied', status: 401 },
      { username: 'nobody', outcome: 'denied', status: 401 },
    ]);
  });

  it('rate-limits login per username with 429 and Retry-After', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await login(hub, 'viewer', 'nope-nope-nope')).status, 401);
    const limited = await login(hub, 'viewer', TEST_PASSWORDS.viewer);
    assert.equal(limited.status, 429);
    const retry = Number(limited.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    assert.equal(((await limited.json()) as { error: { code: string } }).error.code, 'rate_limited');
    hub.setTime(hub.ctx.clock() + 61_000);
    assert.equal((await login(hub, 'viewer', TEST_PASSWORDS.viewer)).status, 200);
  });

  it('rate-limits login per client address across usernames', async () => {
    for (const name of ['u1', 'u2', 'u3', 'u4', 'u5'])
      assert.equal((await login(hub, name, 'nope-nope-nope')).status, 401);
    assert.equal((await login(hub, 'admin', TEST_PASSWORDS.admin)).status, 429);
  });

  it('shares the login limits with the dashboard login, so a second route gives no extra attempts', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await login(hub, 'viewer', 'nope-nope-nope')).status, 401);
    const web = (password: string) =>
      hub.req('POST', '/api/v1/auth/web/login', { body: { username: 'viewer', password } });
    for (let i = 0; i < 2; i++) assert.equal((await web('nope-nope-nope')).status, 401);
    assert.equal((await web(TEST_PASSWORDS.viewer)).status, 429);
    assert.equal((await login(hub, 'viewer', TEST_PASSWORDS.viewer)).status, 429);
  });

  it('rotates refresh tokens and revokes the family when a spent one is reused', async () => {
    const first = await session(hub);
    const r1 = await hub.req('POST', REFRESH, { body: { refresh_token: first.refresh_token } });
    assert.equal(r1.status, 200);
    const second = (await r1.json()) as Session;
    assert.notEqual(second.refresh_token, first.refresh_token);
    // Replaying the spent token: refused, and the fresh one from the same family dies with it.
    const replay = await hub.req('POST', REFRESH, { body: { refresh_token: first.refresh_token } });
    assert.equal(replay.status, 401);
    assert.match(((await replay.json()) as { error: { message: string } }).error.message, /already used/);
    const afterReuse = await hub.req('POST', REFRESH, { body: { refresh_token: second.refresh_token } });
    assert.equal(afterReuse.status, 401);
    // Another login (another family) is unaffected.
    const other = await session(hub);
    assert.equal(
      (await hub.req('POST', REFRESH, { body: { refresh_token: other.refresh_token } })).status,
      200,
    );
  });

  it('refuses an expired refresh token and an unknown one', async () => {
    const s = await session(hub);
    hub.setTime(hub.ctx.clock() + 31 * 24 * 3600 * 1000);
    assert.equal((await hub.req('POST', REFRESH, { body: { refresh_token: s.refresh_token } })).status, 401);
    assert.equal((await hub.req('POST', REFRESH, { body: { refresh_token: 'x'.repeat(43) } })).status, 401);
  });

  it('logout ends the session family', async () => {
    const s = await session(hub);
    const out = await hub.req('POST', '/api/v1/auth/logout', {
      token: s.access_token,
      body: { refresh_token: s.refresh_token },
    });
    assert.equal(out.status, 200);
    assert.equal((await hub.req('POST', REFRESH, { body: { refresh_token: s.refresh_token } })).status, 401);
  });

  it('changes the password: old password and old sessions stop working, new tokens are returned', async () => {
    const s = await session(hub);
    hub.setTime(hub.ctx.clock() + 2000);
    const weak = await hub.req('POST', '/api/v1/auth/change-password', {
      token: s.access_token,
      body: { current_password: TEST_PASSWORDS.operator, new_password: 'password1234' },
    });
    assert.equal(weak.status, 422);
    const res = await hub.req('POST', '/api/v1/auth/change-password', {
      token: s.access_token,
      body: { current_password: TEST_PASSWORDS.operator, new_password: 'A-much-better-passphrase-9' },
    });
    assert.equal(res.status, 200);
    const fresh = (await res.json()) as Session;
    assert.equal((await hub.req('GET', ME, { token: fresh.access_token })).status, 200);
    hub.setTime(hub.ctx.clock() + 1000);
    assert.equal((await hub.req('GET', ME, { token: s.access_token })).status, 401, 'old access token');
    assert.equal((await hub.req('POST', REFRESH, { body: { refresh_token: s.refresh_token } })).status, 401);
    assert.equal((await login(hub)).status, 401);
    assert.equal((await login(hub, 'operator', 'A-much-better-passphrase-9')).status, 200);
  });
});

describe('token attacks', () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await createTestHub();
  });
  afterEach(() => hub.close());

  const key = () => hub.ctx.secrets.derive('jwt v1');
  const forge = (opts: { key?: Uint8Array; aud?: string; iss?: string; exp?: number; role?: string }) => {
    const now = Math.floor(hub.ctx.clock() / 1000);
    return new SignJWT({ role: opts.role ?? 'admin', name: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(hub.ids.admin))
      .setIssuer(opts.iss ?? 'outpost-hub')
      .setAudience(opts.aud ?? 'outpost-api')
      .setIssuedAt(now)
      .setExpirationTime(opts.exp ?? now + 600)
      .sign(opts.key ?? key());
  };

  async function refused(token: string, why: string) {
    const res = await hub.req('GET', '/api/v1/users', { token });
    assert.equal(res.status, 401, why);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
  }

  it('accepts a correctly forged control token (so the refusals below mean something)', async () => {
    assert.equal((await hub.req('GET', '/api/v1/users', { token: await forge({}) })).status, 200);
  });

  it('refuses an expired token', async () => {
    const token = hub.tokens.admin;
    hub.setTime(hub.ctx.clock() + 16 * 60 * 1000);
    await refused(token, 'expired');
  });

  it('refuses a token signed with another key', async () => {
    await refused(await forge({ key: randomBytes(32) }), 'wrong signature');
  });

  it('refuses alg none', async () => {
    const now = Math.floor(hub.ctx.clock() / 1000);
    const payload = {
      sub: String(hub.ids.admin),
      role: 'admin',
      iss: 'outpost-hub',
      aud: 'outpost-api',
      iat: now,
      exp: now + 600,
    };
    await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`, 'alg none');
  });

  it('refuses a wrong audience or issuer', async () => {
    await refused(await forge({ aud: 'someone-else' }), 'audience');
    await refused(await forge({ iss: 'evil' }), 'issuer');
  });

  it('refuses a token whose payload was edited (viewer made admin)', async () => {
    const [h, p, s] = hub.tokens.viewer.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    claims.role = 'admin';
    claims.sub = String(hub.ids.admin);
    await refused(`${h}.${b64(claims)}.${s}`, 'tampered');
  });

  it('uses the role stored for the user, not the one in the token', async () => {
    const forged = await forge({ role: 'admin', key: key() });
    await hub.ctx.store.users.update(hub.ids.admin, { role: 'viewer' }, hub.ctx.clock());
    assert.equal((await hub.req('GET', '/api/v1/users', { token: forged })).status, 403);
  });

  it('refuses the token of a disabled user', async () => {
    await hub.ctx.store.users.update(hub.ids.operator, { disabled: true }, hub.ctx.clock());
    const res = await hub.req('GET', '/api/v1/auth/me', { token: hub.tokens.operator });
    assert.equal(res.status, 401);
  });

  it('refuses garbage and non-Bearer schemes', async () => {
    await refused('not-a-jwt', 'garbage');
    const basic = await hub.req('GET', '/api/v1/users', {
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
    });
    assert.equal(basic.status, 401);
  });
});
