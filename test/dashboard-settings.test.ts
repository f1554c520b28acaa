import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type AllInOne, startAllInOne } from '../demo/all-in-one.js';
import { sign } from '../hub/src/notifiers/webhook.js';
import { assertAccessible, launchChromium, logIn, open, shot } from './support/browser.js';
import { needPeers } from './support/peers.js';
import { freeUdpPort, type RunningSnmpd, startSnmpd } from './support/snmpd.js';
import { until as waitUntil } from './support/wait.js';

const until = <T>(check: () => T | Promise<T>, timeoutMs: number, what: string) =>
  waitUntil(check, timeoutMs, what, 100);

const skip = needPeers('chromium', 'snmpd');
const ADMIN_PASSWORD = 'violet-harbour-lantern-31';
const HMAC = 'settings-webhook-secret-0123456789';
// A value in tenths at an OID of the test's choosing (NET-SNMP-MIB's experimental playpen), served by snmpd.
const CUSTOM_OID = '1.3.6.1.4.1.8072.9999.9999.1.0';
const CUSTOM_RAW = 100 + Math.floor(Math.random() * 800);

interface Hook {
  event: string;
  alert: { id: number; device_id: number | null } | null;
  verified: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: API bodies are walked freely in assertions
type Json = Record<string, any>;

/** Fills a labelled field inside the open dialog. */
const fill = (page: Page, label: string | RegExp, value: string) =>
  page
    .getByRole('dialog')
    .getByLabel(label, { exact: typeof label === 'string' })
    .fill(value);

describe('dashboard settings in a real browser: SNMPv3, wrong community, channels, maintenance, rules', {
  skip,
  timeout: 300_000,
}, () => {
  let dir: string;
  let snmpd: RunningSnmpd;
  let hub: AllInOne;
  let browser: Browser;
  let page: Page;
  let receiver: Server;
  let receiverUrl: string;
  const hooks: Hook[] = [];
  const errors: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-settings-'));
    snmpd = await startSnmpd({
      sysName: 'lab-v3-switch',
      extraConfig: [`override .${CUSTOM_OID} integer ${CUSTOM_RAW}`],
    });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const m = /^t=(\d+),v1=([0-9a-f]+)$/.exec(String(req.headers['x-outpost-signature']));
        const parsed = JSON.parse(body) as { event: string; alert?: Hook['alert'] };
        hooks.push({
          event: parsed.event,
          alert: parsed.alert ?? null,
          verified: !!m && m[2] === sign(HMAC, Number(m[1]), body),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/outpost`;
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
        OUTPOST_SITE_NAME: 'Lab',
        OUTPOST_ALERT_SETTLE_MS: '200',
        // The local receiver is on loopback, which notifications may not reach unless allowed.
        OUTPOST_NOTIFY_ALLOWED_NETWORKS: '127.0.0.1/32',
      },
      say: () => {},
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    await logIn(page, hub.url, 'admin', ADMIN_PASSWORD);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await hub?.close().catch(() => {});
    await snmpd?.stop();
    if (receiver) await new Promise<void>((r) => receiver.close(() => r()));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const device = async (name: string) => {
    const { devices } = await hub.api<{ devices: Json[] }>('GET', `/devices?q=${encodeURIComponent(name)}`);
    return devices.find((d) => d.name === name);
  };

  /** Opens the device form and fills what every device needs. */
  async function addDevice(name: string, version: '2c' | '3') {
    await open(page, '#/devices');
    await page.getByRole('button', { name: 'Add device' }).click();
    await fill(page, 'Name', name);
    await fill(page, 'IP address', '127.0.0.1');
    await fill(page, 'Poll every (s)', '5');
    await page.getByRole('dialog').getByLabel('Version').selectOption(version);
    await fill(page, 'Port', String(snmpd.port));
    await fill(page, /^Timeout/, '500');
    await fill(page, /^Retries/, '0');
  }

  it('an operator adds an SNMPv3 device against the real snmpd v3 user: the test answers and it comes online', async () => {
    const u = snmpd.v3;
    await addDevice('v3-core', '3');
    await fill(page, 'Username', u.user);
    await page.getByRole('dialog').getByLabel('Security level').selectOption('authPriv');
    await page.getByRole('dialog').getByLabel('Authentication protocol').selectOption(u.authProtocol!);
    await fill(page, 'Authentication key', u.authKey!);
    await page.getByRole('dialog').getByLabel('Privacy protocol').selectOption(u.privProtocol!);
    await fill(page, 'Privacy key', u.privKey!);
    await assertAccessible(page, 'the SNMPv3 device form');
    await page.getByRole('button', { name: 'Save and test' }).click();
    const result = page.getByTestId('poll-result');
    await result.waitFor({ timeout: 60_000 });
    assert.match((await result.textContent()) ?? '', /The device answers as lab-v3-switch/);
    // The keys left the form and are not shown again; the API says only that they are stored.
    assert.equal(await page.getByRole('dialog').getByLabel('Authentication key').inputValue(), '');
    await page.getByRole('dialog').getByText('Stored: leave empty to keep it').first().waitFor();
    await shot(page, 'device-form-v3');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await page
      .getByTestId('devices-table')
      .locator('tr', { hasText: 'v3-core' })
      .getByText('online')
      .waitFor({ timeout: 30_000 });
    const d = await device('v3-core');
    assert.equal(d?.snmp.version, '3');
    assert.deepEqual([d?.snmp.has_auth_key, d?.snmp.has_priv_key], [true, true]);
    assert.ok(!JSON.stringify(d).includes(u.authKey!) && !JSON.stringify(d).includes(u.privKey!));
  });

  it('an operator adds a custom OID on the device page (a bad scale refused by name), sees its reading, removes it', async () => {
    const d = (await device('v3-core'))!;
    await open(page, `#/devices/${d.id}`);
    const card = page.getByTestId('custom-oids');
    await card.getByText(/None: the device's profiles only/).waitFor();
    await card.getByRole('button', { name: 'Add a custom OID' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a custom OID' });
    await dialog.getByLabel('OID').fill(`.${CUSTOM_OID}`);
    await dialog.getByLabel('Metric name').fill('cabinet_temp');
    await dialog.getByLabel('Unit').fill('celsius');
    await dialog.getByLabel('Scale').fill('0');
    await assertAccessible(page, 'the custom OID form');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await dialog.getByRole('alert').getByText('Scale: must not be 0').waitFor();
    assert.deepEqual((await hub.api<Json>('GET', `/devices/${d.id}/custom-oids`)).custom_oids, []);
    await dialog.getByLabel('Scale').fill('0.1');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await card.getByTestId('custom-oid-row').getByText('cabinet_temp').waitFor();
    assert.deepEqual((await hub.api<Json>('GET', `/devices/${d.id}/custom-oids`)).custom_oids, [
      {
        oid: CUSTOM_OID,
        name: 'cabinet_temp',
        type: 'gauge',
        unit: 'celsius',
        scale: 0.1,
        walk: false,
      },
    ]);
    // The agent gets the entry in its config; Poll now reads it and the card shows the scaled value.
    await page.getByRole('button', { name: 'Poll now' }).click();
    await card
      .getByTestId('custom-oid-latest')
      .getByText(`${Number((CUSTOM_RAW * 0.1).toPrecision(6))} celsius`, { exact: true })
      .waitFor({ timeout: 30_000 });
    await card.getByRole('button', { name: 'Remove cabinet_temp' }).click();
    await card.getByText(/None: the device's profiles only/).waitFor();
    assert.deepEqual((await hub.api<Json>('GET', `/devices/${d.id}/custom-oids`)).custom_oids, []);
  });

  it('a device with a wrong community shows auth_failed and says that no answer came with this community', async () => {
    await addDevice('wrong-community', '2c');
    await fill(page, 'Community', 'not-the-community');
    await page.getByRole('button', { name: 'Save and test' }).click();
    const result = page.getByTestId('poll-result');
    await result.waitFor({ timeout: 60_000 });
    const text = (await result.textContent()) ?? '';
    assert.match(text, /Credentials refused \(auth_failed\)/);
    assert.match(text, /no answer with this community/);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    const row = page.getByTestId('devices-table').locator('tr', { hasText: 'wrong-community' });
    await row.getByText('auth failed').waitFor({ timeout: 30_000 });
    await row.getByText(/no answer with this community/).waitFor();
    assert.equal((await device('wrong-community'))?.status, 'auth_failed');
  });

  it('an operator sets up a channel with a route, and its test delivery reaches a local receiver', async () => {
    await open(page, '#/alerting/channels');
    await page.getByRole('button', { name: 'Add channel' }).click();
    await fill(page, 'Name', 'noc-hook');
    await fill(page, 'URL', receiverUrl);
    await fill(page, 'Signing secret (HMAC)', HMAC);
    await page.getByRole('button', { name: 'Add a route' }).click();
    const route = page.getByRole('group', { name: 'Route 1 severities' });
    await route.getByRole('checkbox', { name: 'critical' }).check();
    await route.getByRole('checkbox', { name: 'high' }).check();
    await fill(page, 'Repeat every (minutes)', '0');
    await assertAccessible(page, 'the channel form with a route');
    await shot(page, 'channel-form');
    await page.getByRole('button', { name: 'Save and send a test' }).click();
    await page
      .getByTestId('channel-test')
      .filter({ hasText: 'Test message delivered' })
      .waitFor({ timeout: 20_000 });
    const test = hooks.find((h) => h.event === 'test');
    assert.ok(test, `the receiver got the test: ${JSON.stringify(hooks)}`);
    assert.equal(test.verified, true, 'signed with the channel secret');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    const { channels } = await hub.api<{ channels: Json[] }>('GET', '/notification-channels');
    assert.deepEqual(channels.find((c) => c.name === 'noc-hook')?.routes, [
      {
        scope: { type: 'all' },
        severities: ['critical', 'high'],
        rules: null,
        delay_s: 0,
        repeat_interval_s: 0,
      },
    ]);
    await page.getByTestId('channels-table').getByText('critical/high').waitFor();
  });

  it('an operator creates a weekly maintenance window, and an alert inside it is not notified', async () => {
    // Two devices with nothing listening on their port: one inside the window, one outside it.
    const silent = async (name: string) =>
      (
        await hub.api<Json>('POST', '/devices', {
          name,
          ip_address: '127.0.0.1',
          site_id: hub.siteId,
          poll_interval_s: 5,
          snmp: { version: '2c', community: 'x', port: await freeUdpPort(), timeout_ms: 300, retries: 0 },
        })
      ).id as number;
    // The device inside the window answers until the window exists; then it is pointed at a silent port.
    const inside = (
      await hub.api<Json>('POST', '/devices', {
        name: 'quiet-in-maintenance',
        ip_address: '127.0.0.1',
        site_id: hub.siteId,
        poll_interval_s: 5,
        snmp: { version: '2c', community: snmpd.community, port: snmpd.port, timeout_ms: 300, retries: 0 },
      })
    ).id as number;
    // The window runs now, every week on the day it started (UTC), from an hour ago to an hour from now.
    const start = new Date(Date.now() - 3600_000);
    const end = new Date(Date.now() + 3600_000);
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][start.getUTCDay()]!;
    await open(page, '#/alerting/maintenance');
    await page.getByRole('button', { name: 'Add window' }).click();
    await fill(page, 'Name', 'Weekly switch work');
    await page.getByRole('dialog').getByLabel('Applies to').selectOption('device');
    await fill(page, 'Device', 'quiet-in-maintenance');
    await page
      .getByRole('dialog')
      .getByText(/Chosen: quiet-in-maintenance/)
      .waitFor();
    await page.getByRole('radio', { name: 'Every week' }).check();
    const days = page.getByRole('group', { name: 'Days' });
    for (const d of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])
      await days.getByRole('checkbox', { name: d }).setChecked(d === day);
    await fill(page, 'From', hhmm(start));
    await fill(page, 'To', hhmm(end));
    await fill(page, 'Time zone', 'UTC');
    await assertAccessible(page, 'the weekly maintenance form');
    await page.getByRole('button', { name: 'Add window' }).last().click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const table = page.getByTestId('maintenance-table');
    await table.locator('tr', { hasText: 'Weekly switch work' }).getByText('active now').waitFor();
    await page.getByTestId('maintenance-week').getByText('Weekly switch work').first().waitFor();
    await shot(page, 'maintenance');
    const { windows } = await hub.api<{ windows: Json[] }>('GET', '/maintenance');
    assert.deepEqual(windows[0]?.scope, { type: 'device', id: inside });
    assert.equal(windows[0]?.schedule.type, 'weekly');
    await hub.api('PUT', `/devices/${inside}`, { snmp: { port: await freeUdpPort() } });
    // Now the control device, outside the window: its alert is notified, which shows the channel works.
    const outside = await silent('loud-control');
    const alertOf = async (id: number) =>
      (await hub.api<{ alerts: Json[] }>('GET', `/alerts?device_id=${id}&rule=device-unreachable`)).alerts[0];
    const loud = await until(alertOf.bind(null, outside), 60_000, 'the control alert');
    await until(
      () => hooks.find((h) => h.event === 'problem' && h.alert?.id === loud.id),
      30_000,
      'the control alert notified',
    );
    const quiet = await until(alertOf.bind(null, inside), 60_000, 'the alert inside the window');
    assert.equal(quiet.state, 'open');
    assert.equal(quiet.maintenance_id, windows[0]?.id);
    // Given the same time as the control alert had to be delivered: nothing for the one in maintenance.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(
      hooks.filter((h) => h.alert?.id === quiet.id).length,
      0,
      'nothing sent for the alert inside the window',
    );
    const sent = await hub.api<{ notifications: Json[] }>('GET', `/alerts/${quiet.id}/notifications`);
    assert.deepEqual(sent.notifications, []);
    await open(page, `#/alerts?state=all&id=${quiet.id}`);
    await page.getByTestId('one-alert').getByText('None sent.').waitFor();
  });

  it('previews a threshold rule over the stored samples while the operator types it', async () => {
    await open(page, '#/alerting/rules');
    await page.getByRole('button', { name: 'Add threshold rule' }).click();
    await fill(page, 'Name', 'Uptime seen');
    await fill(page, 'Metric', 'sys_uptime');
    await fill(page, 'Threshold', '0');
    await fill(page, 'For (minutes)', '0');
    const fired = page.getByTestId('preview-fired');
    await until(
      async () => Number((await fired.textContent().catch(() => '0')) || 0) >= 1,
      30_000,
      'a preview',
    );
    await page
      .getByTestId('rule-preview')
      .getByText(/v3-core/)
      .first()
      .waitFor();
    await assertAccessible(page, 'the rule form with its preview');
    await shot(page, 'rule-preview');
    await fill(page, 'Threshold', '1000000000');
    await until(async () => (await fired.textContent()) === '0', 20_000, 'a preview that never fires');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByTestId('rules-table').getByText('sys_uptime > 1000000000').waitFor();
    assert.deepEqual(errors, []);
  });
});
