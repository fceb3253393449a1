// End-to-end test of the release build: serve dist/ on loopback, open it in headless Chromium
// (Debian's, driven by playwright-core; nothing is downloaded), check what a user sees, fail on any
// console error, and save screenshots under --out. Run by `cargo xtask test`.
//
// usage: node tests/e2e/e2e.mjs --dist dist --out target/e2e

import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const distDir = resolve(args.dist ?? 'dist');
const outDir = resolve(args.out ?? 'target/e2e');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** A static file server for dist/ on 127.0.0.1 at a free port. */
async function serveDist() {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const file = normalize(join(distDir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(distDir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return server;
}

const checks = [];
function check(name, fn) {
  checks.push({ name, fn });
}

// --- what a user sees on opening the app -------------------------------------------------------

check('the app renders its header', async (page) => {
  await page.getByRole('heading', { name: 'KafkaScope' }).waitFor({ timeout: 15000 });
});

check('the cluster diagram shows three brokers', async (page) => {
  const labels = await page.locator('svg.cluster g.broker .broker-label').allTextContents();
  assertEqual(labels.map((l) => l.trim()), ['Broker 1', 'Broker 2', 'Broker 3']);
  await page.screenshot({ path: join(outDir, 'app.png'), fullPage: true });
});

// ------------------------------------------------------------------------------------------------

function assertEqual(actual, expected) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`expected ${e}, got ${a}`);
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const server = await serveDist();
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const consoleErrors = [];
  let passed = 0;
  let failed = 0;
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
    await page.goto(url);
    for (const { name, fn } of checks) {
      try {
        await fn(page);
        passed += 1;
        console.log(`ok   ${name}`);
      } catch (err) {
        failed += 1;
        console.log(`FAIL ${name}: ${err.message}`);
      }
    }
    if (consoleErrors.length === 0) {
      passed += 1;
      console.log('ok   no console errors');
    } else {
      failed += 1;
      console.log(`FAIL console errors:\n  ${consoleErrors.join('\n  ')}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`screenshots in ${outDir}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
