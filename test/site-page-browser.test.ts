// The site page in a real browser, as a new operator uses it: add a credential set, press Discover, accept what
// was found, and watch the site's map and upstream parents appear; pin a parent; export the devices (no secret in
// the file); import a CSV of devices through its dry run; as an operator, build a set of v2c, v3 and camera
// logins and reorder it by keyboard, its secrets kept and never shown.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type AllInOne, startAllInOne } from '../demo/all-in-one.js';
import { DEMO_HUB_DEFAULTS } from '../demo/demo-settings.js';
import { type DiscoveredSite, startDiscoveredSite } from '../demo/discovered-site.js';
import { assertAccessible, launchChromium, logIn, open, shot } from './support/browser.js';
import { needPeers } from './support/peers.js';
import { until as waitUntil } from './support/wait.js';

const until = <T>(check: () => T | Promise<T>, timeoutMs: number, what: string) =>
  waitUntil(check, timeoutMs, what, 200);

const skip =
  needPeers('chromium', 'fping') || (process.platform !== 'linux' && 'needs the 127/8 loopback range');
const ADMIN_PASSWORD = 'correct-horse-battery-staple-9';

describe('the site page in a real browser: discover, accept, map', { skip, timeout: 240_000 }, () => {
  let dir: string;
  let hub: AllInOne;
  let lab: DiscoveredSite;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-site-page-'));
    const b = randomBytes(2);
    lab = await startDiscoveredSite(`127.${100 + (b[0]! % 100)}.${b[1]}`);
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
        OUTPOST_SITE_NAME: 'Lab branch',
        OUTPOST_TOPOLOGY_INTERVAL_S: '30',
      },
      // The demo's own settings: its discovered site must be discoverable as `npm run demo` starts the hub.
      defaults: DEMO_HUB_DEFAULTS,
      say: () => {},
    });
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    await logIn(page, hub.url, 'admin', ADMIN_PASSWORD);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await hub?.close().catch(() => {});
    await lab?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('adds a credential set through its dialog; the community is never shown again', async () => {
    const community = lab.devices[0]!.community;
    await open(page, `#/sites/${hub.siteId}`);
    await page.getByRole('heading', { name: 'Lab branch' }).waitFor();
    const sets = page.getByTestId('credential-sets');
    await sets.getByRole('button', { name: 'Add a set' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a credential set' });
    await dialog.getByLabel('Name', { exact: true }).fill('lab network');
    await dialog
      .getByRole('group', { name: 'SNMP credential 1' })
      .getByLabel('Community')
      .fill('not-this-one');
    await dialog.getByRole('button', { name: 'Add an SNMP credential' }).click();
    await dialog.getByRole('group', { name: 'SNMP credential 2' }).getByLabel('Community').fill(community);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await sets.getByText('lab network').waitFor();
    assert.match(await sets.innerText(), /SNMP v2c ✓, SNMP v2c ✓/);
    assert.ok(!(await page.content()).includes(community), 'the community is not in the page');
  });

  it('Discover finds the network and Accept all creates its devices', async () => {
    await page.getByTestId('discover').click();
    await page.getByTestId('discover-cidrs').fill(lab.range);
    await page.getByTestId('discover-ports').fill('');
    await page.getByTestId('discover-snmp-port').fill(String(lab.snmpPort));
    await page.getByTestId('discover-start').click();
    const rows = page.locator('[data-testid=discovered] tr[data-status=new]');
    await until(async () => (await rows.count()) >= lab.devices.length, 60_000, 'discovered hosts listed');
    const text = await page.getByTestId('discovered').innerText();
    for (const d of lab.devices) assert.ok(text.includes(d.name), `${d.name} listed with its sysName`);
    await page.getByTestId('accept-all').click();
    await page.getByText(`Created ${lab.devices.length}`).waitFor({ timeout: 20_000 });
    const devices = await hub.api<{ devices: { name: string }[] }>(
      'GET',
      `/devices?site_id=${hub.siteId}&per_page=100`,
    );
    for (const d of lab.devices)
      assert.ok(
        devices.devices.some((x) => x.name === d.name),
        `${d.name} created`,
      );
  });

  it('the map draws the devices from the agent down, with port names and inferred parents', async () => {
    const nodes = page.locator('[data-testid=site-map] g.node-device');
    const inferred = page.locator('[data-testid=dependencies] tbody tr', { hasText: 'inferred' });
    const ap = page.locator('[data-testid=dependencies] tbody tr', { hasText: 'ap-1' });
    // The agent reads each device's tables within one topology interval (30 s here), spread over it: the map
    // settles once every device has reported (until then the agent may be placed behind a partial view).
    await until(
      async () =>
        (await nodes.count()) >= lab.devices.length &&
        (await inferred.count()) >= lab.devices.length &&
        /Agent position: the agent's MAC is learnt on core-sw/.test(
          await page.getByTestId('site-map').innerText(),
        ) &&
        /\taccess-1\t/.test(await ap.innerText()),
      120_000,
      'every device on the map behind the core, with an inferred parent',
    );
    assert.ok(
      (await page.locator('[data-testid=site-map] text.port-label').count()) > 0,
      'port names on links',
    );
    await shot(page, 'site-map');
    await assertAccessible(page, 'site page');
  });

  it('pins an inferred parent', async () => {
    const row = page.locator('[data-testid=dependencies] tbody tr', { hasText: 'ap-2' });
    await row.getByRole('button', { name: 'Pin' }).click();
    await row.getByRole('button', { name: 'Unpin' }).waitFor({ timeout: 10_000 });
    assert.match(await row.innerText(), /pinned/);
  });

  it('exports the devices as CSV without a secret', async () => {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('bulk-devices').getByRole('button', { name: 'Export devices (CSV)' }).click(),
    ]);
    const text = fs.readFileSync((await file.path()) as string, 'utf8');
    assert.match(text.split('\n')[0]!, /^site,name,ip_address/);
    for (const d of lab.devices) {
      assert.ok(text.includes(d.name));
      assert.ok(!text.includes(d.community), 'the community never leaves the hub');
    }
  });

  it('imports devices from a CSV: the dry run names the refused line and column, then Import creates the rest', async () => {
    // A loopback address outside the swept range: the agent's polls of it stay on this machine.
    const ip = lab.range.replace(/\.0\/29$/, '.40');
    const csv = [
      'site,name,ip_address,device_type,snmp_version,snmp_community',
      `Lab branch,imported-sw,${ip},switch,2c,imported-community`,
      'Lab branch,bad-address,10.0.0.999,switch,2c,imported-community',
    ].join('\n');
    const bulk = page.getByTestId('bulk-devices');
    await page.getByTestId('import-devices').setInputFiles({
      name: 'devices.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    const plan = page.getByTestId('import-plan');
    await plan.waitFor();
    assert.match(await plan.innerText(), /Would create 1, update 0, leave 0 unchanged, refuse 1\./);
    assert.match(await plan.innerText(), /line 3: ip_address: /);
    await bulk.getByRole('button', { name: 'Import', exact: true }).click();
    await bulk
      .getByText('Imported: 1 created, 0 updated, 0 unchanged, 1 refused.')
      .waitFor({ timeout: 10_000 });
    const devices = await hub.api<{ devices: { name: string; ip_address: string }[] }>(
      'GET',
      `/devices?site_id=${hub.siteId}&per_page=100`,
    );
    assert.deepEqual(
      devices.devices
        .filter((d) => d.name === 'imported-sw' || d.name === 'bad-address')
        .map((d) => d.ip_address),
      [ip],
    );
    assert.deepEqual(errors, []);
  });

  // After discovery: the site's sets are what a Discover without a choice tries.
  it('an operator builds a set of a v2c community, a v3 user and two camera logins, then reorders it', async () => {
    const secrets = {
      community: `c-${randomBytes(6).toString('hex')}`,
      auth: `a-${randomBytes(6).toString('hex')}`,
      priv: `p-${randomBytes(6).toString('hex')}`,
      cam1: `k-${randomBytes(6).toString('hex')}`,
      cam2: `q-${randomBytes(6).toString('hex')}`,
    };
    const noSecretIn = (text: string, what: string) => {
      for (const [k, v] of Object.entries(secrets)) assert.ok(!text.includes(v), `${what} holds no ${k}`);
    };
    await hub.api('POST', '/users', { username: 'site-op', role: 'operator', password: ADMIN_PASSWORD });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const op = await context.newPage();
    op.on('pageerror', (err) => errors.push(err.message));
    try {
      await logIn(op, hub.url, 'site-op', ADMIN_PASSWORD);
      await open(op, `#/sites/${hub.siteId}`);
      const sets = op.getByTestId('credential-sets');
      await sets.getByRole('button', { name: 'Add a set' }).click();
      const add = op.getByRole('dialog', { name: 'Add a credential set' });
      // A name the site already uses: refused by the API, named in the dialog's words, nothing stored.
      const countSets = async () =>
        (await hub.api<{ sets: unknown[] }>('GET', `/credential-sets?site_id=${hub.siteId}`)).sets.length;
      const setsBefore = await countSets();
      await add.getByLabel('Name', { exact: true }).fill('lab network');
      await add
        .getByRole('group', { name: 'SNMP credential 1' })
        .getByLabel('Community')
        .fill(secrets.community);
      await add.getByRole('button', { name: 'Save' }).click();
      await add.getByRole('alert').getByText('Name: already used').waitFor();
      assert.equal(await countSets(), setsBefore);
      await add.getByLabel('Name', { exact: true }).fill('shop logins');
      await add.getByRole('button', { name: 'Add an SNMP credential' }).click();
      const v3 = add.getByRole('group', { name: 'SNMP credential 2' });
      await v3.getByLabel('Version').selectOption('3');
      await v3.getByLabel('Username').fill('monitor');
      await v3.getByLabel('Authentication protocol').selectOption('sha256');
      await v3.getByLabel('Authentication key').fill(secrets.auth);
      await v3.getByLabel('Privacy key').fill(secrets.priv);
      for (const [n, user, pass] of [
        [1, 'viewer', secrets.cam1],
        [2, 'installer', secrets.cam2],
      ] as const) {
        await add.getByRole('button', { name: 'Add a camera login' }).click();
        const cam = add.getByRole('group', { name: `Camera login ${n}` });
        await cam.getByLabel('Username').fill(user);
        await cam.getByLabel('Password').fill(pass);
      }
      await assertAccessible(op, 'credential set dialog');
      await shot(op, 'credential-set-dialog');
      await add.getByRole('button', { name: 'Save' }).click();
      await sets.getByText('shop logins').waitFor();
      assert.match(
        await sets.innerText(),
        /shop logins: SNMP v2c ✓, SNMP v3 monitor ✓; camera viewer ✓, camera installer ✓/,
      );
      type SetView = {
        id: number;
        name: string;
        snmp: Record<string, unknown>[];
        camera: Record<string, unknown>[];
      };
      const find = async () =>
        (await hub.api<{ sets: SetView[] }>('GET', `/credential-sets?site_id=${hub.siteId}`)).sets.find(
          (s) => s.name === 'shop logins',
        )!;
      const created = await find();
      // Only what the API shows, undefined fields dropped.
      const shape = (s: SetView): { snmp: Record<string, unknown>[]; camera: Record<string, unknown>[] } =>
        JSON.parse(
          JSON.stringify({
            snmp: s.snmp.map((e) => ({
              id: e.id,
              version: e.version,
              username: e.username,
              security_level: e.security_level,
              auth_protocol: e.auth_protocol,
              priv_protocol: e.priv_protocol,
              has: [e.has_community, e.has_auth_key, e.has_priv_key],
            })),
            camera: s.camera.map((e) => ({ id: e.id, username: e.username, has_password: e.has_password })),
          }),
        );
      const before = shape(created);
      assert.deepEqual(
        before.snmp.map(({ id: _, ...e }) => e),
        [
          { version: '2c', has: [true, false, false] },
          {
            version: '3',
            username: 'monitor',
            security_level: 'authPriv',
            auth_protocol: 'sha256',
            priv_protocol: 'aes',
            has: [false, true, true],
          },
        ],
      );
      assert.deepEqual(
        before.camera.map((e) => [e.username, e.has_password]),
        [
          ['viewer', true],
          ['installer', true],
        ],
      );
      noSecretIn(await op.content(), 'the page');

      // Edit: only the order changes, by keyboard; the secret fields stay empty.
      await sets.getByRole('button', { name: 'Edit shop logins' }).click();
      const edit = op.getByRole('dialog', { name: 'Edit the credential set shop logins' });
      const second = edit.getByRole('group', { name: 'SNMP credential 2' });
      assert.equal(await second.getByLabel('Authentication key').inputValue(), '');
      assert.match(await second.innerText(), /Stored: leave empty to keep it/);
      await second.getByRole('button', { name: 'Move SNMP credential 2 up' }).focus();
      await op.keyboard.press('Enter');
      assert.equal(
        await edit.getByRole('group', { name: 'SNMP credential 1' }).getByLabel('Username').inputValue(),
        'monitor',
      );
      // The keyboard stays on the moved entry: its other move button, the pressed one being disabled at the top.
      // (moved after the render that disables it: wait for it).
      await until(
        async () =>
          (await op.evaluate(`document.activeElement?.getAttribute('aria-label')`)) ===
          'Move SNMP credential 1 down',
        5_000,
        'focus on the moved entry',
      );
      await edit.getByRole('button', { name: 'Move camera login 1 down' }).focus();
      await op.keyboard.press('Enter');
      noSecretIn(await op.content(), 'the page with the edit dialog');
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'detached' });
      await sets
        .getByText(/shop logins: SNMP v3 monitor ✓, SNMP v2c ✓; camera installer ✓, camera viewer ✓/)
        .waitFor();

      const after = await find();
      noSecretIn(JSON.stringify(after), 'the API');
      assert.deepEqual(shape(after), {
        snmp: [before.snmp[1], before.snmp[0]],
        camera: [before.camera[1], before.camera[0]],
      });
      noSecretIn(await op.content(), 'the page');
    } finally {
      await context.close();
    }
    assert.deepEqual(errors, []);
  });
});
