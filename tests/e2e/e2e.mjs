// End-to-end test of the release build: serve dist/ on loopback, open it in headless Chromium
// (Debian's, driven by playwright-core; nothing is downloaded), check what a user sees and does,
// fail on any console error, and save screenshots under --out. Run by `cargo xtask test`.
//
// One check per learner question of issue 9, each answered on the diagram at 1366x768 without
// scrolling; the layout's figures (diagram share of the viewport, smallest text in CSS px) at
// 1366x768, 1920x1080 and 390x844 go to --out/metrics.json.
//
// usage: node tests/e2e/e2e.mjs --dist dist --out target/e2e

import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
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
// The CLI an exported scenario is checked against (built by the sweep step of `cargo xtask test`).
const kafkaSim = process.env.KAFKA_SIM ?? resolve('target/release/kafka-sim');
const only = args.only ? new RegExp(args.only) : null;

const LAPTOP = { width: 1366, height: 768 };
const WIDE = { width: 1920, height: 1080 };
const PHONE = { width: 390, height: 844 };

const checks = [];
function check(name, fn) {
  checks.push({ name, fn });
}

// --- what the page shows ------------------------------------------------------------------------

async function until(what, fn, timeoutMs = 15000) {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

/** Two animation frames: whatever a click changed is drawn by then. */
async function nextFrames(page) {
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
}

/** Sum of the partitions' LEOs of `orders`, read from the topic view. */
async function leoSum(page) {
  return page.$$eval('g.partition[data-partition^="orders-"]', (rows) =>
    rows.reduce((sum, r) => sum + Number(r.getAttribute('data-leo')), 0),
  );
}

/** The broker leading `partition` (from the topic view's row). */
async function leaderOf(page, partition) {
  const leader = await page.$eval(`g.partition[data-partition="${partition}"]`, (r) => r.getAttribute('data-leader'));
  return leader === 'none' ? null : Number(leader);
}

/** The stage's box and the share of the viewport it covers; the smallest text on it, CSS px. */
async function layoutFigures(page) {
  return page.evaluate(() => {
    const stage = document.querySelector('.stage').getBoundingClientRect();
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const visW = Math.max(0, Math.min(stage.right, vw) - Math.max(stage.left, 0));
    const visH = Math.max(0, Math.min(stage.bottom, vh) - Math.max(stage.top, 0));
    let smallest = Infinity;
    let texts = 0;
    let under = 0;
    for (const t of document.querySelectorAll('svg.diagram text')) {
      const box = t.getBoundingClientRect();
      if (box.width === 0 || !t.textContent.trim()) continue;
      if (box.right < stage.left || box.left > stage.right || box.bottom < stage.top || box.top > stage.bottom) continue;
      const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
      texts += 1;
      if (px < 11 - 1e-6) under += 1;
      smallest = Math.min(smallest, px);
    }
    return {
      viewport: `${vw}x${vh}`,
      stage: { width: Math.round(visW), height: Math.round(visH) },
      share: Number(((visW * visH) / (vw * vh)).toFixed(3)),
      smallestTextPx: Number(smallest.toFixed(2)),
      texts,
      textsUnder11px: under,
      pageScrolls: document.documentElement.scrollHeight > vh + 1 || document.documentElement.scrollWidth > vw + 1,
    };
  });
}

/** Whether `locator`'s element lies inside the stage and the viewport, as drawn now. */
async function onStage(page, locator) {
  // The busiest rows are redrawn as markup when they change: a box read while the element is
  // being replaced is null, so read again after a frame.
  let box = await locator.boundingBox();
  for (let i = 0; !box && i < 5; i += 1) {
    await nextFrames(page);
    box = await locator.boundingBox();
  }
  const stage = await page.locator('.stage').boundingBox();
  if (!box || !stage) return false;
  return box.x >= stage.x - 1 && box.y >= stage.y - 1 && box.x + box.width <= stage.x + stage.width + 1 &&
    box.y + box.height <= stage.y + stage.height + 1;
}

/** Drags the diagram up by `dy` px (from an empty spot at the stage's lower left). */
async function panUp(page, dy) {
  const stage = await page.locator('.stage').boundingBox();
  const x = stage.x + 110;
  const y = stage.y + stage.height - 80;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y - dy / 2, { steps: 4 });
  await page.mouse.move(x, y - dy, { steps: 4 });
  await page.mouse.up();
  await nextFrames(page);
}

async function tab(page, name) {
  await page.getByRole('tab', { name, exact: true }).click();
}

async function openBroker(page, n) {
  await tab(page, 'Brokers');
  await page.getByRole('button', { name: `Open broker ${n}` }).click();
  await page.getByRole('region', { name: `Broker ${n}` }).waitFor();
}

async function freshPage(browser, viewport = LAPTOP, query = '') {
  const page = await browser.newPage({ viewport });
  watchConsole(page);
  await page.goto(baseUrl + query);
  await page.getByRole('button', { name: 'Partition orders-0' }).waitFor({ timeout: 15000 });
  return page;
}

/** With the load producer stopped, sends one record from the Produce form; its partition and offset once acked. */
async function produceAcked(page, key, value) {
  await page.getByRole('button', { name: 'Stop producer' }).click();
  await page.getByLabel('Key').fill(key);
  await page.getByLabel('Value').fill(value);
  await page.getByRole('button', { name: 'Produce', exact: true }).click();
  const status = page.getByLabel('Last record');
  await until('the record is acked', async () => (await status.textContent()).includes('acked'));
  const [, tp, offset] = (await status.textContent()).match(/acked: (orders-\d+) offset (\d+)/);
  return [tp, offset];
}

// --- the checks -----------------------------------------------------------------------------------

check('the topic view fills the stage at 1366x768: over 55% of the viewport, no text under 11 px', async ({ page }) => {
  await page.getByRole('heading', { name: 'KafkaScope' }).waitFor({ timeout: 15000 });
  const pressed = await page.getByRole('button', { name: 'Topic view' }).getAttribute('aria-pressed');
  if (pressed !== 'true') throw new Error('the topic view is not the one shown');
  await page.getByLabel('Simulation time').waitFor();
  for (let p = 0; p < 6; p += 1) await page.getByRole('button', { name: `Partition orders-${p}` }).waitFor();
  await page.getByLabel('Speed').selectOption('5');
  await until('records are on the logs', async () => (await leoSum(page)) >= 8);
  const figures = await layoutFigures(page);
  metrics.laptop = figures;
  if (figures.share < 0.55) throw new Error(`the diagram covers ${figures.share} of the viewport`);
  if (figures.smallestTextPx < 11) throw new Error(`text of ${figures.smallestTextPx} px on the diagram`);
  if (figures.pageScrolls) throw new Error('the page scrolls');
  for (let p = 0; p < 6; p += 1) {
    if (!(await onStage(page, page.getByRole('button', { name: `Partition orders-${p}` })))) {
      throw new Error(`orders-${p} is not on the stage without scrolling`);
    }
  }
  await page.screenshot({ path: join(outDir, 'laptop-topic-view.png') });
});

check('where did my record with key customer-42 go? Its cell is highlighted in its partition', async ({ page }) => {
  const [tp, offset] = await produceAcked(page, 'customer-42', 'a book');
  const cell = page.getByRole('button', { name: `Record ${tp} offset ${offset}` });
  await until('the cell is drawn', async () => (await cell.count()) === 1);
  const followed = await cell.evaluate((el) => el.classList.contains('followed'));
  if (!followed) throw new Error('the produced record is not highlighted');
  if (!(await onStage(page, cell))) throw new Error('the record is not on the stage');
  // Kafka's partitioner decides the partition; the journey says where it got.
  const journey = await page.getByLabel(`Journey of record ${tp} offset ${offset}`).textContent();
  if (!journey.includes('has it') || !journey.includes('committed')) throw new Error(`journey: ${journey}`);
  await page.screenshot({ path: join(outDir, 'laptop-record-followed.png') });
  await cell.click();
  const card = page.getByRole('region', { name: `Record ${tp} offset ${offset}` });
  await card.waitFor();
  const text = await card.textContent();
  if (!text.includes('customer-42') || !text.includes('a book')) throw new Error(`record card: ${text}`);
  await page.getByRole('button', { name: 'Start producer' }).click();
});

check('where is each consumer of payments reading, and what is its lag? On every partition', async ({ page }) => {
  await until('payments is stable and has committed on every partition', async () =>
    (await page.locator('g.group[data-group="payments"] .group-state').textContent()).startsWith('Stable') &&
    (await page.locator('g.lane[data-group="payments"][data-committed]').count()) === 6);
  for (let p = 0; p < 6; p += 1) {
    const lane = page.locator(`g.partition[data-partition="orders-${p}"] g.lane[data-group="payments"]`);
    if ((await lane.count()) !== 1) throw new Error(`orders-${p} has no payments lane`);
    // Read in one go: the app keeps playing, and a frame between two reads may change the lag.
    const { committed, lag, text } = await lane.evaluate((el) => ({
      committed: el.getAttribute('data-committed'),
      lag: el.getAttribute('data-lag'),
      text: el.querySelector('.lag-text')?.textContent,
    }));
    if (committed === null || lag === null) throw new Error(`orders-${p}: committed ${committed}, lag ${lag}`);
    if (text !== `lag ${lag}`) throw new Error(`orders-${p}: "${text}" for lag ${lag}`);
    if ((await lane.locator('.committed-mark').count()) !== 1) throw new Error(`orders-${p}: no committed marker`);
    if (!(await onStage(page, lane.locator('.committed-mark')))) {
      const box = await lane.locator('.committed-mark').boundingBox();
      const stage = await page.locator('.stage').boundingBox();
      throw new Error(`orders-${p}: marker off stage: ${JSON.stringify(box)} in ${JSON.stringify(stage)}`);
    }
    const owner = await lane.locator('.lane-label').textContent();
    if (!/^payments-\d$/.test(owner)) throw new Error(`orders-${p}: owner ${owner}`);
  }
});

check('which consumer is idle? Nobody while the group forms; one of seven once it is Stable', async ({ browser }) => {
  const page = await freshPage(browser);
  const members = () => page.$$eval('g.group[data-group="payments"] g.member', (ms) => ms.map((m) => m.getAttribute('data-status')));
  const stable = async () => (await page.locator('g.group[data-group="payments"] .group-state').textContent()).startsWith('Stable');
  // Right after opening the groups are still forming: their members are rebalancing, not idle.
  await until('members are drawn', async () => (await members()).length > 0 || (await stable()));
  if (!(await stable())) {
    const statuses = await members();
    if (statuses.includes('idle')) throw new Error(`idle while forming: ${statuses}`);
    if (!statuses.includes('rebalancing')) throw new Error(`forming members say ${statuses}`);
  }
  await page.getByLabel('Speed').selectOption('20');
  await tab(page, 'Groups');
  for (let i = 0; i < 5; i += 1) await page.getByRole('button', { name: 'Add consumer to payments' }).click();
  await until('seven members, Stable', async () => (await members()).length === 7 && (await stable()), 20000);
  await until('the new generation is settled', async () => (await members()).filter((s) => s === 'idle').length === 1, 20000);
  const idle = page.locator('g.group[data-group="payments"] g.member[data-status="idle"]');
  if (!(await onStage(page, idle))) throw new Error('the idle member is not on the stage');
  await page.screenshot({ path: join(outDir, 'laptop-idle-member.png') });
  await page.close();
});

check('what happens when the leader of orders-0 dies? Flagged within a frame, with the fencing countdown', async ({ page }) => {
  await page.getByLabel('Speed').selectOption('1');
  const victim = await leaderOf(page, 'orders-0');
  await openBroker(page, victim);
  const kill = page.getByRole('button', { name: `Kill broker ${victim}` });
  const before = await kill.boundingBox();
  await kill.click();
  await nextFrames(page);
  const row = page.locator('g.partition[data-partition="orders-0"]');
  const flagged = await row.evaluate((el) => el.classList.contains('leader-down'));
  if (!flagged) throw new Error('orders-0 is not flagged leaderless after the kill');
  const warning = await row.locator('.warning-text').first().textContent();
  if (!/broker \d is down, fenced in \d+\.\d s \(broker\.session\.timeout\.ms=9000\)/.test(warning)) {
    throw new Error(`warning: ${warning}`);
  }
  if (!(await onStage(page, row.locator('.warning-text').first()))) throw new Error('the warning is off stage');
  const narration = await page.getByLabel('What just happened').textContent();
  if (!narration.includes(`Broker ${victim} died`)) throw new Error(`narration: ${narration}`);
  // The result shows where the user acted, and nothing moved under the pointer.
  const after = await kill.boundingBox();
  if (Math.abs(after.x - before.x) > 1 || Math.abs(after.y - before.y) > 1) throw new Error('the Kill button moved');
  if (!(await kill.isDisabled())) throw new Error('a dead broker can be killed again');
  await page.screenshot({ path: join(outDir, 'laptop-leader-down.png') });
  // The cluster view says the same from the controller's side.
  await page.getByRole('button', { name: 'Cluster view' }).click();
  const card = page.locator(`g.broker[data-broker="${victim}"] .reason-text`);
  await card.waitFor();
  if (!(await card.textContent()).startsWith('fenced in')) throw new Error('no countdown on the broker card');
  const controller = await page.locator('g.controller').getAttribute('aria-label');
  if (!controller.includes(`broker ${victim} fenced in`)) throw new Error(`controller: ${controller}`);
  await page.screenshot({ path: join(outDir, 'laptop-cluster-fencing.png') });
  await page.getByLabel('Speed').selectOption('20');
  await page.getByRole('button', { name: 'Topic view' }).click();
  await until('a new leader is elected', async () => {
    const leader = await leaderOf(page, 'orders-0');
    return leader !== null && leader !== victim;
  });
  const said = await page.locator('[aria-live="polite"]').textContent();
  if (!said.includes('fenced broker') && !said.includes('New leader')) throw new Error(`announced: ${said}`);
  page.victim = victim;
});

check('restarting the broker brings it back into every ISR', async ({ page }) => {
  const victim = page.victim;
  await openBroker(page, victim);
  await page.getByRole('button', { name: `Restart broker ${victim}` }).click();
  await until('the broker rejoins every ISR', async () => {
    const facts = await page.$$eval('g.partition[data-partition^="orders-"] .partition-facts', (ts) => ts.map((t) => t.textContent));
    return facts.filter((f) => f.includes('ISR')).every((f) => f.includes(`${victim}`) && /ISR \d,\d,\d/.test(f));
  }, 30000);
  await page.getByLabel('Speed').selectOption('1');
});

check('stopping a broker gracefully moves its leaderships at once, unlike a crash: no partition waits for a fence', async ({ browser }) => {
  const page = await freshPage(browser);
  await page.getByLabel('Speed').selectOption('1');
  const victim = await leaderOf(page, 'orders-0');
  await openBroker(page, victim);
  await page.getByRole('button', { name: `Stop broker ${victim}` }).click();
  await nextFrames(page);
  // Within a frame, at 1x: orders-0 has another leader and no partition is flagged leaderless.
  const leader = await leaderOf(page, 'orders-0');
  if (leader === null || leader === victim) throw new Error(`orders-0 is led by ${leader} after the stop`);
  const down = await page.locator('g.partition.leader-down').count();
  if (down !== 0) throw new Error(`${down} partition(s) wait for a leader`);
  // Told in the narration (the newest line, or among the earlier ones while groups form).
  const more = page.getByRole('button', { name: 'Earlier explanations' });
  if (await more.count()) await more.click();
  const narration = await page.locator('.narration').textContent();
  if (!narration.includes(`Broker ${victim} shut down cleanly`)) throw new Error(`narration: ${narration}`);
  if (!(await page.getByRole('button', { name: `Restart broker ${victim}` }).isEnabled())) throw new Error('cannot restart it');
  await page.close();
});

check('deleting a topic removes it; a producer still writing to it creates it again (auto.create.topics.enable)', async ({ browser }) => {
  const page = await freshPage(browser);
  await tab(page, 'Topics');
  const described = async () => page.getByLabel('Topic description').textContent();
  await page.getByLabel('New topic').fill('scratch');
  await page.getByRole('button', { name: 'Create topic' }).click();
  await until('scratch is described', async () => (await described()).includes('Topic: scratch'));
  await page.getByRole('button', { name: 'Delete topic scratch' }).click();
  await until('scratch is gone', async () => !(await described()).includes('Topic: scratch'));
  const more = page.getByRole('button', { name: 'Earlier explanations' });
  if (await more.count()) await more.click();
  const narration = await page.locator('.narration').textContent();
  if (!narration.includes('Topic scratch was deleted')) throw new Error(`narration: ${narration}`);
  // The opening producer writes to orders: deleting orders brings it back as Kafka would, one partition, RF 1.
  await page.getByRole('button', { name: 'Delete topic orders' }).click();
  await until('orders comes back with one partition', async () => {
    const text = await page.getByLabel('Topic description').textContent();
    return /Topic: orders\tTopicId: \S+\tPartitionCount: 1\tReplicationFactor: 1/.test(text);
  }, 20000);
  await page.close();
});

check('acks=all with 2 of 3 brokers dead: the producer turns red with NotEnoughReplicasException', async ({ browser }) => {
  const page = await freshPage(browser);
  await page.getByLabel('Speed').selectOption('20');
  for (const n of [2, 3]) {
    await openBroker(page, n);
    await page.getByRole('button', { name: `Kill broker ${n}` }).click();
  }
  const producer = page.locator('g.producer[data-producer="order-service"]');
  await until('the producer fails', async () => producer.evaluate((el) => el.classList.contains('failing')), 30000);
  const text = await producer.textContent();
  if (!text.includes('NotEnoughReplicasException')) throw new Error(`producer shows: ${text}`);
  if (!(await onStage(page, producer))) throw new Error('the producer is not on the stage');
  const below = await page.locator('g.partition .warning-text').allTextContents();
  if (!below.some((w) => w.includes('ISR 1 < min.insync.replicas 2'))) throw new Error(`warnings: ${below}`);
  await page.getByLabel('Speed').selectOption('1');
  await page.screenshot({ path: join(outDir, 'laptop-not-enough-replicas.png') });
  await page.close();
});

check('a backlog while payments is down grows as lag bars, and drains when it is back', async ({ browser }) => {
  const page = await freshPage(browser);
  const lag = () => page.$$eval('g.lane[data-group="payments"]', (ls) => ls.reduce((s, l) => s + Number(l.getAttribute('data-lag') ?? 0), 0));
  await page.getByLabel('Speed').selectOption('20');
  await until('payments reads', async () => (await page.locator('g.lane[data-group="payments"]').count()) === 6, 20000);
  for (const c of ['payments-1', 'payments-2']) {
    await page.getByRole('button', { name: `Consumer ${c}` }).click();
    await page.getByRole('button', { name: `Remove consumer ${c}` }).click();
  }
  await until('a backlog builds up', async () => (await lag()) >= 12, 30000);
  const bars = await page.$$eval('g.lane[data-group="payments"] rect.lag-bar', (rs) => rs.map((r) => Number(r.getAttribute('width'))));
  if (bars.length === 0 || Math.max(...bars) <= 0) throw new Error(`no lag bars: ${bars}`);
  await page.screenshot({ path: join(outDir, 'laptop-backlog.png') });
  for (const c of ['payments-1', 'payments-2']) {
    await page.getByRole('button', { name: `Consumer ${c}` }).click();
    await page.getByRole('button', { name: `Restart consumer ${c}` }).click();
  }
  await page.getByLabel('Speed').selectOption('100');
  // A minute of real time: a slow machine plays 100x at a fraction of that speed, and the
  // restarted members wait for a rebalance first (a stuck group never drains at all).
  await until('the backlog drains', async () => (await lag()) <= 4, 60000);
  await page.close();
});

/** Text in the Charts tab smaller than 11 CSS px as drawn (SVG text scaled by its viewBox). */
async function chartTextsUnder11px(page) {
  return page.$$eval('.charts text, .charts figcaption *, .charts li', (els) =>
    els.filter((t) => t.getBoundingClientRect().width > 0 && t.textContent.trim()).map((t) => {
      const scale = t.getScreenCTM ? t.getScreenCTM().a : 1;
      return { text: t.textContent.slice(0, 30), px: parseFloat(getComputedStyle(t).fontSize) * scale };
    }).filter((t) => t.px < 11 - 1e-6));
}

check('the Charts tab: stopping every consumer of payments makes its lag chart rise, restarting them makes it fall', async ({ browser }) => {
  const page = await freshPage(browser);
  const chart = page.locator('figure.chart[data-chart="lag-payments"]');
  const lagNow = async () => Number(await chart.getAttribute('data-latest'));
  await page.getByLabel('Speed').selectOption('20');
  await until('payments reads', async () => (await page.locator('g.lane[data-group="payments"]').count()) === 6, 20000);
  await tab(page, 'Charts');
  await chart.waitFor({ timeout: 15000 });
  for (const id of ['throughput', 'failed', 'partitions', 'isr']) {
    await page.locator(`figure.chart[data-chart="${id}"] polyline`).first().waitFor({ state: 'attached', timeout: 15000 });
  }
  const before = await lagNow();
  for (const c of ['payments-1', 'payments-2']) {
    await page.getByRole('button', { name: `Consumer ${c}` }).click();
    await page.getByRole('button', { name: `Remove consumer ${c}` }).click();
  }
  await tab(page, 'Charts');
  await until('the lag chart rises', async () => (await lagNow()) >= before + 30, 30000);
  const note = await chart.locator('.chart-note').textContent();
  if (!note.includes('growing')) throw new Error(`with no consumer the chart says: ${note}`);
  await page.screenshot({ path: join(outDir, 'laptop-charts-lag.png') });
  const peak = await lagNow();
  for (const c of ['payments-1', 'payments-2']) {
    await page.getByRole('button', { name: `Consumer ${c}` }).click();
    await page.getByRole('button', { name: `Restart consumer ${c}` }).click();
  }
  await tab(page, 'Charts');
  await page.getByLabel('Speed').selectOption('100');
  await until('the lag chart falls', async () => (await lagNow()) <= peak / 2, 30000);
  const small = await chartTextsUnder11px(page);
  if (small.length) throw new Error(`chart text under 11 px at 1366x768: ${JSON.stringify(small.slice(0, 5))}`);
  await page.close();
});

check('the Charts tab is readable at 1366x768, 1920x1080 and 390x844 (screenshots)', async ({ browser }) => {
  for (const [name, viewport] of [['laptop', LAPTOP], ['wide', WIDE], ['phone', PHONE]]) {
    const page = await freshPage(browser, viewport);
    await page.getByLabel('Speed').selectOption('20');
    await page.waitForTimeout(3000);
    // Two brokers down give every chart something to show (acks=all sends fail, ISRs shrink).
    for (const n of [2, 3]) {
      await openBroker(page, n);
      await page.getByRole('button', { name: `Kill broker ${n}` }).click();
    }
    await page.waitForTimeout(4000);
    await tab(page, 'Charts');
    await page.locator('figure.chart[data-chart="isr"] polyline').first().waitFor({ state: 'attached', timeout: 15000 });
    await page.waitForTimeout(1500);
    const small = await chartTextsUnder11px(page);
    if (small.length) throw new Error(`chart text under 11 px at ${name}: ${JSON.stringify(small.slice(0, 5))}`);
    await page.screenshot({ path: join(outDir, `${name}-charts.png`) });
    await page.locator('.tab-body').evaluate((b) => { b.scrollTop = b.scrollHeight; });
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.screenshot({ path: join(outDir, `${name}-charts-end.png`) });
    await page.close();
  }
});

/** A count of the Guarantees tab's ledger (`data-ledger` names it). */
async function ledgerCount(page, name) {
  return Number(await page.locator(`[data-ledger="${name}"] dd b`).textContent());
}

check('was anything delivered twice? A consumer killed before committing: its records come again, in the ledger with the reason', async ({ browser }) => {
  const page = await freshPage(browser);
  await page.getByLabel('Speed').selectOption('20');
  await until('payments reads', async () => (await page.locator('g.lane[data-group="payments"][data-committed]').count()) === 6, 30000);
  await tab(page, 'Guarantees');
  if ((await ledgerCount(page, 'delivered-twice')) !== 0) throw new Error('duplicates before any failure');
  if ((await ledgerCount(page, 'acknowledged')) === 0) throw new Error('no acked records counted');
  // A kill right after an auto-commit leaves nothing to give again: restart and kill again.
  for (let attempt = 1; ; attempt += 1) {
    await page.getByLabel('Speed').selectOption('20');
    await page.getByRole('button', { name: 'Consumer payments-1' }).click();
    const restart = page.getByRole('button', { name: 'Restart consumer payments-1' });
    if (await restart.count()) {
      await restart.click();
      await page.waitForTimeout(2000);
    }
    await page.getByRole('button', { name: 'Kill consumer payments-1' }).click();
    await page.getByLabel('Speed').selectOption('100');
    await tab(page, 'Guarantees');
    try {
      await until('the ledger counts records delivered twice', async () => (await ledgerCount(page, 'delivered-twice')) > 0, 25000);
      break;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
  const entry = page.locator('.ledger-entries li[data-kind="duplicate"]').first();
  const text = await entry.textContent();
  if (!text.includes('group payments') || !/payments-1/.test(text)) throw new Error(`duplicate entry: ${text}`);
  await page.screenshot({ path: join(outDir, 'laptop-ledger-duplicates.png') });
  // The entry's record: its journey says it was delivered again.
  await entry.getByRole('button', { name: /^Open record / }).click();
  const journey = page.getByRole('region', { name: 'Lineage' });
  await journey.waitFor();
  await until('the journey shows the second delivery', async () => (await journey.textContent()).includes('delivered again'));
  // The entry's moment: the timeline goes back to it.
  await tab(page, 'Guarantees');
  const seek = page.locator('.ledger-entries li[data-kind="duplicate"]').first().getByRole('button', { name: /^Show the moment / });
  const ms = Number((await seek.getAttribute('data-act')).split('|')[1]);
  await seek.click();
  const clock = `t = ${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')} s`;
  await until(`the clock shows ${clock}`, async () => (await page.getByLabel('Simulation time').textContent()) === clock);
  await page.close();
});

check('what happened to this record? Found by its key, its journey: produced, appended, copied by each follower, under the HW, acked', async ({ page }) => {
  const [tp, offset] = await produceAcked(page, 'journey-7', 'a lamp');
  await tab(page, 'Guarantees');
  await page.getByLabel('Key, or topic-partition@offset').fill('journey-7');
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await page.getByRole('button', { name: `Open record ${tp} offset ${offset}` }).click();
  const journey = page.getByRole('region', { name: 'Lineage' });
  await journey.waitFor();
  const kinds = await journey.locator('.lineage-steps b').allTextContents();
  // Produced, then appended (after any retries: earlier checks on this page moved leaders).
  const firstAppend = kinds.indexOf('appended');
  if (kinds[0] !== 'produced' || firstAppend < 1 || kinds.slice(1, firstAppend).some((k) => k !== 'retried')) {
    throw new Error(`journey starts ${kinds}`);
  }
  for (const k of ['replicated', 'committed-hw', 'acked']) {
    if (!kinds.includes(k)) throw new Error(`no ${k} step in ${kinds}`);
  }
  if (kinds.filter((k) => k === 'replicated').length !== 2) throw new Error(`two followers should copy it: ${kinds}`);
  if ((await journey.locator('svg circle').count()) !== kinds.length) throw new Error('the swimlane lacks steps');
  const small = await journey.evaluate((j) => [...j.querySelectorAll('text, li')].filter((t) =>
    parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM ? t.getScreenCTM().a : 1) < 11).length);
  if (small) throw new Error(`${small} journey texts under 11 px`);
  await page.getByRole('button', { name: 'Start producer' }).click();
});

check('the Guarantees tab and a journey are readable at 1366x768, 1920x1080 and 390x844 (screenshots)', async ({ browser }) => {
  for (const [name, viewport] of [['laptop', LAPTOP], ['wide', WIDE], ['phone', PHONE]]) {
    const page = await freshPage(browser, viewport);
    await page.getByLabel('Speed').selectOption('20');
    if (name === 'phone') await page.getByRole('button', { name: 'Show controls' }).click();
    await tab(page, 'Guarantees');
    await until('payments reads', async () => (await ledgerCount(page, 'delivered')) >= 40, 30000);
    // From the Groups tab, which every layout has (the phone's diagram is small).
    // Screenshots, not a test of duplicates (the check above is): a kill leaves something in
    // the ledger nearly always, and the page is shot either way.
    await tab(page, 'Groups');
    await page.getByRole('button', { name: /^payments-2/ }).click();
    await page.getByRole('button', { name: 'Kill consumer payments-2' }).click();
    await page.getByLabel('Speed').selectOption('100');
    await tab(page, 'Guarantees');
    await page.waitForTimeout(3000);
    await page.getByRole('button', { name: 'Pause' }).click().catch(() => {});
    await page.screenshot({ path: join(outDir, `${name}-guarantees.png`) });
    await page.getByLabel('Key, or topic-partition@offset').fill('orders-0@0');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByRole('region', { name: 'Lineage' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(outDir, `${name}-journey.png`) });
    if (name === 'laptop') {
      // The same journey and ledger, told in Portuguese.
      await page.getByLabel('Language').selectOption('pt-BR');
      await page.locator('section.lineage').scrollIntoViewIfNeeded();
      await nextFrames(page);
      await page.screenshot({ path: join(outDir, `${name}-journey-pt-BR.png`) });
      await page.getByRole('tab', { name: 'Garantias', exact: true }).click();
      await nextFrames(page);
      await page.screenshot({ path: join(outDir, `${name}-guarantees-pt-BR.png`) });
    }
    await page.close();
  }
});

// --- issue 13: lessons, in English and Brazilian Portuguese ---------------------------------------

/** Opens the Lessons panel in `lang` (the Language control's option value) and lists the titles. */
async function lessonTitles(page, lang) {
  await page.getByLabel('Language').selectOption(lang);
  await page.getByRole('button', { name: 'Lessons', exact: true }).click();
  const list = page.locator('.lesson-list button');
  await list.first().waitFor({ timeout: 15000 });
  return list.allTextContents();
}

for (const lang of ['en', 'pt-BR']) {
  check(`every lesson completes by pressing "Show me" at each step (${lang})`, async ({ browser }) => {
    const page = await freshPage(browser);
    await page.getByLabel('Speed').selectOption('100');
    const titles = await lessonTitles(page, lang);
    if (titles.length < 12) throw new Error(`${titles.length} lessons`);
    if (new Set(titles).size !== titles.length) throw new Error(`titles repeat: ${titles}`);
    for (const title of titles) {
      if (await page.locator('.lesson-nav').count()) await page.locator('.lesson-nav button').first().click();
      await page.getByRole('button', { name: title, exact: true }).click();
      await page.getByRole('heading', { name: title, exact: true }).waitFor();
      const steps = page.locator('.lesson-steps > li');
      const n = await steps.count();
      if (n < 2) throw new Error(`${title}: ${n} steps`);
      for (let k = 0; k < n; k += 1) {
        const box = steps.nth(k).getByRole('checkbox');
        await steps.nth(k).getByRole('button', { name: 'Show me', exact: true }).click();
        await until(`"${title}" step ${k + 1} is checked`, () => box.isChecked(), 60000);
      }
      await page.locator('.lesson-complete').waitFor();
    }
    // A finished lesson is remembered across a reload.
    await page.reload();
    const again = await lessonTitles(page, lang);
    const done = await page.locator('.lesson-list .lesson-done').count();
    if (done !== again.length) throw new Error(`after a reload ${done} of ${again.length} lessons show as done`);
    await page.close();
  });
}

check('going back on the timeline within a lesson unticks the steps met later', async ({ browser }) => {
  const page = await freshPage(browser);
  await page.getByLabel('Speed').selectOption('100');
  const [first] = await lessonTitles(page, 'en');
  await page.getByRole('button', { name: first, exact: true }).click();
  const slider = page.getByRole('slider', { name: 'Timeline' });
  const start = Number(await slider.getAttribute('value') ?? await slider.inputValue());
  const steps = page.locator('.lesson-steps > li');
  const box = steps.nth(0).getByRole('checkbox');
  await steps.nth(0).getByRole('button', { name: 'Show me', exact: true }).click();
  await until('step 1 is checked', () => box.isChecked(), 60000);
  await page.getByRole('button', { name: 'Pause' }).click();
  const end = Number(await slider.inputValue());
  await slider.fill(String(start));
  await until('step 1 is unchecked at the lesson\'s start', async () => !(await box.isChecked()));
  await slider.fill(String(end));
  await until('and checked again where it was met', () => box.isChecked());
  await page.close();
});

check('in Portuguese the toolbar, timeline, Produce form, tabs and narration speak Portuguese; the choice survives a reload', async ({ browser }) => {
  const page = await freshPage(browser);
  await page.getByLabel('Language').selectOption('pt-BR');
  await page.getByRole('button', { name: 'Produzir', exact: true }).waitFor();
  if ((await page.locator('html').getAttribute('lang')) !== 'pt-BR') throw new Error('the page lang is not pt-BR');
  const english = ['Play', 'Pause', 'Step', 'Topic view', 'Cluster view', 'Produce a record', 'Produce', 'Step back', 'Undo',
    'Share', 'Export', 'Import', 'Groups', 'Topics', 'Events', 'Charts', 'Guarantees', 'Heal network', 'Add broker',
    'Elect preferred leaders', 'Start producer', 'Stop producer', 'Legend', 'Fit'];
  const texts = await page.$$eval('.toolbar button, .timeline button, .timeline label, .produce-box button, .produce-box h2, .produce-box label, .tabs button, .tab-body button, .tab-body h2, .legend-box button, .zoom-controls button',
    (els) => els.map((e) => e.childNodes[0]?.textContent?.trim() ?? ''));
  const left = texts.filter((t) => english.includes(t));
  if (left.length) throw new Error(`English left in Portuguese: ${left}`);
  // The newest sentence, told again in Portuguese (its stamp is its own element).
  await until('the narration speaks Portuguese', async () => /^(O |Os |A |Tópico|Grupo|Novo|Novos)/.test(
    await page.locator('.narration-line').evaluate((p) => p.lastChild.textContent.trim())));
  await page.reload();
  await page.getByRole('button', { name: 'Produzir', exact: true }).waitFor({ timeout: 15000 });
  await page.close();
});

check('three lessons in each language (screenshots)', async ({ browser }) => {
  for (const lang of ['en', 'pt-BR']) {
    for (const [name, viewport] of [['laptop', LAPTOP], ['phone', PHONE]]) {
      const page = await freshPage(browser, viewport);
      if (name === 'phone') await page.getByRole('button', { name: 'Show controls' }).click();
      await page.getByLabel('Speed').selectOption('100');
      const titles = await lessonTitles(page, lang);
      await page.screenshot({ path: join(outDir, `${name}-lessons-${lang}.png`) });
      for (const i of name === 'laptop' ? [0, 5, 8] : [1]) {
        if (await page.locator('.lesson-nav').count()) await page.locator('.lesson-nav button').first().click();
        await page.getByRole('button', { name: titles[i], exact: true }).click();
        const steps = page.locator('.lesson-steps > li');
        await steps.nth(0).getByRole('button', { name: 'Show me', exact: true }).click();
        await until('the first step is checked', () => steps.nth(0).getByRole('checkbox').isChecked(), 60000);
        await page.getByRole('button', { name: lang === 'en' ? 'Pause' : 'Pausar' }).click();
        await page.screenshot({ path: join(outDir, `${name}-lesson-${i + 1}-${lang}.png`) });
        await page.getByRole('button', { name: lang === 'en' ? 'Play' : 'Reproduzir' }).click();
      }
      await page.close();
    }
  }
});

check('a REST proxy and Kafka Connect are drawn as their own nodes, with the HTTP client, the table and the store beyond them (screenshots)', async ({ browser }) => {
  // The words each language draws (Kafka's names, such as "REST proxy" and put(), stay).
  const words = {
    en: { pause: 'Pause', client: 'HTTP client web-shop', table: 'table customers', store: 'store data-warehouse', consumer: 'Consumer' },
    'pt-BR': { pause: 'Pausar', client: 'cliente HTTP web-shop', table: 'tabela customers', store: 'destino data-warehouse', consumer: 'Consumidor' },
  };
  for (const [name, viewport, lang] of [['laptop', LAPTOP, 'en'], ['wide', WIDE, 'en'], ['phone', PHONE, 'en'], ['laptop-pt-BR', LAPTOP, 'pt-BR']]) {
    const w = words[lang];
    const page = await freshPage(browser, viewport);
    if (name === 'phone') await page.getByRole('button', { name: 'Show controls' }).click();
    await page.getByLabel('Speed').selectOption('100');
    const titles = await lessonTitles(page, lang);
    const title = titles.find((t) => t.includes('REST proxy'));
    if (!title) throw new Error(`no lesson on the REST proxy and Connect in ${titles}`);
    await page.getByRole('button', { name: title, exact: true }).click();
    const steps = page.locator('.lesson-steps > li');
    for (let k = 0; k < await steps.count(); k += 1) {
      await steps.nth(k).getByRole('button', { name: 'Show me', exact: true }).click();
      await until(`step ${k + 1} is checked`, () => steps.nth(k).getByRole('checkbox').isChecked(), 60000);
    }
    await page.getByRole('button', { name: w.pause }).click();
    if (name === 'phone') await page.getByRole('button', { name: 'Hide controls' }).click();
    const proxy = page.locator('g.producer[data-producer="rest-proxy"]');
    await proxy.locator('.outside-name').waitFor({ state: 'attached' });
    const texts = async (node, cls) => node.locator(cls).allTextContents();
    const want = async (node, cls, text) => {
      const got = await texts(node, cls);
      if (!got.some((t) => t.startsWith(text))) throw new Error(`${name}: ${cls} says ${JSON.stringify(got)}, not "${text}"`);
    };
    await want(proxy, '.node-kind', 'REST proxy');
    await want(proxy, '.outside-name', w.client);
    await want(proxy, '.outside-via', 'POST /topics/web-orders');
    const source = page.locator('g.producer[data-producer="connector-producer-crm-source-0"]');
    await want(source, '.node-kind', 'Kafka Connect source');
    await want(source, '.outside-name', w.table);
    await want(source, '.node-title', '⇢ crm-source task 0');
    const sink = page.locator('g.group[data-group="connect-warehouse"]');
    await want(sink, '.node-kind', 'Kafka Connect sink');
    await want(sink, '.outside-name', w.store);
    await want(sink, '.outside-via', 'put() ');
    const tasks = await sink.locator('.member-name').allTextContents();
    if (tasks.join() !== 'task 0,task 1,task 2') throw new Error(`${name}: sink tasks ${tasks}`);
    // Each task is still the consumer Kafka names it, for the card and assistive technology.
    await page.getByRole('button', { name: `${w.consumer} connector-consumer-warehouse-2` }).waitFor();
    const small = await page.$$eval('g.outside text, .node-kind', (ts) => ts
      .map((t) => ({ text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM()?.a ?? 1) }))
      .filter((t) => t.px < 11));
    if (small.length) throw new Error(`${name}: text under 11 px: ${JSON.stringify(small)}`);
    await page.screenshot({ path: join(outDir, `${name}-around-kafka.png`) });
    // The cluster view draws them the same way, beside the brokers.
    await page.getByRole('button', { name: lang === 'en' ? 'Cluster view' : 'Visão do cluster' }).click();
    await page.locator('g.group[data-group="connect-warehouse"] .outside-name').waitFor({ state: 'attached' });
    await nextFrames(page);
    await page.screenshot({ path: join(outDir, `${name}-around-kafka-cluster.png`) });
    await page.getByRole('button', { name: lang === 'en' ? 'Topic view' : 'Visão do tópico' }).click();
    if (name === 'laptop') {
      // The connector's card changes tasks.max: one task fewer is one consumer fewer.
      await page.getByRole('button', { name: 'Group connect-warehouse' }).click();
      await page.getByRole('button', { name: 'Play' }).click();
      await page.getByRole('button', { name: 'Fewer tasks for warehouse' }).click();
      await until('the sink runs two tasks', async () => (await sink.locator('.member-name').allTextContents()).join() === 'task 0,task 1', 30000);
      const status = await page.getByLabel('Connector status').textContent();
      if (!status.includes('"type":"sink"') || (status.match(/"RUNNING"/g) ?? []).length !== 3) throw new Error(`status ${status}`);
      await page.getByRole('button', { name: 'Pause' }).click();
      await page.screenshot({ path: join(outDir, `${name}-connector-card.png`) });
    }
    await page.close();
  }
});

check('terms on the diagram explain themselves', async ({ page }) => {
  const titles = await page.$$eval('svg.diagram title', (ts) => ts.map((t) => t.textContent).join('\n'));
  for (const needle of ['HW: High watermark', 'LEO: Log end offset', 'ISR: In-sync replicas', 'epoch: Leader epoch',
    'generation: ', 'committed offset: ', 'lag: ']) {
    if (!titles.includes(needle)) throw new Error(`no explanation of ${needle}`);
  }
  await page.getByRole('button', { name: 'Group payments' }).click();
  const abbr = await page.locator('.context-panel abbr.term').allTextContents();
  if (!abbr.some((a) => a.startsWith('generation'))) throw new Error(`terms in the group card: ${abbr}`);
});

check('reset offsets is refused while the group is active, in Kafka\'s words, next to the button', async ({ page }) => {
  const button = page.getByRole('button', { name: 'Reset payments to earliest' });
  const before = await button.boundingBox();
  await button.click();
  const alert = page.locator('.context-panel').getByRole('alert');
  await alert.waitFor();
  const text = await alert.textContent();
  if (!text.includes("Assignments can only be reset if the group 'payments' is inactive")) {
    throw new Error(`unexpected error: ${text}`);
  }
  const describe = await page.getByLabel('Group description').textContent();
  if (!/GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID/.test(describe)) {
    throw new Error(`not Kafka's describe table:\n${describe}`);
  }
  await alert.getByRole('button', { name: 'Dismiss error' }).click();
  if (!before) throw new Error('no reset button');
});

check('an invalid topic is rejected inline with Kafka\'s error, and a valid one is created', async ({ page }) => {
  await tab(page, 'Topics');
  const before = await page.getByLabel('Topic description').textContent();
  await page.getByLabel('New topic').fill('refunds');
  await page.getByLabel('Replication factor').fill('4');
  await page.getByRole('button', { name: 'Create topic' }).click();
  const alert = page.locator('.context-panel').getByRole('alert');
  await alert.waitFor();
  const expected =
    'InvalidReplicationFactorException: Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered.';
  if (!(await alert.textContent()).includes(expected)) throw new Error(`unexpected error text: ${await alert.textContent()}`);
  if ((await page.getByLabel('Topic description').textContent()).includes('refunds')) throw new Error('the rejected topic was created');
  if (!before.includes('Topic: orders')) throw new Error('orders vanished');
  await page.getByLabel('Replication factor').fill('3');
  await page.getByRole('button', { name: 'Create topic' }).click();
  await until('refunds is described', async () => (await page.getByLabel('Topic description').textContent()).includes('Topic: refunds'));
  // The new topic is drawn under orders: drag the diagram up to see it, as a user would.
  await panUp(page, 260);
  await page.getByRole('button', { name: 'Partition refunds-0' }).waitFor();
});

check('a group is created on the topics chosen', async ({ page }) => {
  await tab(page, 'Groups');
  await page.getByLabel('New group').fill('audit');
  await page.getByRole('checkbox', { name: 'orders' }).uncheck();
  await page.getByRole('checkbox', { name: 'refunds' }).check();
  await page.getByRole('button', { name: 'Create group' }).click();
  await page.getByRole('region', { name: 'Group audit' }).waitFor();
  await until('audit reads refunds', async () =>
    (await page.locator('g.partition[data-partition="refunds-0"] g.lane[data-group="audit"]').count()) === 1, 20000);
  if ((await page.locator('g.partition[data-partition="orders-0"] g.lane[data-group="audit"]').count()) !== 0) {
    throw new Error('audit reads orders too');
  }
});

check('the two views are linked: a partition selected in one is marked in the other', async ({ page }) => {
  await page.getByRole('button', { name: 'Partition orders-2' }).click();
  await page.getByRole('region', { name: 'Partition orders-2' }).waitFor();
  await page.getByRole('button', { name: 'Cluster view' }).click();
  const marked = await page.$$eval('g.replica.selected', (rs) => rs.map((r) => r.getAttribute('data-partition')));
  if (marked.length !== 3 || marked.some((p) => p !== 'orders-2')) throw new Error(`marked in the cluster view: ${marked}`);
  await page.getByRole('button', { name: 'Broker 1', exact: true }).click();
  await page.getByRole('region', { name: 'Broker 1' }).waitFor();
  await page.getByRole('button', { name: 'Topic view' }).click();
  const related = await page.$$eval('g.partition.related', (rs) => rs.length);
  if (related === 0) throw new Error('no partition led by broker 1 is marked in the topic view');
});

check('pan and zoom: buttons, the wheel and a drag move the diagram; Fit shows it all', async ({ page }) => {
  const zoom = async () => Number(await page.locator('.stage').getAttribute('data-zoom'));
  const transform = () => page.locator('svg.diagram > g').getAttribute('transform');
  const z0 = await zoom();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  if (!((await zoom()) > z0)) throw new Error('Zoom in did not zoom');
  await page.getByRole('button', { name: 'Zoom out' }).click();
  const stage = await page.locator('.stage').boundingBox();
  await page.mouse.move(stage.x + stage.width / 2, stage.y + stage.height / 2);
  await page.mouse.wheel(0, -300);
  if (!((await zoom()) > z0)) throw new Error('the wheel did not zoom');
  const t0 = await transform();
  await page.mouse.move(stage.x + 40, stage.y + stage.height - 40);
  await page.mouse.down();
  await page.mouse.move(stage.x + 140, stage.y + stage.height - 90, { steps: 5 });
  await page.mouse.up();
  if ((await transform()) === t0) throw new Error('a drag did not pan');
  await page.getByRole('button', { name: 'Fit' }).click();
  const rows = await page.locator('g.partition').count();
  for (let i = 0; i < rows; i += 1) {
    if (!(await onStage(page, page.locator('g.partition').nth(i)))) throw new Error('Fit left a partition out');
  }
});

check('the event log keeps the whole run and its filter searches all of it', async ({ page }) => {
  await tab(page, 'Events');
  const log = page.getByRole('log', { name: 'Event log' });
  await log.waitFor();
  await page.getByLabel('Filter events').fill('LeaderElected');
  await until('elections are listed', async () => {
    const rows = await log.locator('.event-row').allTextContents();
    return rows.length > 0 && rows.every((r) => r.includes('LeaderElected'));
  });
  const summary = await page.locator('.events .muted').first().textContent();
  if (!/\d+ of \d+ events match/.test(summary)) throw new Error(`summary: ${summary}`);
});

check('in a topic of 100 partitions, a click on a record opens its card', async ({ browser }) => {
  const page = await browser.newPage({ viewport: LAPTOP });
  watchConsole(page);
  await page.goto(baseUrl + '?scenario=large');
  const row = page.locator('g.partition[data-partition="events-0"]');
  await row.waitFor({ timeout: 15000 });
  await until('records are drawn', async () => (await row.locator('g.cells path').count()) > 0);
  await page.getByRole('button', { name: 'Pause' }).click();
  const box = await row.locator('g.cells path').first().boundingBox();
  await page.mouse.click(box.x + box.width - 4, box.y + box.height / 2);
  const card = page.getByRole('region', { name: /^Record events-0 offset \d+$/ });
  await card.waitFor();
  if (!(await card.textContent()).includes('customer-')) throw new Error('the record card shows no key');
  await page.close();
});

check('at 1920x1080 the diagram takes the stage with text of at least 11 px', async ({ page }) => {
  await page.setViewportSize(WIDE);
  await page.getByRole('button', { name: 'Topic view' }).click();
  await nextFrames(page);
  await page.waitForTimeout(300);
  const figures = await layoutFigures(page);
  metrics.wide = figures;
  if (figures.share < 0.55) throw new Error(`the diagram covers ${figures.share} of the viewport`);
  if (figures.smallestTextPx < 11) throw new Error(`text of ${figures.smallestTextPx} px on the diagram`);
  await page.screenshot({ path: join(outDir, 'wide-topic-view.png') });
  await page.getByRole('button', { name: 'Cluster view' }).click();
  await nextFrames(page);
  metrics.wideCluster = await layoutFigures(page);
  await page.screenshot({ path: join(outDir, 'wide-cluster-view.png') });
  await page.setViewportSize(LAPTOP);
  await page.getByRole('button', { name: 'Cluster view' }).click();
  await nextFrames(page);
  const laptopCluster = await layoutFigures(page);
  metrics.laptopCluster = laptopCluster;
  if (laptopCluster.smallestTextPx < 11) throw new Error(`cluster view text of ${laptopCluster.smallestTextPx} px`);
  await page.screenshot({ path: join(outDir, 'laptop-cluster-view.png') });
  await page.getByRole('button', { name: 'Topic view' }).click();
});

check('on a phone (390x844) the diagram comes first, readable, and every action is in the sheet', async ({ browser }) => {
  const page = await freshPage(browser, PHONE);
  await page.waitForTimeout(500);
  const figures = await layoutFigures(page);
  metrics.phone = figures;
  if (figures.stage.width < 350) throw new Error(`the diagram is ${figures.stage.width} px wide`);
  if (figures.smallestTextPx < 11) throw new Error(`text of ${figures.smallestTextPx} px on the diagram`);
  await page.screenshot({ path: join(outDir, 'phone-topic-view.png') });
  await page.getByRole('button', { name: 'Show controls' }).click();
  for (const name of ['Brokers', 'Groups', 'Topics', 'Events']) {
    await page.getByRole('tab', { name, exact: true }).waitFor();
  }
  await page.getByRole('button', { name: 'Produce', exact: true }).click();
  await until('the record is sent', async () => (await page.getByLabel('Last record').count()) === 1);
  await page.screenshot({ path: join(outDir, 'phone-sheet.png') });
  await page.getByRole('tab', { name: 'Brokers', exact: true }).click();
  await page.getByRole('button', { name: 'Open broker 2' }).click();
  await page.getByRole('button', { name: 'Kill broker 2' }).click();
  await page.getByRole('button', { name: 'Hide controls' }).click();
  await page.getByRole('button', { name: 'Cluster view' }).click();
  await nextFrames(page);
  metrics.phoneCluster = await layoutFigures(page);
  await page.screenshot({ path: join(outDir, 'phone-cluster-view.png') });
  await page.close();
});

// --- issue 28: what a new user tripped on ------------------------------------------------------

check('a consumer removed (close, LeaveGroup) says it is leaving, never that it was killed', async ({ browser }) => {
  const page = await freshPage(browser);
  await until('payments-1 is active', async () =>
    (await page.locator('g.member[data-member="payments-1"]').getAttribute('data-status')) === 'active', 20000);
  await page.getByRole('button', { name: 'Consumer payments-1' }).click();
  await page.getByRole('button', { name: 'Remove consumer payments-1' }).click();
  // Every frame for 3 s: the member's status and words on the diagram.
  const seen = await page.evaluate(async () => {
    const out = [];
    const end = performance.now() + 3000;
    while (performance.now() < end) {
      const m = document.querySelector('g.member[data-member="payments-1"]');
      out.push(m ? `${m.getAttribute('data-status')}: ${m.textContent}` : 'gone');
      await new Promise((ok) => requestAnimationFrame(ok));
    }
    return out;
  });
  const wrong = seen.find((s) => s.startsWith('killed') || s.includes('has not noticed') || s.includes('removed in'));
  if (wrong) throw new Error(`drawn as a crash: ${wrong}`);
  // Closing takes a few simulated ms (commit, then LeaveGroup): often less than a frame.
  const leaving = seen.filter((s) => s.startsWith('leaving'));
  if (leaving.some((s) => !s.includes('LeaveGroup'))) throw new Error(`leaving without saying how: ${leaving[0]}`);
  const last = seen[seen.length - 1];
  if (!last.startsWith('stopped') || !last.includes('left the group')) throw new Error(`at the end: ${last}`);
  await page.close();
});

check('a lane with nothing committed yet draws no lag bar', async ({ browser }) => {
  const page = await browser.newPage({ viewport: LAPTOP });
  watchConsole(page);
  await page.goto(baseUrl);
  // Before the first auto-commit (auto.commit.interval.ms = 5 s): lanes without a committed offset.
  await until('lanes show', async () => (await page.locator('g.lane').count()) > 0, 15000);
  const lanes = await page.$$eval('g.lane', (ls) => ls.map((l) => ({
    committed: l.hasAttribute('data-committed'),
    bar: l.querySelector('rect.lag-bar') !== null,
    text: l.querySelector('.lag-text')?.textContent,
  })));
  const uncommitted = lanes.filter((l) => !l.committed);
  if (uncommitted.length === 0) throw new Error('every lane had a commit already');
  const barred = uncommitted.filter((l) => l.bar);
  if (barred.length) throw new Error(`${barred.length} of ${uncommitted.length} lanes with nothing committed draw a lag bar (${barred[0].text})`);
  await page.close();
});

check('the Value field suggests, typing never appends to the suggestion, a send keeps what was typed', async ({ browser }) => {
  const page = await freshPage(browser);
  await page.getByRole('button', { name: 'Stop producer' }).click();
  const value = page.getByLabel('Value');
  const status = page.getByLabel('Last record');
  if ((await value.inputValue()) !== '') throw new Error(`the field holds "${await value.inputValue()}"`);
  if ((await value.getAttribute('placeholder')) !== 'order-1') throw new Error('no suggestion');
  // Left empty, the suggestion is sent; the next one is suggested.
  await page.getByRole('button', { name: 'Produce', exact: true }).click();
  await until('the record is acked', async () => (await status.textContent()).includes('acked'));
  await until('order-2 is suggested', async () => (await value.getAttribute('placeholder')) === 'order-2');
  await value.click();
  await value.pressSequentially('hello');
  if ((await value.inputValue()) !== 'hello') throw new Error(`typing gave "${await value.inputValue()}"`);
  await page.getByRole('button', { name: 'Produce', exact: true }).click();
  await until('the second record is acked', async () => /acked: orders-\d+ offset \d+/.test(await status.textContent()) && (await page.getByRole('region', { name: /^Record .* offset \d+$/ }).first().textContent()).includes('hello'));
  if ((await value.inputValue()) !== 'hello') throw new Error(`after the send the field says "${await value.inputValue()}"`);
  await page.close();
});

check('a new group starts where auto.offset.reset says, latest (Kafka\'s default) unless earliest is chosen', async ({ browser }) => {
  const page = await freshPage(browser);
  await tab(page, 'Groups');
  const reset = page.getByLabel('auto.offset.reset');
  if (!(await reset.inputValue()).startsWith('latest')) throw new Error(`the default is ${await reset.inputValue()}`);
  await page.getByLabel('New group').fill('audit');
  await page.getByRole('button', { name: 'Create group' }).click();
  await page.getByRole('region', { name: 'Group audit' }).waitFor();
  await tab(page, 'Groups');
  await page.getByLabel('New group').fill('replay');
  await reset.selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Create group' }).click();
  await page.getByRole('region', { name: 'Group replay' }).waitFor();
  await page.getByLabel('Speed').selectOption('5');
  const positions = async (group) => {
    await tab(page, 'Events');
    await page.getByLabel('Filter events').fill(`group=${group} `);
    await nextFrames(page);
    await nextFrames(page);
    const rows = await page.getByRole('log', { name: 'Event log' }).locator('.event-row').allTextContents();
    return rows.filter((r) => r.includes('FetchPosition') && r.includes(`group=${group} `)).join('\n');
  };
  await until('both groups have positions', async () => (await positions('audit')).includes('from=') && (await positions('replay')).includes('from='), 20000);
  const audit = await positions('audit');
  const replay = await positions('replay');
  if (!audit.includes('from=latest') || audit.includes('from=earliest')) throw new Error(`audit: ${audit}`);
  if (!replay.includes('from=earliest') || replay.includes('from=latest')) throw new Error(`replay: ${replay}`);
  await page.close();
});

check('the Legend shows ▲ and ◆ each beside its words', async ({ browser }) => {
  const page = await freshPage(browser);
  await page.getByRole('button', { name: 'Legend' }).click();
  const legend = page.getByRole('list', { name: 'Legend' });
  await legend.waitFor();
  for (const [glyph, words] of [['▲', "a group's committed offset"], ['◆', "its consumer's position"]]) {
    const item = legend.locator('li', { hasText: words });
    const [g, w] = await item.evaluate((li, glyph) => {
      const span = [...li.querySelectorAll('span')].find((s) => s.textContent === glyph);
      if (!span) return [null, null];
      const box = (r) => ({ left: r.left, right: r.right, top: r.top, bottom: r.bottom });
      const range = document.createRange();
      range.selectNodeContents(li.lastChild);
      return [box(span.getBoundingClientRect()), box(range.getBoundingClientRect())];
    }, glyph);
    if (!g) throw new Error(`no ${glyph} in "${words}"`);
    const sameLine = g.top < w.bottom && w.top < g.bottom;
    if (!sameLine || g.right > w.left + 1 || g.right - g.left < 6) {
      throw new Error(`${glyph} is not beside "${words}": ${JSON.stringify(g)} vs ${JSON.stringify(w)}`);
    }
  }
  await page.close();
});

check('a shared link draws every key in the colour the original did', async ({ browser }) => {
  const page = await runWithAKill(browser);
  // Each partition's record cells: offset = colour.
  const cells = (p) => p.$$eval('g.partition', (rows) => rows.map((r) =>
    `${r.getAttribute('data-partition')}: ${[...r.querySelectorAll('g.cell[data-offset]')].map((c) =>
      `${c.getAttribute('data-offset')}=${[...c.classList].find((k) => k.startsWith('key-'))}`).join(' ')}`).join('\n'));
  const here = await cells(page);
  if (!/key-\d+/.test(here)) throw new Error('no keyed cell drawn');
  const link = await shareLink(page);
  const clock = await page.getByLabel('Simulation time').textContent();
  const other = await browser.newPage({ viewport: LAPTOP });
  watchConsole(other);
  await other.goto(link);
  await until('the run opens', async () => (await other.getByLabel('Simulation time').textContent()) === clock);
  await nextFrames(other);
  const there = await cells(other);
  if (there !== here) {
    const a = here.split('\n');
    const b = there.split('\n');
    const i = Math.max(0, a.findIndex((l, k) => l !== b[k]));
    throw new Error(`other colours in the shared link (${a.length} rows, ${b.length} there):\n${a[i]}\n---\n${b[i]}`);
  }
  await other.close();
  await page.close();
});

check('a group that keeps up says so steadily: the lag outlook does not flip at every commit', async ({ browser }) => {
  const page = await freshPage(browser);
  await page.getByLabel('Speed').selectOption('20');
  await until('40 simulated seconds', async () => clockMs(await page.getByLabel('Simulation time').textContent()) >= 40000, 30000);
  await tab(page, 'Charts');
  const said = [];
  for (const group of ['payments', 'inventory']) {
    const note = page.locator(`figure.chart[data-chart="lag-${group}"] .chart-note`);
    await note.waitFor({ timeout: 15000 });
  }
  // Up to two simulated minutes, read four times a second of real time (the panel's refresh).
  const end = Date.now() + 6000;
  while (Date.now() < end) {
    for (const group of ['payments', 'inventory']) {
      said.push(`${group}: ${await page.locator(`figure.chart[data-chart="lag-${group}"] .chart-note`).textContent()}`);
    }
    await page.waitForTimeout(250);
  }
  const flips = said.filter((s) => s.includes('growing') || s.includes('clears in'));
  if (flips.length) throw new Error(`${flips.length} of ${said.length} readings say otherwise, e.g. ${flips[0]}`);
  await page.close();
});

// --- issue 10: the timeline, saving and sharing ------------------------------------------------

/** What the page shows of the run: the clock, the brokers and `kafka-topics --describe`. */
async function digest(page) {
  await tab(page, 'Topics');
  const describe = await page.getByLabel('Topic description').textContent();
  await tab(page, 'Brokers');
  const brokers = await page.locator('.chips').first().textContent();
  const clock = await page.getByLabel('Simulation time').textContent();
  return { clock, brokers, describe };
}

function sameRun(a, b, what) {
  for (const k of ['clock', 'brokers', 'describe']) {
    if (a[k] !== b[k]) throw new Error(`${what}: ${k} differs:\n${a[k]}\n---\n${b[k]}`);
  }
}

/** Clock text ("t = 12.345 s") as ms. */
function clockMs(text) {
  const m = /t = (\d+)\.(\d{3}) s/.exec(text);
  return Number(m[1]) * 1000 + Number(m[2]);
}

/** Share's link to the run on `page`. */
async function shareLink(page) {
  await page.getByRole('button', { name: 'Share' }).click();
  return page.getByLabel('Shared link').inputValue();
}

/** A run with a broker killed: 5x for a few seconds, kill broker 2, a few seconds more, paused. */
async function runWithAKill(browser) {
  return killABroker(await freshPage(browser));
}

/** The same on a page already open on the default cluster. */
async function killABroker(page) {
  await page.getByLabel('Speed').selectOption('5');
  await page.waitForTimeout(1500);
  await openBroker(page, 2);
  await page.getByRole('button', { name: 'Kill broker 2' }).click();
  await page.waitForTimeout(2500);
  await page.getByRole('button', { name: 'Pause' }).click();
  await nextFrames(page);
  return page;
}

check('the timeline goes back to the exact earlier state and forward again; undo keeps the old future as a branch', async ({ browser }) => {
  const page = await runWithAKill(browser);
  const now = await digest(page);
  if (!now.brokers.includes('Broker 2 · dead')) throw new Error(`broker 2 is not dead: ${now.brokers}`);
  const slider = page.getByRole('slider', { name: 'Timeline' });
  const end = Number(await slider.getAttribute('max'));
  await slider.fill('2000');
  await until('the clock shows 2 s', async () => (await page.getByLabel('Simulation time').textContent()) === 't = 2.000 s');
  const then = await digest(page);
  if (!then.brokers.includes('Broker 2 · alive')) throw new Error(`at 2 s broker 2 should be alive: ${then.brokers}`);
  await page.screenshot({ path: join(outDir, 'timeline-back.png') });
  await slider.fill(String(end));
  sameRun(await digest(page), now, 'back to the end');
  // Step back: the previous event.
  await page.getByRole('button', { name: 'Step back' }).click();
  const stepped = clockMs(await page.getByLabel('Simulation time').textContent());
  if (!(stepped < end)) throw new Error(`Step back stayed at ${stepped} ms`);
  await slider.fill(String(end));
  // Undo takes the kill back; the run with it stays a branch.
  await page.getByRole('button', { name: 'Undo' }).click();
  await until('broker 2 is alive again', async () => (await digest(page)).brokers.includes('Broker 2 · alive'));
  const branches = page.getByLabel('Branches');
  await branches.waitFor();
  await branches.selectOption({ index: 1 });
  await until('the old future is back', async () => (await digest(page)).brokers.includes('Broker 2 · dead'));
  sameRun(await digest(page), now, 'the branch');
  await page.close();
});

check('acting in the past forks: the new branch runs on and the old future is still reachable', async ({ browser }) => {
  const page = await runWithAKill(browser);
  const now = await digest(page);
  await page.getByRole('slider', { name: 'Timeline' }).fill('3000');
  await until('the clock shows 3 s', async () => (await page.getByLabel('Simulation time').textContent()) === 't = 3.000 s');
  await tab(page, 'Brokers');
  await page.getByRole('button', { name: 'Add broker' }).click();
  await until('broker 4 joined', async () => (await digest(page)).brokers.includes('Broker 4'));
  if ((await digest(page)).brokers.includes('Broker 2 · dead')) throw new Error('the kill of the old future happened again');
  await page.getByLabel('Branches').selectOption({ index: 1 });
  await until('the old future is back', async () => (await digest(page)).brokers.includes('Broker 2 · dead'));
  sameRun(await digest(page), now, 'the old branch');
  await page.close();
});

check('a click on an event in the log moves the timeline to it', async ({ browser }) => {
  const page = await runWithAKill(browser);
  await tab(page, 'Events');
  await page.getByLabel('Filter events').fill('BrokerKilled');
  const row = page.getByRole('log', { name: 'Event log' }).locator('.event-row').first();
  await row.waitFor();
  const at = Number(await row.getAttribute('data-at'));
  await row.click();
  await until('the clock is at the kill', async () => clockMs(await page.getByLabel('Simulation time').textContent()) === at);
  await page.close();
});

check('scrubbing a 10-minute run shows each moment (how long it takes is reported, not asserted)', async ({ browser }) => {
  const page = await freshPage(browser);
  await page.getByLabel('Speed').selectOption('100');
  await until('10 simulated minutes', async () => clockMs(await page.getByLabel('Simulation time').textContent()) >= 600000, 60000);
  await page.getByRole('button', { name: 'Pause' }).click();
  const times = await page.evaluate(async () => {
    const slider = document.querySelector('input[aria-label="Timeline"]');
    const end = Number(slider.max);
    const out = [];
    for (const f of [0.9, 0.1, 0.5, 0.05, 0.75, 0.33, 1.0, 0.6, 0.2, 0.95]) {
      const t0 = performance.now();
      slider.value = String(Math.round(end * f));
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)));
      out.push(performance.now() - t0);
    }
    return out;
  });
  times.sort((a, b) => a - b);
  // A speed target is a benchmark's figure (`cargo xtask bench-ui`, the 200 ms of issue 10),
  // not a pass/fail on a machine shared with builds: reported here with the other figures.
  metrics.scrubMs = { median: Number(times[5].toFixed(1)), max: Number(times[9].toFixed(1)), runMs: 600000, targetMs: 200 };
  const slider = page.getByRole('slider', { name: 'Timeline' });
  const last = Number(await slider.inputValue());
  await until('the clock shows the last moment scrubbed to', async () => clockMs(await page.getByLabel('Simulation time').textContent()) === last);
  await page.close();
});

check('Share makes a link that opens the identical run in a new page', async ({ browser }) => {
  const page = await runWithAKill(browser);
  const here = await digest(page);
  const link = await shareLink(page);
  if (!link.includes('#run=')) throw new Error(`not a run link: ${link}`);
  metrics.shareLinkChars = link.length;
  const other = await browser.newPage({ viewport: LAPTOP });
  watchConsole(other);
  await other.goto(link);
  await until('the run opens', async () => (await other.getByLabel('Simulation time').textContent()) === here.clock);
  sameRun(await digest(other), here, 'the shared link');
  await other.close();
  await page.close();
});

check('a damaged or cut-short link opens nothing and says why; the page still runs', async ({ browser }) => {
  const shared = await runWithAKill(browser);
  const link = await shareLink(shared);
  await shared.close();
  for (const [broken, says] of [
    [`${link.slice(0, link.length - 40)}`, 'the link is damaged or cut short'],
    [`${baseUrl}#run=@@not-base64@@`, 'the link is damaged'],
  ]) {
    const page = await browser.newPage({ viewport: LAPTOP });
    watchConsole(page);
    await page.goto(broken);
    const error = page.locator('.timeline').getByRole('alert');
    await error.waitFor();
    const text = await error.textContent();
    if (!text.includes('Cannot open the link') || !text.includes(says)) throw new Error(`the error says: ${text}`);
    // The opening cluster runs on.
    await page.getByRole('button', { name: 'Partition orders-0' }).waitFor();
    await page.close();
  }
});

/** A page of `context` (one browser profile: one localStorage) at `url`, the app started. */
async function pageOf(context, url = baseUrl) {
  const page = await context.newPage();
  watchConsole(page);
  await page.goto(url);
  await page.getByRole('button', { name: 'Partition orders-0' }).waitFor({ timeout: 15000 });
  return page;
}

check('a refused link changes nothing kept: the next visit resumes the run kept before it', async ({ browser }) => {
  const context = await browser.newContext({ viewport: LAPTOP });
  const first = await killABroker(await pageOf(context));
  const kept = await digest(first);
  await first.close();
  const broken = await pageOf(context, `${baseUrl}#run=@@not-base64@@`);
  await broken.locator('.timeline').getByRole('alert').waitFor();
  // The fresh cluster plays on under the refusal for a while (a page keeps its run every 2 s).
  await broken.waitForTimeout(3000);
  await broken.close();
  const next = await pageOf(context);
  await until('the kept run resumes', async () => (await next.getByLabel('Simulation time').textContent()) === kept.clock);
  sameRun(await digest(next), kept, 'the visit after a refused link');
  await context.close();
});

check('a reload keeps the branches', async ({ browser }) => {
  const page = await runWithAKill(browser);
  await page.getByRole('button', { name: 'Undo' }).click();
  await until('broker 2 is alive again', async () => (await digest(page)).brokers.includes('Broker 2 · alive'));
  const branches = page.getByLabel('Branches');
  const options = async () => (await branches.locator('option').allTextContents()).join(' | ');
  const before = await options();
  if (!before.includes('Branches (1)')) throw new Error(`branches before the reload: ${before}`);
  const here = await digest(page);
  await page.reload();
  await until('the run resumes', async () => (await page.getByLabel('Simulation time').textContent()) === here.clock);
  const after = await options();
  if (after !== before) throw new Error(`branches after the reload: ${after}, before: ${before}`);
  await branches.selectOption({ index: 1 });
  await until('the undone future is back', async () => (await digest(page)).brokers.includes('Broker 2 · dead'));
  await page.close();
});

check('a link pasted into the address bar of an open page opens its run', async ({ browser }) => {
  const shared = await runWithAKill(browser);
  const here = await digest(shared);
  const link = await shareLink(shared);
  await shared.close();
  const page = await freshPage(browser);
  await page.evaluate((hash) => { window.location.hash = hash; }, link.slice(link.indexOf('#')));
  await until('the run opens', async () => (await page.getByLabel('Simulation time').textContent()) === here.clock);
  sameRun(await digest(page), here, 'the pasted link');
  await page.close();
});

check('Export scenario writes the file kafka-sim runs to the same cluster; Import opens it; a reload resumes', async ({ browser }) => {
  const page = await runWithAKill(browser);
  const here = await digest(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export scenario' }).click(),
  ]);
  const file = join(outDir, 'exported-run.json');
  await download.saveAs(file);
  const cli = execFileSync(kafkaSim, ['run', file, '--describe-topics'], { encoding: 'utf8' });
  const orders = (text) => text.split('\n').filter((l) => /^Topic: orders\t|^\tTopic: orders\t/.test(l)).join('\n');
  if (!orders(cli) || orders(cli) !== orders(here.describe)) {
    throw new Error(`kafka-sim run differs from the app:\n${orders(cli)}\n---\n${orders(here.describe)}`);
  }
  const fresh = await freshPage(browser);
  await fresh.getByRole('button', { name: 'Import scenario' }).waitFor();
  await fresh.getByLabel('Import scenario').setInputFiles(file);
  await until('the file opens', async () => (await fresh.getByLabel('Simulation time').textContent()) === here.clock);
  sameRun(await digest(fresh), here, 'the imported file');
  // A broken file opens nothing, says why (step and field), and the run stays.
  await fresh.getByLabel('Import scenario').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"steps": [{"at_ms": 0, "op": "kill_broker", "broker": "two"}]}'),
  });
  const error = fresh.locator('.timeline').getByRole('alert');
  await error.waitFor();
  const said = await error.textContent();
  if (!said.includes('step 0: field "broker"')) throw new Error(`the error says: ${said}`);
  sameRun(await digest(fresh), here, 'after a broken file');
  await fresh.close();
  // Reload: the run resumes where it was.
  await page.reload();
  await until('the run resumes', async () => (await page.getByLabel('Simulation time').textContent()) === here.clock);
  sameRun(await digest(page), here, 'after a reload');
  await page.close();
});

check('a crash of the release build (a wasm trap, panics compile to one) says so on the page', async ({ browser }) => {
  // Not watched for console errors: the trap is one, on purpose.
  const page = await browser.newPage({ viewport: LAPTOP });
  await page.goto(baseUrl);
  await page.getByRole('button', { name: 'Partition orders-0' }).waitFor({ timeout: 15000 });
  // A real trap, thrown uncaught from a timer as a trap in the app's own code would be.
  await page.evaluate(() => {
    const unreachable = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 5, 1,
      1, 116, 0, 0, 10, 5, 1, 3, 0, 0, 11]);
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(unreachable));
    setTimeout(() => exports.t(), 0);
  });
  const banner = page.locator('.panic-banner');
  await banner.waitFor({ timeout: 5000 });
  const text = await banner.textContent();
  if (!text.includes('hit a bug and stopped') || !text.includes('Reload')) throw new Error(`the banner says: ${text}`);
  if ((await banner.getAttribute('role')) !== 'alert') throw new Error('the banner is not an alert');
  await page.close();
});

// ------------------------------------------------------------------------------------------------

let baseUrl = '';
const metrics = {};
const consoleErrors = [];

function watchConsole(page) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const server = await serveDist(distDir);
  baseUrl = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launchChromium(chromiumPath);
  let passed = 0;
  let failed = 0;
  try {
    const page = await browser.newPage({ viewport: LAPTOP });
    watchConsole(page);
    await page.goto(baseUrl);
    for (const { name, fn } of checks) {
      if (only && !only.test(name)) continue;
      const started = Date.now();
      try {
        await fn({ page, browser });
        passed += 1;
        console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (err) {
        failed += 1;
        console.log(`FAIL ${name}: ${err.message}`);
        await page.screenshot({ path: join(outDir, `failed-${passed + failed}.png`) }).catch(() => {});
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
  await writeFile(join(outDir, 'metrics.json'), JSON.stringify(metrics, null, 2));
  console.log(`layout figures: ${JSON.stringify(metrics)}`);
  console.log(`screenshots in ${outDir}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
