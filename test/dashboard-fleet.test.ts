// The overview with a fleet of 1,000 sites in a real browser against a real hub process: the site made the
// worst by the seed is at the top of the list and first in the health grid, the grid has one cell per site and
// is reachable by keyboard, the state filter narrows the list, and axe-core finds nothing serious.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, launchChromium, logIn, open, shot } from './support/browser.js';
import { type SeededFleet, seedFleet } from './support/fleet-seed.js';
import { type HubProcess, spawnHubProcess } from './support/hub-process.js';
import { needPeers } from './support/peers.js';
import { until } from './support/wait.js';

const skip = needPeers('chromium');
const ADMIN_PASSWORD = 'copper-lantern-meadow-stone-7';
const SITES = 1000;

describe('dashboard overview with 1,000 sites in a real browser', { skip, timeout: 180_000 }, () => {
  let dir: string;
  let hub: HubProcess;
  let browser: Browser;
  let page: Page;
  let fleet: SeededFleet;
  const errors: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-fleet-'));
    hub = await spawnHubProcess(dir, { adminPassword: ADMIN_PASSWORD, timeoutMs: 60_000 });
    // The hub has migrated its database; the fleet goes in beside it (WAL: the hub reads it at once).
    const db = new Database(path.join(dir, 'hub.db'));
    try {
      db.pragma('busy_timeout = 10000');
      fleet = seedFleet(db, { sites: SITES, devices: 3000, alerts: 3000 }, Date.now(), {
        worst: { site: 777, criticalAlerts: 6 },
      });
    } finally {
      db.close();
    }
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await ctx.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    await logIn(page, hub.url, 'admin', ADMIN_PASSWORD);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    if (hub && hub.proc.exitCode === null) {
      const exited = new Promise((resolve) => hub.proc.once('exit', resolve));
      hub.proc.kill('SIGTERM');
      await exited;
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(errors, [], 'no script errors in the page');
  });

  it('puts the worst site at the top of the list and first in the grid', async () => {
    const worst = fleet.worst!;
    await open(page, '#/');
    const grid = page.getByTestId('health-grid');
    await grid.getByRole('link').first().waitFor({ timeout: 30_000 });
    assert.equal(await grid.getByRole('link').count(), SITES, 'one cell per site');
    assert.match(
      (await grid.getByRole('link').first().getAttribute('aria-label')) ?? '',
      new RegExp(`^${worst.name}: Critical, ${worst.criticalAlerts}`),
    );
    const first = page.getByTestId('sites-table').locator('tbody tr').first();
    assert.equal(await first.getAttribute('data-site'), worst.name);
    assert.match((await first.textContent()) ?? '', new RegExp(`${worst.criticalAlerts} critical alerts`));
    // Page 1 is ordered worst first: no row's state is worse than the row above it.
    const order = ['Critical', 'Problem', 'Warning', 'OK', 'Not monitored yet'];
    const states = await page
      .getByTestId('sites-table')
      .locator('tbody tr .state')
      .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
    assert.equal(states.length, 25);
    const ranks = states.map((s) => order.indexOf(s));
    assert.ok(!ranks.includes(-1), `known states: ${states.join(', ')}`);
    for (let i = 1; i < ranks.length; i++)
      assert.ok(ranks[i]! >= ranks[i - 1]!, `row ${i + 1} after row ${i}`);
    await shot(page, 'overview-fleet');
  });

  it('narrows the list to one state and opens a site from the grid by keyboard', async () => {
    await open(page, '#/?state=ok');
    await page.getByRole('heading', { name: 'OK sites' }).waitFor();
    // The list answers the new filter once its rows are all OK (the rows of every site are shown until then).
    const rowStates = () =>
      page
        .getByTestId('sites-table')
        .locator('tbody tr .state')
        .evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
    await until(async () => (await rowStates()).every((s) => s === 'OK'), 20_000, 'the list filtered');
    const states = await rowStates();
    assert.equal(states.length, 25, 'a full page of OK sites');
    assert.deepEqual([...new Set(states)], ['OK']);
    assert.match(
      (await page.getByTestId('sites-table').locator('tbody tr').first().textContent()) ?? '',
      /nothing wrong/,
    );
    await open(page, '#/');
    const cell = page.getByTestId('health-grid').getByRole('link').first();
    await cell.focus();
    await page.keyboard.press('ArrowRight');
    const second = await page.evaluate('document.activeElement.getAttribute("aria-label")');
    assert.equal(
      second,
      await page.getByTestId('health-grid').getByRole('link').nth(1).getAttribute('aria-label'),
    );
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: new RegExp(fleet.worst!.name) }).waitFor();
    await page
      .getByTestId('site-health')
      .getByText(/Rank 1 of 1,?000 sites/)
      .waitFor();
    await page
      .getByTestId('site-health')
      .getByText(`${fleet.worst!.criticalAlerts} critical alerts`)
      .waitFor();
    // Its agent, from the agents of this site only.
    await page.getByTestId('site-health').getByText(`agent-${fleet.worst!.id}`).waitFor();
    await shot(page, 'site');
  });

  it('reads on a phone: the worst site first, the grid within the screen', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      const m = await ctx.newPage();
      await logIn(m, hub.url, 'admin', ADMIN_PASSWORD);
      const grid = m.getByTestId('health-grid');
      await grid.getByRole('link').first().waitFor({ timeout: 30_000 });
      assert.equal(await grid.getByRole('link').count(), SITES);
      const first = m.getByTestId('sites-table').locator('tbody tr').first();
      assert.equal(await first.getAttribute('data-site'), fleet.worst!.name);
      const width = Number(await m.evaluate('document.documentElement.scrollWidth'));
      assert.ok(width <= 400, `no horizontal page scroll (${width} px)`);
      const box = await grid.boundingBox();
      assert.ok(
        box && box.x >= 0 && box.x + box.width <= 390,
        `the grid fits the screen: ${JSON.stringify(box)}`,
      );
      await shot(m, 'phone-overview-fleet');
    } finally {
      await ctx.close();
    }
  });

  it('passes axe-core with 1,000 grid cells', async () => {
    await open(page, '#/');
    await page.getByTestId('health-grid').getByRole('link').first().waitFor();
    await assertAccessible(page, 'the overview with 1,000 sites');
  });
});
