import { serveDist, launchChromium } from './harness.mjs';
import { resolve } from 'node:path';
const server = await serveDist(resolve('dist'));
const browser = await launchChromium(process.env.CHROMIUM ?? '/usr/bin/chromium');
const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
page.on('console', (m) => console.log('console', m.type(), m.text()));
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.getByRole('button', { name: 'Partition orders-0' }).waitFor({ timeout: 15000 });
await page.getByLabel('Speed').selectOption('100');
await page.getByRole('button', { name: 'Lessons', exact: true }).click();
await page.locator('.lesson-list button').first().waitFor();
const idx = Number(process.argv[2] ?? 0);
await page.locator('.lesson-list button').nth(idx).click();
const steps = page.locator('.lesson-steps > li');
const n = await steps.count();
for (let k = 0; k < n; k++) {
  const t0 = Date.now();
  await steps.nth(k).getByRole('button', { name: 'Show me', exact: true }).click({ timeout: 10000 }).catch((e) => console.log('click failed', k));
  while (!(await steps.nth(k).getByRole('checkbox').isChecked()) && Date.now() - t0 < 30000) await page.waitForTimeout(200);
  console.log('step', k, 'checked', await steps.nth(k).getByRole('checkbox').isChecked(), Date.now() - t0, 'ms', await page.getByLabel('Simulation time').textContent());
  console.log((await page.locator('.lesson-steps').innerHTML()).replace(/<p>[^<]*<\/p>/g, '').slice(0, 1500));
}
await page.screenshot({ path: '/tmp/dbg/lesson.png' });
await browser.close(); server.close();
