// End-to-end test of the release build: serve dist/ on loopback, open it in headless Chromium
// (Debian's, driven by playwright-core; nothing is downloaded), check what a user sees, fail on any
// console error, and save screenshots under --out. Run by `cargo xtask test`.
//
// usage: node tests/e2e/e2e.mjs --dist dist --out target/e2e

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
const outDir = resolve(args.out ?? 'target/e2e');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const checks = [];
function check(name, fn) {
  checks.push({ name, fn });
}

// --- what a user sees on opening the app, then does ----------------------------------------------

/** Sum of the leaders' LEOs of `orders`, read from the diagram. */
async function leaderLeoSum(page) {
  return page.$$eval('g.replica[data-role="leader"]', (rows) =>
    rows.reduce((sum, r) => sum + Number(r.getAttribute('data-leo')), 0),
  );
}

async function leaderOf(page, partition) {
  return page.$$eval(`g.replica[data-partition="${partition}"][data-role="leader"]`, (rows) =>
    rows.length ? Number(rows[0].closest('g.broker').getAttribute('data-broker')) : null,
  );
}

async function until(what, fn, timeoutMs = 15000) {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

check('the app renders its header and the running cluster', async (page) => {
  await page.getByRole('heading', { name: 'KafkaScope' }).waitFor({ timeout: 15000 });
  for (const n of [1, 2, 3]) await page.getByRole('button', { name: `Broker ${n}`, exact: true }).waitFor();
  await page.getByLabel('Simulation time').waitFor();
  await page.getByLabel('Topic description').waitFor();
  const describe = await page.getByLabel('Topic description').textContent();
  if (!describe.includes('Topic: orders') || !describe.includes('PartitionCount: 6')) {
    throw new Error(`unexpected describe text: ${describe}`);
  }
});

check('records flow: the order producer fills the logs', async (page) => {
  await page.getByLabel('Speed').selectOption('5');
  await until('records are committed', async () => (await leaderLeoSum(page)) >= 8);
  await page.screenshot({ path: join(outDir, 'opening.png'), fullPage: true });
});

check('clicking Produce appends one record', async (page) => {
  await page.getByRole('button', { name: 'Stop producer' }).click();
  await page.waitForTimeout(1500); // let records already sent land
  const before = await leaderLeoSum(page);
  await page.getByLabel('Key').fill('customer-42');
  await page.getByLabel('Value').fill('a book');
  await page.getByRole('button', { name: 'Produce', exact: true }).click();
  await until('the record is appended', async () => (await leaderLeoSum(page)) === before + 1);
  await page.waitForTimeout(500);
  assertEqual(await leaderLeoSum(page), before + 1);
  await page.getByRole('button', { name: 'Start producer' }).click();
});

check('clicking a replica opens its partition with every replica\'s log', async (page) => {
  await page.locator('g.broker[data-broker="1"] g.replica[data-partition="orders-1"]').click();
  const inspector = page.getByRole('region', { name: 'Partition orders-1' });
  await inspector.waitFor();
  const logs = await inspector.locator('.replica-log h3').allTextContents();
  assertEqual(logs.length, 3);
  if (!logs.some((l) => l.includes('leader'))) throw new Error(`no leader among ${logs}`);
  await until('records are listed', async () => (await inspector.locator('tbody tr').count()) > 0);
  await page.screenshot({ path: join(outDir, 'partition-inspector.png'), fullPage: true });
  await inspector.getByRole('button', { name: 'Close partition' }).click();
});

check('two consumer groups share nothing and each reads every partition', async (page) => {
  const owned = async (group) =>
    page.$$eval(`g.group[data-group="${group}"] g.member`, (ms) => ms.map((m) => m.getAttribute('aria-label')));
  await until('both groups are stable', async () => {
    const labels = await page.$$eval('g.group', (gs) => gs.map((g) => g.getAttribute('aria-label')));
    return labels.length === 2 && labels.every((l) => l.includes('Stable'));
  });
  const payments = await owned('payments');
  const inventory = await owned('inventory');
  assertEqual([payments.length, inventory.length], [2, 1]);
  if (!inventory[0].includes('orders: 0-5')) throw new Error(`inventory-1 should own all 6: ${inventory}`);
});

check('reset offsets is refused while the group is active, in Kafka\'s words', async (page) => {
  await page.getByRole('button', { name: 'Reset payments to earliest' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const text = await alert.textContent();
  if (!text.includes("Assignments can only be reset if the group 'payments' is inactive")) {
    throw new Error(`unexpected error: ${text}`);
  }
  await alert.getByRole('button', { name: 'Dismiss error' }).click();
});

check('a killed consumer\'s partitions move to the other member after the session timeout', async (page) => {
  await page.getByRole('button', { name: 'Kill consumer payments-1' }).click();
  await page.getByLabel('Speed').selectOption('100');
  await until('payments-2 owns every partition', async () => {
    const labels = await page.$$eval('g.group[data-group="payments"] g.member', (ms) => ms.map((m) => m.getAttribute('aria-label')));
    return labels.length === 1 && labels[0].includes('payments-2') && labels[0].includes('orders: 0-5');
  });
  await page.getByLabel('Speed').selectOption('1');
  await page.getByRole('button', { name: 'Describe payments' }).click();
  const describe = page.getByLabel('Group description');
  await describe.waitFor();
  const text = await describe.textContent();
  if (!/GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID/.test(text)) {
    throw new Error(`not Kafka's describe table:\n${text}`);
  }
  await page.screenshot({ path: join(outDir, 'consumer-killed.png'), fullPage: true });
  await page.getByRole('button', { name: 'Add consumer to payments' }).click();
  await page.getByRole('button', { name: 'Close group' }).click();
});

check('an invalid topic is rejected inline with Kafka\'s error, and nothing changes', async (page) => {
  const before = await page.getByLabel('Topic description').textContent();
  await page.getByLabel('New topic').fill('payments');
  await page.getByLabel('Replication factor').fill('4');
  await page.getByRole('button', { name: 'Create topic' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const text = await alert.textContent();
  const expected =
    'InvalidReplicationFactorException: Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered.';
  if (!text.includes(expected)) throw new Error(`unexpected error text: ${text}`);
  const after = await page.getByLabel('Topic description').textContent();
  if (after.includes('payments')) throw new Error('the rejected topic was created');
  if (!before.includes('Topic: orders')) throw new Error('orders vanished');
});

check('a valid topic is created and described', async (page) => {
  await page.getByLabel('Replication factor').fill('3');
  await page.getByRole('button', { name: 'Create topic' }).click();
  await until('payments is described', async () =>
    (await page.getByLabel('Topic description').textContent()).includes('Topic: payments'),
  );
  if ((await page.getByRole('alert').count()) !== 0) throw new Error('an error is still shown');
});

check('killing the leader of orders-0 moves its leadership', async (page) => {
  const victim = await leaderOf(page, 'orders-0');
  await page.getByRole('button', { name: `Broker ${victim}`, exact: true }).click();
  await page.getByRole('button', { name: `Kill broker ${victim}` }).click();
  await page.getByLabel('Speed').selectOption('20');
  await until('a new leader is elected', async () => {
    const leader = await leaderOf(page, 'orders-0');
    return leader !== null && leader !== victim;
  });
  await page.getByLabel('Speed').selectOption('1');
  await page.screenshot({ path: join(outDir, 'broker-killed.png'), fullPage: true });
  const describe = await page.getByLabel('Topic description').textContent();
  if (describe.includes(`Leader: ${victim}\t`)) throw new Error(`broker ${victim} still leads:\n${describe}`);
  page.victim = victim;
});

check('restarting the broker brings it back into the ISR', async (page) => {
  const victim = page.victim;
  await page.getByRole('button', { name: `Restart broker ${victim}` }).click();
  await page.getByLabel('Speed').selectOption('20');
  await until('the broker rejoins every ISR', async () => {
    const roles = await page.$$eval(`g.broker[data-broker="${victim}"] g.replica[data-partition^="orders-"]`, (rows) =>
      rows.map((r) => r.getAttribute('data-role')),
    );
    return roles.length === 6 && roles.every((r) => r === 'leader' || r === 'in-sync');
  });
  await page.getByLabel('Speed').selectOption('1');
  await page.screenshot({ path: join(outDir, 'broker-restarted.png'), fullPage: true });
});

// ------------------------------------------------------------------------------------------------

function assertEqual(actual, expected) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`expected ${e}, got ${a}`);
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const server = await serveDist(distDir);
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launchChromium(chromiumPath);
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
