// Times the site search in headless Chromium (run by bench/search.sh).
//
//   node bench/search.mjs <base-url>
//
// For each query: a fresh page (events/index.html), then in the page, from the focus of the
// header box and one input event to the result list shown: the first-keystroke time, index
// loading included. Then, on the same page, every query again: the warm time.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = createRequire(join(repo, 'package.json'))('playwright-core');
const base = process.argv[2];
const QUERIES = ['ケアマネジャー', 'ｹｱﾏﾈｼﾞｬｰ', '認知症 西成区', 'ACP', '看取り', '研修会', '令和'];

function timeQuery(q) {
  const input = document.querySelector('.site-search input');
  const status = document.querySelector('.site-search .search-status');
  const t0 = performance.now();
  return new Promise((done) => {
    const seen = () => {
      if (!status.textContent.includes(`「${q}」`)) return false;
      requestAnimationFrame(() => done([performance.now() - t0, document.querySelectorAll('.site-search .search-result').length, status.textContent]));
      return true;
    };
    const mo = new MutationObserver(() => seen() && mo.disconnect());
    mo.observe(status, { childList: true, characterData: true, subtree: true });
    input.focus();
    input.value = q;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const ROUNDS = Number(process.env.ROUNDS || 3);
const cold = [];
for (let round = 0; round < ROUNDS; round += 1) for (const q of QUERIES) {
  const page = await context.newPage();
  await page.goto(`${base}events/index.html`, { waitUntil: 'load' });
  const [ms, n, status] = await page.evaluate(timeQuery, q);
  cold.push(ms);
  console.log(`first keystroke  ${q.padEnd(10, '　')} ${ms.toFixed(0).padStart(5)} ms  ${n} shown  (${status})`);
  await page.close();
}
const page = await context.newPage();
await page.goto(`${base}events/index.html`, { waitUntil: 'load' });
await page.evaluate(timeQuery, QUERIES[0]);
const warm = [];
// From the second round on, the files each query needs are loaded already.
const again = [];
for (let round = 0; round < ROUNDS; round += 1) for (const q of QUERIES) {
  await page.evaluate(() => {
    const input = document.querySelector('.site-search input');
    input.value = '';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const [ms] = await page.evaluate(timeQuery, q);
  warm.push(ms);
  if (round > 0) again.push(ms);
}
await browser.close();
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`first keystroke to results (index loading included): median ${med(cold).toFixed(0)} ms, max ${Math.max(...cold).toFixed(0)} ms`);
console.log(`later queries on the loaded page: median ${med(warm).toFixed(1)} ms, max ${Math.max(...warm).toFixed(1)} ms`);
if (again.length) console.log(`  of which with the query's files already loaded (rounds 2+): median ${med(again).toFixed(1)} ms, max ${Math.max(...again).toFixed(1)} ms`);
