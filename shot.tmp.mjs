import { chromium } from 'playwright-core';
const [,, ...hashes] = process.argv;
const base = 'http://127.0.0.1:18080';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const width = Number(process.env.W ?? 1280);
const ctx = await b.newContext({ viewport: { width, height: 900 } });
const p = await ctx.newPage();
const errors = [];
p.on('pageerror', (e) => errors.push(e.message));
p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
await p.goto(base);
await p.getByLabel('Username').fill('admin');
await p.getByLabel('Password').fill('Dash-demo-password-1');
await p.getByRole('button', { name: 'Log in' }).click();
await p.getByRole('heading', { name: 'Overview' }).waitFor();
for (const h of hashes) {
  const [hash, action] = h.split('|');
  await p.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await p.waitForTimeout(1500);
  if (action) { await eval(`(async () => { ${action} })()`); await p.waitForTimeout(1500); }
  const name = (hash.replace(/[^a-z0-9]+/gi, '_') || 'root') + (action ? '_a' : '');
  await p.screenshot({ path: `/tmp/dashx/${name}.png`, fullPage: true });
  console.log('shot', name);
}
console.log('errors', errors);
await b.close();
