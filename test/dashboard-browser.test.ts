import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type AllInOne, startAllInOne } from '../demo/all-in-one.js';
import { startDemoCamera } from '../demo/demo-camera.js';
import { registerCamera, registerDevices } from '../demo/demo-site.js';
import { type SimulatedDevice, startSimulatedSite } from '../demo/sim/index.js';
import { assertAccessible, launchChromium, logIn, open, shot } from './support/browser.js';
import { needPeers } from './support/peers.js';
import { ffmpegUnder } from './support/processes.js';
import type { RtspServer } from './support/rtsp-server.js';
import { until as waitUntil } from './support/wait.js';

// Browser and process checks are slower than in-process ones: poll every 100 ms.
const until = <T>(check: () => T | Promise<T>, timeoutMs: number, what: string) =>
  waitUntil(check, timeoutMs, what, 100);

const skip = needPeers('chromium');
const cameraSkip = skip || needPeers('ffmpeg', 'gst-inspect-1.0', '/usr/bin/python3');
const ADMIN_PASSWORD = 'correct-horse-battery-staple-9';
const VIEWER_PASSWORD = 'orange-kettle-window-river-4';

/** The video element's playback position (seconds). */
const videoTime = (page: Page) =>
  page.evaluate('document.querySelector("[data-testid=live-view] video").currentTime') as Promise<number>;

/** Makes the page believe its tab was hidden (or shown again), as a browser does when switching tabs. */
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate(`(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => ${hidden} });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${hidden ? 'hidden' : 'visible'}' });
    document.dispatchEvent(new Event('visibilitychange'));
  })()`);

describe('dashboard in a real browser', { skip, timeout: 300_000 }, () => {
  let dir: string;
  let devices: SimulatedDevice[] = [];
  let hub: AllInOne;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let camera: RtspServer | undefined;
  const errors: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-dashboard-'));
    devices = await startSimulatedSite();
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OUTPOST_')) env[k] = v;
    hub = await startAllInOne({
      env: {
        ...env,
        OUTPOST_DATA_DIR: dir,
        OUTPOST_HTTP_PORT: '0',
        OUTPOST_MQTT_PORT: '0',
        OUTPOST_HOST: '127.0.0.1',
        OUTPOST_ADMIN_PASSWORD: ADMIN_PASSWORD,
        OUTPOST_LOG_LEVEL: 'silent',
        OUTPOST_SITE_NAME: 'Test branch',
      },
      say: () => {},
    });
    browser = await launchChromium();
    admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await admin.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await hub?.close().catch(() => {});
    await camera?.stop().catch(() => {});
    await Promise.all(devices.map((d) => d.stop()));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('logs in with the refresh token in an httpOnly SameSite=Strict cookie and no token in page storage', async () => {
    await logIn(page, hub.url, 'admin', ADMIN_PASSWORD);
    const cookie = (await admin.cookies()).find((c) => c.name === 'outpost_refresh');
    assert.ok(cookie, 'refresh cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/api/v1/auth/web');
    const stored = await page.evaluate(
      'JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie])',
    );
    assert.equal(stored, '[{},{},""]');
    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByTestId('live').filter({ hasText: 'Live' }).waitFor();
    assert.deepEqual(errors, []);
  });

  it('shows devices coming online without a reload, with interfaces and a poll now job', async () => {
    await open(page, '#/devices');
    await page.getByRole('heading', { name: 'Devices' }).waitFor();
    await registerDevices(hub.api, hub.siteId, devices, 5);
    const row = page.getByTestId('devices-table').locator('tr', { hasText: 'demo-core-sw' });
    await row.getByText('online').waitFor({ timeout: 60_000 });
    await until(
      async () => (await page.getByTestId('devices-table').getByText('online').count()) === devices.length,
      60_000,
      'every simulated device online',
    );
    await shot(page, 'devices');
    await row.getByRole('link', { name: 'demo-core-sw' }).click();
    await page.getByRole('heading', { name: /demo-core-sw/ }).waitFor();
    await page.getByRole('button', { name: 'Poll now' }).click();
    await page.locator('[data-testid="job"][data-state="succeeded"]').waitFor({ timeout: 60_000 });
    await until(
      async () => (await page.getByTestId('interfaces').locator('tbody tr').count()) >= 26,
      30_000,
      'the interfaces table',
    );
    // Rates and chart points need two polls (5 s apart): reload until the table shows traffic.
    await until(
      async () => {
        await page.reload();
        await page.getByTestId('interfaces').locator('tbody tr').first().waitFor();
        return (
          (await page
            .getByTestId('interfaces')
            .getByText(/Mbit\/s/)
            .count()) > 0
        );
      },
      45_000,
      'interface rates',
    );
    await page.getByRole('figure').filter({ hasText: 'Traffic' }).locator('canvas').waitFor();
    // What the profiles read beyond traffic: the switch's sensors and PoE, the UPS's battery, the AP's clients.
    await page.getByTestId('health-sensors').getByText(/°C/).first().waitFor();
    await page.getByTestId('health-poe').getByText('Budget used').waitFor();
    await shot(page, 'device');
    const cards: [string, string, RegExp][] = [
      ['demo-ups', 'health-ups', /Battery charge\s+\d+ %/],
      ['demo-ap-floor1', 'health-wifi', /Clients\s+\d+/],
    ];
    for (const [name, card, text] of cards) {
      const id = (await hub.api<{ devices: { id: number }[] }>('GET', `/devices?q=${name}`)).devices[0]!.id;
      await open(page, `#/devices/${id}`);
      await until(
        async () => text.test(await page.getByTestId(card).innerText()),
        30_000,
        `${card} of ${name}`,
      );
    }
  });

  it('shows a new alert live and acknowledges it with a note', async () => {
    await open(page, '#/alerts');
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    const ap = devices.find((d) => d.kind === 'access_point')!;
    const ids = await registerDevices(hub.api, hub.siteId, devices, 5);
    const apId = ids[devices.indexOf(ap)]!;
    await ap.down();
    try {
      const row = page
        .getByTestId('alerts-table')
        .locator('tr', { hasText: `device ${apId}` })
        .first();
      await row.waitFor({ timeout: 60_000 });
      assert.match((await row.textContent()) ?? '', /High/);
      await shot(page, 'alerts');
      await row.getByRole('button', { name: 'Acknowledge' }).click();
      await page.getByLabel('Note (optional)').fill('on it: replacing the PoE injector');
      await page.getByRole('dialog').getByRole('button', { name: 'Acknowledge' }).click();
      await row.getByText('on it: replacing the PoE injector').waitFor();
      const { alerts } = await hub.api<{ alerts: Record<string, unknown>[] }>(
        'GET',
        `/alerts?device_id=${apId}`,
      );
      assert.equal(alerts[0]?.acknowledged, true);
      assert.equal(alerts[0]?.ack_note, 'on it: replacing the PoE injector');
      assert.equal(alerts[0]?.acknowledged_by_username, 'admin');
      await row.getByRole('button', { name: /unreachable/ }).click();
      await page.getByTestId('alert-details').getByText('Notifications').waitFor();
    } finally {
      await ap.up();
    }
  });

  it("opens a camera's snapshot", { skip: cameraSkip }, async () => {
    const started = await startDemoCamera();
    assert.ok('server' in started, 'reason' in started ? started.reason : '');
    camera = started.server;
    const id = await registerCamera(hub.api, hub.siteId, 'lobby-cam', started.url, {
      probe_interval_s: 5,
      snapshot_interval_s: 0,
    });
    await open(page, `#/cameras/${id}`);
    // Online (live, from camera.status) means the agent has the camera in its config and has probed it.
    await page
      .getByRole('heading', { name: /lobby-cam/ })
      .getByText('online')
      .waitFor({ timeout: 60_000 });
    // The probe's RTSP response time, stored with the status change, is charted.
    const rtsp = page
      .getByTestId('camera-charts')
      .getByRole('figure')
      .filter({ hasText: 'RTSP response time' });
    await rtsp.locator('canvas').waitFor({ timeout: 30_000 });
    assert.equal(await rtsp.getByText('No data in this range yet.').count(), 0);
    await page.getByRole('button', { name: 'Snapshot now' }).click();
    await page
      .locator('[data-testid="job"][data-state="succeeded"]')
      .waitFor({ timeout: 60_000 })
      .catch(async (err) => {
        throw new Error(
          `snapshot job: ${await page
            .getByTestId('job')
            .textContent()
            .catch(() => 'no job shown')}`,
          { cause: err },
        );
      });
    const img = page.getByRole('img', { name: 'Snapshot of lobby-cam' });
    await img.waitFor({ timeout: 30_000 });
    assert.ok(
      await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth > 0),
      'the JPEG decoded',
    );
    await page.getByTestId('snapshot-history').getByRole('button').first().waitFor();
    await shot(page, 'camera');
    await page.getByRole('button', { name: 'Live view' }).click();
    const live = page.getByTestId('live-view');
    // H.264 from the GStreamer RTSP server: fragmented MP4 through the relay into Media Source Extensions.
    await live.getByTestId('live-format').filter({ hasText: 'fMP4' }).waitFor({ timeout: 30_000 });
    const t0 = await videoTime(page);
    await until(async () => (await videoTime(page)) > t0 + 1.5, 20_000, 'the video element advancing');
    await live
      .getByTestId('live-bitrate')
      .filter({ hasText: /bit\/s/ })
      .waitFor();
    await live
      .getByTestId('live-latency')
      .filter({ hasText: /latency \d+\.\d s/ })
      .waitFor();
    // The agent remuxes the camera's H.264 (ffmpeg -c:v copy into fragmented MP4): no process transcodes it.
    const ffmpeg = ffmpegUnder(hub.agent.child.pid!);
    assert.ok(
      ffmpeg.some((args) => args.join(' ').includes('frag_keyframe')),
      `a live ffmpeg under the agent: ${JSON.stringify(ffmpeg)}`,
    );
    for (const args of ffmpeg) assert.equal(args[args.indexOf('-c:v') + 1], 'copy', args.join(' '));
    await assertAccessible(page, 'the camera page with live video');
    await shot(page, 'live');
    // A hidden tab stops the view: the relay session ends and the agent's ffmpeg with it.
    await setHidden(page, true);
    await live.getByText('paused while this tab is hidden').waitFor();
    await until(() => hub.hub.parts.liveRelay.sessions.length === 0, 10_000, 'the relay session ending');
    await until(() => ffmpegUnder(hub.agent.child.pid!).length === 0, 15_000, "the agent's ffmpeg exiting");
    await setHidden(page, false);
    await live.getByTestId('live-format').filter({ hasText: 'fMP4' }).waitFor({ timeout: 30_000 });
    const t1 = await videoTime(page);
    await until(async () => (await videoTime(page)) > t1 + 1, 20_000, 'playing again once visible');
    await page.getByRole('button', { name: 'Stop live view' }).click();
    await open(page, '#/cameras');
    await page
      .getByTestId('camera-grid')
      // The real image, not its loading placeholder (which carries the same name).
      .locator('img[alt="Latest snapshot of lobby-cam"]')
      .waitFor({ timeout: 20_000 });
    await shot(page, 'cameras');
  });

  it('falls back to MJPEG where Media Source Extensions are missing', { skip: cameraSkip }, async () => {
    assert.ok(camera, 'the camera test ran first');
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      await ctx.addInitScript('delete window.MediaSource; delete window.ManagedMediaSource;');
      const m = await ctx.newPage();
      await logIn(m, hub.url, 'admin', ADMIN_PASSWORD);
      const { cameras } = await hub.api<{ cameras: { id: number }[] }>('GET', '/cameras');
      await open(m, `#/cameras/${cameras[0]!.id}`);
      await m.getByRole('button', { name: 'Live view' }).click();
      await m.getByTestId('live-format').filter({ hasText: 'MJPEG' }).waitFor({ timeout: 30_000 });
      const img = m.getByRole('img', { name: 'Live view' });
      await until(
        () => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth > 0),
        20_000,
        'a JPEG frame',
      );
      await m.getByText('MJPEG because this browser has no Media Source Extensions').waitFor();
      await m.getByRole('button', { name: 'Stop live view' }).click();
    } finally {
      await ctx.close();
    }
  });

  it('shows the enrollment command and the admin pages', async () => {
    await open(page, '#/agents');
    await page.getByTestId('agents-table').getByText('online').waitFor();
    await page.getByRole('button', { name: 'Enroll an agent' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create token' }).click();
    const command = (await page.getByRole('dialog').locator('.copy code').textContent()) ?? '';
    assert.match(command, /^outpost-agent enroll --hub \S+ --token \S+/);
    await shot(page, 'agents');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await open(page, '#/admin/users');
    await page.getByRole('cell', { name: 'admin', exact: true }).first().waitFor();
    await open(page, '#/admin/audit');
    await page.getByText('POST /api/v1/devices').first().waitFor();
    await shot(page, 'admin-audit');
    await open(page, '#/');
    await page.getByTestId('count-devices').getByText(String(devices.length)).first().waitFor();
    await shot(page, 'overview');
    assert.deepEqual(errors, []);
  });

  it('finds a device from the header search and opens a site from the health grid with the keyboard', async () => {
    await open(page, '#/');
    await page.keyboard.press('/');
    await page.keyboard.type('demo-core');
    const option = page.getByRole('option', { name: /demo-core-sw/ });
    await option.waitFor();
    assert.equal(await option.getAttribute('aria-selected'), 'true', 'the first hit is active');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /demo-core-sw/ }).waitFor();
    // By IP address too, and the hit says what matched.
    await page.getByRole('combobox', { name: /Search sites, devices/ }).fill('127.0.1');
    await page
      .getByRole('option', { name: /IP 127\.0\.1\.\d+/ })
      .first()
      .waitFor();
    await page.keyboard.press('Escape');
    await open(page, '#/');
    const grid = page.getByTestId('health-grid');
    await grid.getByRole('link').first().waitFor();
    await grid.getByRole('link').first().focus();
    await page.keyboard.press('End');
    const last = (await grid.getByRole('link').count()) - 1;
    assert.equal(
      await page.evaluate('document.activeElement.getAttribute("aria-label")'),
      await grid.getByRole('link').nth(last).getAttribute('aria-label'),
      'End moved the focus to the last cell',
    );
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.getByText(/Rank 1 of \d+ sites/).waitFor();
  });

  it('passes axe-core (no serious or critical violations) on the main pages', async () => {
    const ids = await hub.api<{ devices: { id: number }[] }>('GET', '/devices?per_page=1');
    const pages: [string, string][] = [
      ['#/', 'Overview'],
      [`#/sites/${hub.siteId}`, 'Test branch'],
      ['#/devices', 'Devices'],
      [`#/devices/${ids.devices[0]!.id}`, 'demo-'],
      ['#/alerts?state=all', 'Alerts'],
      ['#/cameras', 'Cameras'],
      ['#/agents', 'Agents'],
      ['#/alerting/rules', 'Alerting'],
      ['#/alerting/maintenance', 'Alerting'],
      ['#/alerting/channels', 'Alerting'],
      ['#/admin/users', 'Admin'],
    ];
    for (const [hash, heading] of pages) {
      await open(page, hash);
      await page
        .getByRole('heading', { name: new RegExp(heading) })
        .first()
        .waitFor();
      await page.waitForLoadState('networkidle').catch(() => {});
      await assertAccessible(page, hash);
    }
    await open(page, '#/devices');
    await page.getByRole('button', { name: 'Add device' }).click();
    await page.getByLabel('Version').selectOption('3');
    await assertAccessible(page, 'the device form (SNMPv3)');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  });

  it('shows a viewer no write controls (the API refuses them anyway)', async () => {
    await hub.api('POST', '/users', { username: 'watcher', role: 'viewer', password: VIEWER_PASSWORD });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const v = await ctx.newPage();
      await logIn(v, hub.url, 'watcher', VIEWER_PASSWORD);
      assert.equal(await v.getByRole('link', { name: 'Admin' }).count(), 0);
      await open(v, '#/devices');
      await v.getByTestId('devices-table').getByText('demo-core-sw').waitFor();
      assert.equal(await v.getByRole('button', { name: 'Add device' }).count(), 0);
      await v.getByRole('link', { name: 'demo-core-sw' }).click();
      await v.getByRole('heading', { name: /demo-core-sw/ }).waitFor();
      assert.equal(await v.getByRole('button', { name: 'Poll now' }).count(), 0);
      assert.equal(await v.getByRole('button', { name: 'Edit' }).count(), 0);
      await open(v, '#/alerts?state=all');
      await v.getByTestId('alerts-table').locator('tbody tr').first().waitFor();
      assert.equal(await v.getByRole('button', { name: /Acknowledge/ }).count(), 0);
      await open(v, '#/cameras');
      await v.getByRole('heading', { name: 'Cameras' }).waitFor();
      assert.equal(await v.getByRole('button', { name: 'Add camera' }).count(), 0);
      await open(v, '#/agents');
      await v.getByTestId('agents-table').getByText('online').waitFor();
      assert.equal(await v.getByRole('button', { name: /Enroll|Revoke|Add site/ }).count(), 0);
      // The API is the authority: the viewer's own token is refused a write.
      const status = await v.evaluate(`(async () => {
        const r = await fetch('/api/v1/auth/web/refresh', { method: 'POST' });
        const { access_token } = await r.json();
        const poll = await fetch('/api/v1/devices/1/poll', { method: 'POST', headers: { authorization: 'Bearer ' + access_token } });
        return poll.status;
      })()`);
      assert.equal(status, 403);
    } finally {
      await ctx.close();
    }
  });

  it('gives a customer a login that sees only their sites (site group and scope set in the dashboard)', async () => {
    const shop = (await hub.api('POST', '/sites', { name: 'Customer shop' })) as { id: number };
    await hub.api('POST', '/site-groups', { name: 'Acme' });
    await hub.api('POST', '/users', { username: 'customer', role: 'operator', password: VIEWER_PASSWORD });
    // Its own admin session: the test stands alone (run by name) as well as after the others.
    const adminCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const a = await adminCtx.newPage();
    await logIn(a, hub.url, 'admin', ADMIN_PASSWORD);
    await open(a, '#/admin/site-groups');
    await a.getByLabel('Group of Customer shop').selectOption({ label: 'Acme' });
    await a.getByRole('row', { name: /Acme\s+1/ }).waitFor();
    await open(a, '#/admin/users');
    await a.getByRole('button', { name: 'Change sites of customer' }).click();
    const dialog = a.getByRole('dialog');
    await dialog.getByLabel('Only these sites and site groups').check();
    await dialog.getByLabel('Acme').check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await a.getByRole('cell', { name: /Acme \(group\)/ }).waitFor();
    await assertAccessible(a, 'the users page with a scoped user');
    await adminCtx.close();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const v = await ctx.newPage();
      await logIn(v, hub.url, 'customer', VIEWER_PASSWORD);
      await v.getByRole('link', { name: /^Customer shop:/ }).waitFor();
      assert.equal(await v.getByRole('link', { name: /^Test branch:/ }).count(), 0);
      const seen = await v.evaluate(`(async () => {
        const r = await fetch('/api/v1/auth/web/refresh', { method: 'POST' });
        const { access_token } = await r.json();
        const h = { authorization: 'Bearer ' + access_token };
        const sites = await (await fetch('/api/v1/sites', { headers: h })).json();
        const devices = await (await fetch('/api/v1/devices', { headers: h })).json();
        const other = await fetch('/api/v1/devices/1', { headers: h });
        return { sites: sites.sites.map((s) => s.id), devices: devices.pagination.total, other: other.status };
      })()`);
      assert.deepEqual(seen, { sites: [shop.id], devices: 0, other: 404 });
      // The audit log of their sites: the admin's change to the shop, not the hub-wide change of their own user.
      await v.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
      await v.getByRole('cell', { name: 'PUT /api/v1/sites/{id}', exact: true }).first().waitFor();
      assert.equal(await v.getByRole('cell', { name: 'PUT /api/v1/users/{id}', exact: true }).count(), 0);
      assert.equal((await v.getByRole('link', { name: String(shop.id), exact: true }).count()) > 0, true);
    } finally {
      await ctx.close();
    }
  });

  it('works on a phone-sized screen with the keyboard', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      const m = await ctx.newPage();
      await logIn(m, hub.url, 'admin', ADMIN_PASSWORD);
      const alertsLink = m.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' });
      assert.equal(await alertsLink.isVisible(), false, 'navigation folded behind the menu button');
      await m.getByRole('button', { name: /Menu/ }).focus();
      await m.keyboard.press('Enter');
      await alertsLink.waitFor();
      await alertsLink.focus();
      await m.keyboard.press('Enter');
      await m.getByRole('heading', { name: 'Alerts' }).waitFor();
      const width = Number(await m.evaluate('document.documentElement.scrollWidth'));
      assert.ok(width <= 400, `no horizontal page scroll (${width} px)`);
      await shot(m, 'phone-alerts');
    } finally {
      await ctx.close();
    }
  });

  it('logs out: the cookie session is revoked', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    assert.equal(
      (await admin.cookies()).find((c) => c.name === 'outpost_refresh'),
      undefined,
    );
  });
});
