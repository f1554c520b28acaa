import assert from 'node:assert/strict';
import { createHash, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signRelease } from '@outpost/protocol';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { newReleaseKey } from '../hub/src/rollouts/signing.js';
import { startTestHub, type TestHub } from './support/link.js';
import { needPeers } from './support/peers.js';

// The operations pages of the dashboard in a real browser: agent upgrades (releases, rollouts), API keys.

const skip = needPeers('chromium');
const ADMIN_PASSWORD = 'correct-horse-battery-staple-9';
const SHOTS = path.resolve(import.meta.dirname, '..', 'test-artifacts', 'screenshots');

async function logIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}

describe('operations pages in a real browser', { skip, timeout: 120_000 }, () => {
  let t: TestHub;
  let tmp: string;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  let bundle = '';
  let signature = '';

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-dash-ops-'));
    const key = newReleaseKey();
    t = await startTestHub({ releasePublicKey: key.publicKey });
    await t.site('Harbour shop');
    // A bundle as the hub sees it: bytes and a signature over their hash (the hub does not unpack it).
    bundle = path.join(tmp, 'outpost-agent-7.1.0.tgz');
    fs.writeFileSync(bundle, Buffer.from('not really a tarball, but signed'));
    const bytes = fs.readFileSync(bundle);
    signature = `${bundle}.sig`;
    const signed = signRelease(
      {
        kind: 'outpost-agent-bundle',
        name: 'outpost-agent',
        version: '7.1.0',
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
        node: '^20.10.0 || ^24.0.0',
        signed_at: Date.now(),
      },
      createPrivateKey(key.privatePem),
    );
    fs.writeFileSync(signature, JSON.stringify(signed));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await admin.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    await logIn(page, t.hub.url, 'admin', ADMIN_PASSWORD);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await t?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('uploads a signed release, rolls it out to one site, then to every agent', async () => {
    await page.evaluate("location.hash = '#/upgrades'");
    await page.getByRole('heading', { name: 'Agent upgrades' }).waitFor();
    await page.getByText(/Releases must be signed with release key [0-9a-f]{16}/).waitFor();
    await page.getByLabel('Bundle (.tgz)').setInputFiles(bundle);
    await page.getByLabel('Signature (.sig)').setInputFiles(signature);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByTestId('agent-releases').getByText('7.1.0').waitFor();
    await page.getByRole('heading', { name: 'Start a rollout' }).waitFor();
    await page.getByLabel('Release').selectOption('7.1.0');
    await page.getByLabel(/First site/).selectOption({ label: 'Harbour shop' });
    await page.getByRole('button', { name: 'Start' }).click();
    const current = page.getByTestId('rollout-current');
    await current.getByText(/Rolling out 7\.1\.0/).waitFor();
    await current.getByText('to one site').waitFor();
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'upgrades.png'), fullPage: true });
    await current.getByRole('button', { name: 'All agents' }).click();
    // No agent in the fleet: with every agent selected there is nothing left to do, and it completes.
    await page.locator('tr', { hasText: 'completed' }).waitFor({ timeout: 20_000 });
    const stored = await t.api('GET', '/api/v1/rollouts');
    assert.equal(stored.body.rollouts[0].state, 'completed');
    assert.equal(stored.body.rollouts[0].percent, 100);
    assert.deepEqual(errors, []);
  });

  it('refuses an upload whose signature is for other bytes, and says why', async () => {
    const other = path.join(tmp, 'other.tgz');
    fs.writeFileSync(other, Buffer.from('other bytes than the signed ones'));
    await page.getByLabel('Bundle (.tgz)').setInputFiles(other);
    await page.getByLabel('Signature (.sig)').setInputFiles(signature);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /is not the one signed for 7\.1\.0/ })
      .waitFor({ timeout: 10_000 })
      .catch(async (err) => {
        throw new Error(`${(err as Error).message}\n${await page.locator('main').innerText()}`);
      });
  });
  it('creates an API key limited to a site, shows it once, and revokes it', async () => {
    await page.evaluate("location.hash = '#/api-keys'");
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.locator('dialog');
    await dialog.getByLabel('Name').fill('grafana');
    await dialog.getByLabel('Role').selectOption('viewer');
    await dialog.getByLabel('Site').selectOption({ label: 'Harbour shop' });
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const shown = page.locator('dialog .copy code');
    await shown.waitFor();
    const key = (await shown.innerText()).trim();
    assert.match(key, /^opk_/);
    // The key works as a bearer token, limited to its site.
    const res = await fetch(`${t.hub.url}/api/v1/sites`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(res.status, 200);
    const sites = ((await res.json()) as { sites: { name: string }[] }).sites.map((s) => s.name);
    assert.deepEqual(sites, ['Harbour shop']);
    await page.getByRole('button', { name: 'Done' }).click();
    const row = page.locator('tr', { hasText: 'grafana' });
    await row.getByText('Harbour shop').waitFor();
    assert.equal(await page.locator('main').getByText(key).count(), 0, 'the list never shows the key');
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('revoked').waitFor();
    const after = await fetch(`${t.hub.url}/api/v1/sites`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(after.status, 401);
    assert.deepEqual(errors, []);
  });
});
