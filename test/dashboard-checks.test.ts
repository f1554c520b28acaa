// Checks and traps in the dashboard, in a real browser against the all-in-one hub and its real agent: an operator
// adds a device without SNMP through the device form, adds an HTTP check to it through the check form (built from
// the kind's schema) and sees it come up with its response time; a vendor trap sent with Debian's snmptrap shows
// on the device page with its varbinds, "Alert on this trap" makes a trap-oid rule, and the next such trap opens
// an alert on the device; a camera whose PoE port stopped delivering power as it went offline says so on its page.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { type AllInOne, startAllInOne } from '../demo/all-in-one.js';
import { storeSamples } from '../hub/src/store/samples.testing.js';
import { assertAccessible, launchChromium, logIn, open, shot } from './support/browser.js';
import { needPeers } from './support/peers.js';
import { freeUdpPort } from './support/snmpd.js';
import { until as waitUntil } from './support/wait.js';

const until = <T>(check: () => T | Promise<T>, timeoutMs: number, what: string) =>
  waitUntil(check, timeoutMs, what, 100);
const run = promisify(execFile);
const snmpEnv = { ...process.env, MIBS: '', MIBDIRS: '/nonexistent' };

const skip = needPeers('chromium', 'snmptrap');
const ADMIN_PASSWORD = 'amber-lighthouse-gravel-72';
const COMMUNITY = 'door-trap-community';
const DOOR_TRAP = '1.3.6.1.4.1.99999.0.7';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are walked freely in assertions
type Json = Record<string, any>;

const dialog = (page: Page) => page.getByRole('dialog');

describe('checks and traps in the dashboard', { skip, timeout: 240_000 }, () => {
  let dir: string;
  let hub: AllInOne;
  let browser: Browser;
  let page: Page;
  let web: Server;
  let webUrl: string;
  let trapPort: number;
  let deviceId = 0;
  const errors: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-dash-checks-'));
    web = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('Door controller OK'),
    );
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;
    trapPort = await freeUdpPort();
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
        OUTPOST_SITE_NAME: 'School',
        OUTPOST_ALERT_SETTLE_MS: '200',
      },
      say: () => {},
    });
    await hub.api('PUT', `/sites/${hub.siteId}/traps`, {
      enabled: true,
      port: trapPort,
      address: '127.0.0.1',
      communities: [COMMUNITY],
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    await logIn(page, hub.url, 'admin', ADMIN_PASSWORD);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await hub?.close().catch(() => {});
    if (web) await new Promise<void>((r) => web.close(() => r()));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('adds a device without SNMP and an HTTP check through the forms; the check comes up through the agent', async () => {
    await open(page, '#/devices');
    await page.getByRole('button', { name: 'Add device' }).click();
    await dialog(page).getByLabel('Name', { exact: true }).fill('door-controller');
    await dialog(page).getByLabel('IP address').fill('127.0.0.1');
    await dialog(page)
      .getByRole('checkbox', { name: /Polled by SNMP/ })
      .uncheck();
    assert.equal(await dialog(page).getByLabel('Community').count(), 0, 'no SNMP fields without SNMP');
    await dialog(page).getByRole('button', { name: 'Save', exact: true }).click();
    await until(
      async () =>
        (await hub.api<{ devices: Json[] }>('GET', '/devices?q=door-controller')).devices.length === 1,
      10_000,
      'the device saved',
    );
    const [saved] = (await hub.api<{ devices: Json[] }>('GET', '/devices?q=door-controller')).devices;
    deviceId = saved!.id;
    assert.equal(saved!.snmp, null);

    await open(page, `#/devices/${deviceId}`);
    await page.getByText('none: watched by its checks').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Poll now' }).count(), 0, 'nothing to poll');
    await page.getByRole('button', { name: 'Add a check' }).click();
    await dialog(page).getByLabel('Name', { exact: true }).fill('web page');
    await dialog(page).getByLabel('Kind').selectOption('http');
    await dialog(page).getByLabel('url', { exact: true }).fill(webUrl);
    await dialog(page).getByLabel('keyword (optional)').fill('Door controller OK');
    await dialog(page).getByLabel('Every (s)').fill('5');
    await dialog(page).getByRole('button', { name: 'Save' }).click();
    await dialog(page).waitFor({ state: 'detached' });

    const row = page.getByTestId('check-row').filter({ hasText: 'web page' });
    await row.getByText(webUrl).waitFor();
    // The agent gets the check with its next config, runs it, and the row follows live.
    await until(async () => /✔\s*up/.test(await row.innerText()), 60_000, 'the check up on the page');
    assert.match(await row.innerText(), /\d+ ms/);
    const [check] = (await hub.api<{ checks: Json[] }>('GET', `/checks?device_id=${deviceId}`)).checks;
    assert.deepEqual(check!.params, {
      url: webUrl,
      keyword: 'Door controller OK',
      method: 'GET',
      expect_status: '200-399',
      keyword_absent: false,
      max_redirects: 5,
      verify_tls: true,
    });
    await until(
      async () => (await hub.api<Json>('GET', `/devices/${deviceId}`)).status === 'online',
      20_000,
      'the device online through its check',
    );
    await page.getByTestId('device-events').getByText('Check web page').first().waitFor();
    await assertAccessible(page, 'device page with checks');
    await shot(page, 'device-checks');
  });

  it('shows an unknown trap with its varbinds, and turns it into an alert rule by OID', async () => {
    assert.ok(deviceId, 'the device of the first test');
    const send = () =>
      run(
        'snmptrap',
        [
          '-v',
          '2c',
          '-c',
          COMMUNITY,
          `127.0.0.1:${trapPort}`,
          '',
          DOOR_TRAP,
          '1.3.6.1.4.1.99999.1.1',
          's',
          'rear door forced',
        ],
        { env: snmpEnv },
      );
    let last = 0;
    const sendEverySecond = async () => {
      if (Date.now() - last >= 1000) {
        last = Date.now();
        await send();
      }
      return true;
    };
    await until(
      async () => {
        await sendEverySecond();
        const { events } = await hub.api<{ events: Json[] }>(
          'GET',
          `/devices/${deviceId}/events?type=snmp_trap`,
        );
        return events.length > 0;
      },
      30_000,
      'the trap at the hub (the agent starts its receiver with its config)',
    );
    // The site page shows the receiver the hub set, and adds an SNMPv3 inform user through its form.
    await open(page, `#/sites/${hub.siteId}`);
    const card = page.getByTestId('site-traps');
    await card.getByText(`receives traps on udp/${trapPort}`).waitFor();
    assert.match(await card.innerText(), /settings of this site[\s\S]*1 community stored/);
    await card.getByRole('button', { name: 'Edit' }).click();
    await dialog(page).getByLabel('Username').fill('door-informer');
    await dialog(page).getByLabel('Authentication key').fill('door-auth-pass-1');
    await dialog(page).getByLabel('Privacy key').fill('door-priv-pass-1');
    await dialog(page).getByRole('button', { name: 'Save' }).click();
    await card.getByText(/door-informer \(authPriv\)/).waitFor();
    const stored = await hub.api<Json>('GET', `/sites/${hub.siteId}/traps`);
    assert.equal(stored.communities_set, 1, 'the community kept');
    assert.deepEqual(
      stored.users.map((u: Json) => [u.username, u.has_auth_key, u.has_priv_key]),
      [['door-informer', true, true]],
    );
    assert.ok(!JSON.stringify(stored).includes('door-auth-pass-1'), 'keys are never shown');

    await open(page, '#/devices');
    await open(page, `#/devices/${deviceId}`);
    const trap = page.getByTestId('event-snmp_trap').first();
    await trap.getByText(DOOR_TRAP).waitFor();
    await trap.getByText('kept here only').waitFor();
    await trap.locator('summary').click();
    await trap.getByTestId('varbinds').getByText('rear door forced').waitFor();
    assert.match(await trap.getByTestId('varbinds').innerText(), /1\.3\.6\.1\.4\.1\.99999\.1\.1/);

    await trap.getByRole('button', { name: 'Alert on this trap' }).click();
    await trap.getByRole('link', { name: `Trap ${DOOR_TRAP} from door-controller` }).waitFor();
    const rules = (await hub.api<{ rules: Json[] }>('GET', '/alert-rules')).rules.filter(
      (r) => r.kind === 'trap-oid',
    );
    assert.equal(rules.length, 1);
    assert.deepEqual(rules[0]!.params.scope, { type: 'device', id: deviceId });
    assert.equal(rules[0]!.params.trap_oid, DOOR_TRAP);

    // The engine takes up a new rule at its next tick: traps keep coming until one opens the alert.
    await until(
      async () =>
        (await sendEverySecond()) &&
        (
          await hub.api<{ alerts: Json[] }>(
            'GET',
            `/alerts?device_id=${deviceId}&rule=${encodeURIComponent(rules[0]!.key)}`,
          )
        ).alerts.length === 1,
      30_000,
      'the alert from the next trap',
    );
    assert.deepEqual(errors, []);
  });

  it("shows the PoE port that stopped powering an offline camera as the likely cause on the camera's page", async () => {
    const sw = await hub.api<Json>('POST', '/devices', {
      name: 'poe-switch',
      ip_address: '192.0.2.10',
      site_id: hub.siteId,
      snmp: { version: '2c', community: 'c0mmunity' },
    });
    const cam = await hub.api<Json>('POST', '/cameras', {
      name: 'gate-camera',
      rtsp_url: 'rtsp://192.0.2.21/live',
      site_id: hub.siteId,
      parent_id: sw.id,
    });
    // The operator sets the camera's PoE port in the camera form.
    await open(page, `#/cameras/${cam.id}`);
    await page.getByRole('button', { name: 'Edit' }).click();
    await dialog(page).getByLabel('PoE port').fill('1.5');
    await dialog(page).getByRole('button', { name: 'Save' }).click();
    await dialog(page).waitFor({ state: 'detached' });
    assert.equal((await hub.api<Json>('GET', `/cameras/${cam.id}`)).poe_port, '1.5');
    // The switch reported port 1.5 delivering, then not, as the camera went from online to unreachable.
    const now = Date.now();
    await storeSamples(
      hub.hub.ctx.store,
      [
        [4, 1],
        [3, 1],
        [2, 0],
        [1, 0],
      ].map(([m, value]) => ({
        kind: 'device' as const,
        target: String(sw.id),
        metric: 'poe_port_delivering',
        labels: { poe_port: '1.5' },
        ts: now - m! * 60_000,
        value: value!,
      })),
    );
    const { store } = hub.hub.ctx;
    await store.cameras.setState({ id: cam.id, status: 'online', reason: null, ts: now - 3 * 60_000 });
    await store.cameras.setState({ id: cam.id, status: 'unreachable', reason: 'timeout', ts: now - 60_000 });
    await open(page, '#/cameras');
    await open(page, `#/cameras/${cam.id}`);
    const cause = page.getByTestId('likely-cause');
    await cause.waitFor();
    assert.match(
      await cause.innerText(),
      /^Likely cause: PoE port 1\.5 of poe-switch stopped delivering power at /,
    );
    assert.equal(await cause.getByRole('link').getAttribute('href'), `#/devices/${sw.id}`);
    assert.deepEqual(errors, []);
  });
});
