import { chromium } from 'playwright-core';
import fs from 'node:fs';
const axe = fs.readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
const base = 'http://127.0.0.1:18080';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const p = await (await b.newContext({ viewport: { width: Number(process.env.W ?? 1280), height: 900 } })).newPage();
await p.goto(base);
await p.getByLabel('Username').fill('admin');
await p.getByLabel('Password').fill('Dash-demo-password-1');
await p.getByRole('button', { name: 'Log in' }).click();
await p.getByRole('heading', { name: 'Overview' }).waitFor();
for (const h of process.argv.slice(2)) {
  const [hash, action] = h.split('|');
  await p.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await p.waitForTimeout(1500);
  if (action) { await eval(`(async () => { ${action} })()`); await p.waitForTimeout(1000); }
  await p.evaluate(axe);
  const r = await p.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
  for (const v of r.violations) console.log(hash, action ? '(a)' : '', v.impact, v.id, v.help, v.nodes.length, v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' ; '));
}
await b.close();
