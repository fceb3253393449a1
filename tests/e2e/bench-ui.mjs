// UI frame-time benchmark (`cargo xtask bench-ui`): opens the release build in headless Chromium,
// records a performance trace while the cluster runs, and reports the main thread's work per
// frame (script + style + layout + paint: every top-level task between two animation frames).
//
// usage: node tests/e2e/bench-ui.mjs --dist dist --out target/bench-ui [--seconds 6]

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
const outDir = resolve(args.out ?? 'target/bench-ui');
const seconds = Number(args.seconds ?? 6);

const CASES = [
  { name: 'default scenario at 1x', query: '', speed: '1' },
  { name: 'default scenario at 100x', query: '', speed: '100' },
  { name: 'large scenario at 1x', query: '?scenario=large', speed: '1' },
];

const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'];

/** Per-frame main-thread busy ms from a Chrome trace. */
function frameWork(trace) {
  const events = trace.traceEvents;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) throw new Error('no renderer main thread in the trace');
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  const frames = onMain.filter((e) => e.name === 'FireAnimationFrame').map((e) => e.ts).sort((a, b) => a - b);
  const tasks = onMain.filter((e) => e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask'));
  const work = new Array(Math.max(frames.length - 1, 0)).fill(0);
  let f = 0;
  for (const task of tasks.sort((a, b) => a.ts - b.ts)) {
    while (f < frames.length - 1 && task.ts >= frames[f + 1]) f += 1;
    if (task.ts >= frames[0] && f < work.length) work[f] += task.dur / 1000;
  }
  const span = (frames[frames.length - 1] - frames[0]) / 1e6;
  // Where the time goes, ms per frame on average, by the phases DevTools shows.
  const phases = { script: ['FireAnimationFrame', 'FunctionCall', 'EvaluateScript', 'TimerFire', 'EventDispatch'],
    style: ['UpdateLayoutTree', 'RecalculateStyles'], layout: ['Layout'],
    paint: ['Paint', 'PrePaint', 'Layerize', 'UpdateLayer', 'CompositeLayers', 'PaintImage'] };
  const breakdown = {};
  for (const [phase, names] of Object.entries(phases)) {
    const total = onMain.filter((e) => e.ph === 'X' && names.includes(e.name) && e.ts >= frames[0])
      .reduce((sum, e) => sum + e.dur / 1000, 0);
    breakdown[phase] = Number((total / Math.max(work.length, 1)).toFixed(2));
  }
  return { work, fps: (frames.length - 1) / span, breakdown };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const server = await serveDist(distDir);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launchChromium(process.env.CHROMIUM ?? '/usr/bin/chromium');
  const results = [];
  try {
    for (const c of CASES) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(base + c.query);
      await page.getByRole('button', { name: 'Broker 1', exact: true }).waitFor({ timeout: 15000 });
      await page.getByLabel('Speed').selectOption(c.speed);
      await page.waitForTimeout(1500); // warm up: JIT, first layouts
      await browser.startTracing(page, { categories: CATEGORIES });
      await page.waitForTimeout(seconds * 1000);
      const trace = JSON.parse((await browser.stopTracing()).toString());
      const clock = await page.getByLabel('Simulation time').textContent();
      const file = `${c.name.replaceAll(' ', '-')}.png`;
      await page.screenshot({ path: join(outDir, file), fullPage: true });
      await page.close();
      const { work, fps, breakdown } = frameWork(trace);
      const sorted = [...work].sort((a, b) => a - b);
      const r = {
        case: c.name,
        frames: work.length,
        fps: Number(fps.toFixed(1)),
        median_ms: Number(percentile(sorted, 50).toFixed(2)),
        p95_ms: Number(percentile(sorted, 95).toFixed(2)),
        max_ms: Number(sorted[sorted.length - 1].toFixed(2)),
        breakdown_ms_per_frame: breakdown,
        clock,
        screenshot: join(outDir, file),
      };
      results.push(r);
      console.log(
        `${r.case.padEnd(26)} frames ${String(r.frames).padStart(4)}  ${String(r.fps).padStart(5)} fps  ` +
          `median ${r.median_ms.toFixed(2).padStart(6)} ms  p95 ${r.p95_ms.toFixed(2).padStart(6)} ms  ` +
          `max ${r.max_ms.toFixed(2).padStart(6)} ms  (${clock})\n${''.padEnd(26)} mean per frame: ` +
          Object.entries(breakdown).map(([k, v]) => `${k} ${v} ms`).join(', '),
      );
    }
  } finally {
    await browser.close();
    server.close();
  }
  await writeFile(join(outDir, 'results.json'), JSON.stringify(results, null, 2));
  console.log(`results and screenshots in ${outDir}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
