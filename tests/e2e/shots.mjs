// Screenshots of the release build at the three sizes every UI change is looked at in
// (1366x768, 1920x1080, 390x844), for a person to look at: `node tests/e2e/shots.mjs --dist dist
// --out target/shots [--query ?scenario=large] [--seconds 8] [--speed 5] [--view cluster]`.

import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launchChromium, serveDist } from './harness.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const distDir = resolve(args.dist ?? 'dist');
const outDir = resolve(args.out ?? 'target/shots');
const seconds = Number(args.seconds ?? 8);
const SIZES = [
  ['laptop', 1366, 768],
  ['wide', 1920, 1080],
  ['phone', 390, 844],
];

await mkdir(outDir, { recursive: true });
const server = await serveDist(distDir);
const browser = await launchChromium(process.env.CHROMIUM ?? '/usr/bin/chromium');
try {
  for (const [name, width, height] of SIZES) {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('console', (m) => m.type() === 'error' && console.log(`console error: ${m.text()}`));
    page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${server.address().port}/${args.query ?? ''}`);
    await page.getByLabel('Speed').waitFor({ timeout: 15000 });
    if (args.speed) await page.getByLabel('Speed').selectOption(args.speed);
    if (args.view === 'cluster') await page.getByRole('button', { name: 'Cluster view' }).click();
    await page.waitForTimeout(seconds * 1000);
    const file = join(outDir, `${name}${args.view ? `-${args.view}` : ''}.png`);
    await page.screenshot({ path: file });
    console.log(file);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
