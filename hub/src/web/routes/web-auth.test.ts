import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestHub, TEST_PASSWORDS, type TestHub } from '../../api/testing.js';

/** `outpost_refresh=<value>` from a response's Set-Cookie, with its attributes. */
function refreshCookie(res: Response): { value: string; attrs: string } | undefined {
  const line = res.headers.getSetCookie().find((c) => c.startsWith('outpost_refresh='));
  if (!line) return undefined;
  const [pair, ...attrs] = line.split(';');
  return { value: pair!.slice('outpost_refresh='.length), attrs: attrs.map((a) => a.trim()).join('; ') };
}

describe('dashboard session routes (/api/v1/auth/web)', () => {
  let hub: TestHub;
  before(async () => {
    hub = await createTestHub();
  });
  after(() => hub.close());

  const login = (password = TEST_PASSWORDS.operator) =>
    hub.req('POST', '/api/v1/auth/web/login', { body: { username: 'operator', password } });
  const withCookie = (value: string) => ({ headers: { cookie: `outpost_refresh=${value}` } });

  it('logs in with the refresh token only in an httpOnly SameSite=Strict cookie scoped to these routes', async () => {
    const res = await login();
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(typeof body.access_token, 'string');
    assert.equal(body.refresh_token, undefined, 'the refresh token never reaches page script');
    assert.deepEqual(body.user, {
      id: hub.ids.operator,
      username: 'operator',
      email: 'operator@example.test',
      role: 'operator',
    });
    const cookie = refreshCookie(res);
    assert.ok(cookie && cookie.value.length > 20);
    assert.match(cookie.attrs, /HttpOnly/);
    assert.match(cookie.attrs, /SameSite=Strict/);
    assert.match(cookie.attrs, /Path=\/api\/v1\/auth\/web/);
    assert.doesNotMatch(cookie.attrs, /Secure/, 'plain http in tests');
  });

  it('marks the cookie Secure behind an https proxy', async () => {
    const res = await hub.req('POST', '/api/v1/auth/web/login', {
      body: { username: 'viewer', password: TEST_PASSWORDS.viewer },
      headers: { 'x-forwarded-proto': 'https' },
    });
    assert.match(refreshCookie(res)!.attrs, /Secure/);
  });

  it('refuses wrong passwords without setting a cookie', async () => {
    const res = await login('not-the-password-at-all');
    assert.equal(res.status, 401);
    assert.equal(refreshCookie(res), undefined);
  });

  it('rotates the cookie on refresh, and a replayed cookie revokes the session', async () => {
    const first = refreshCookie(await login())!.value;
    const res = await hub.req('POST', '/api/v1/auth/web/refresh', withCookie(first));
    assert.equal(res.status, 200);
    const second = refreshCookie(res)!.value;
    assert.notEqual(second, first);
    const token = ((await res.json()) as { access_token: string }).access_token;
    assert.equal((await hub.req('GET', '/api/v1/auth/me', { token })).status, 200);
    const replay = await hub.req('POST', '/api/v1/auth/web/refresh', withCookie(first));
    assert.equal(replay.status, 401);
    assert.match(replay.headers.getSetCookie().join(), /outpost_refresh=;/, 'the cookie is cleared');
    assert.equal(
      (await hub.req('POST', '/api/v1/auth/web/refresh', withCookie(second))).status,
      401,
      'whole family revoked',
    );
  });

  it('answers 401 to a refresh without a cookie', async () => {
    assert.equal((await hub.req('POST', '/api/v1/auth/web/refresh')).status, 401);
  });

  it('logs out: the session is revoked and the cookie cleared', async () => {
    const cookie = refreshCookie(await login())!.value;
    const res = await hub.req('POST', '/api/v1/auth/web/logout', withCookie(cookie));
    assert.equal(res.status, 200);
    assert.match(res.headers.getSetCookie().join(), /outpost_refresh=;/);
    assert.equal((await hub.req('POST', '/api/v1/auth/web/refresh', withCookie(cookie))).status, 401);
  });

  it('changes the password: checks the current one and the policy, ends other sessions, sets a new cookie', async () => {
    hub.setTime(Date.UTC(2026, 0, 15, 13, 0, 0)); // a fresh login rate-limit window
    const other = refreshCookie(await login())!.value;
    const res = await login();
    const { access_token } = (await res.json()) as { access_token: string };
    const change = (current_password: string, new_password: string) =>
      hub.req('POST', '/api/v1/auth/web/change-password', {
        token: access_token,
        body: { current_password, new_password },
      });
    const wrong = await change('wrong-current-password', 'a-much-better-passphrase-9');
    assert.equal(wrong.status, 422);
    assert.match(await wrong.text(), /body\.current_password/);
    const weak = await change(TEST_PASSWORDS.operator, 'short');
    assert.equal(weak.status, 422);
    assert.match(await weak.text(), /body\.new_password/);
    const ok = await change(TEST_PASSWORDS.operator, 'a-much-better-passphrase-9');
    assert.equal(ok.status, 200);
    assert.ok(refreshCookie(ok));
    assert.equal(
      (await hub.req('POST', '/api/v1/auth/web/refresh', withCookie(other))).status,
      401,
      'other sessions ended',
    );
    assert.equal((await login('a-much-better-passphrase-9')).status, 200);
  });

  it('requires a logged-in user to change a password', async () => {
    const res = await hub.req('POST', '/api/v1/auth/web/change-password', {
      body: { current_password: 'x', new_password: 'y' },
    });
    assert.equal(res.status, 401);
  });
});

describe('dashboard assets', () => {
  let hub: TestHub;
  before(async () => {
    hub = await createTestHub({ logLevel: 'info' });
  });
  after(() => hub.close());

  it('serves the page, its modules and the vendor modules with bare imports rewritten', async () => {
    const page = await hub.req('GET', '/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /src="\/ui\/main.js"/);
    for (const [path, type] of [
      ['/ui/main.js', /javascript/],
      ['/ui/pages/devices.js', /javascript/],
      ['/ui/style.css', /css/],
      ['/ui/lib/preact.js', /javascript/],
      ['/ui/lib/htm.js', /javascript/],
      ['/ui/lib/uplot.js', /javascript/],
      ['/ui/lib/uplot.css', /css/],
    ] as const) {
      const res = await hub.req('GET', path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', type, path);
    }
    const hooks = await (await hub.req('GET', '/ui/lib/hooks.js')).text();
    assert.match(hooks, /from"\/ui\/lib\/preact.js"/);
    assert.doesNotMatch(hooks, /from\s*["']preact["']/);
  });

  it('serves nothing outside the dashboard folder', async () => {
    for (const path of [
      '/ui/..%2F..%2Fconfig.ts',
      '/ui/routes',
      '/ui/lib/fs.js',
      '/ui/pages/..%2Fmain.js',
      '/ui/missing.js',
    ]) {
      assert.equal((await hub.req('GET', path)).status, 404, path);
    }
  });

  it('sends a Content-Security-Policy that allows only same-origin scripts', async () => {
    const csp = (await hub.req('GET', '/')).headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
    assert.match(csp, /media-src 'self' blob:/, 'the live player plays a MediaSource blob: URL');
  });
});
