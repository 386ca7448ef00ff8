// Times the site search in headless Chromium (run by bench/search.sh).
//
//   node bench/search.mjs <base-url>
//
// For each query: a fresh page (events/index.html), then in the page, from the focus of the
// header box and one input event at the same instant to the result list shown: the
// first-keystroke time, index loading included (the worst case: no head start from the focus).
// Then the same with the input event DELAY ms (default 200) after the focus, as a reader types.
// Then, on one page, every query again: the later-query time. Then the search page
// (search.html?q=) for each query: from the start of its search to the first results shown.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = createRequire(join(repo, 'package.json'))('playwright-core');
const base = process.argv[2];
const QUERIES = ['ケアマネジャー', 'ｹｱﾏﾈｼﾞｬｰ', '認知症 西成区', 'ACP', '看取り', '研修会', '令和'];

async function timeQuery([q, delay]) {
  const input = document.querySelector('.site-search input');
  const status = document.querySelector('.site-search .search-status');
  if (delay) {
    input.focus();
    await new Promise((ok) => setTimeout(ok, delay));
  }
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
const DELAY = Number(process.env.DELAY || 200);
const cold = [];
const typed = [];
for (let round = 0; round < ROUNDS; round += 1) for (const q of QUERIES) for (const delay of [0, DELAY]) {
  const page = await context.newPage();
  await page.goto(`${base}events/index.html`, { waitUntil: 'load' });
  const [ms, n, status] = await page.evaluate(timeQuery, [q, delay]);
  (delay ? typed : cold).push(ms);
  const how = delay ? `${delay} ms after focus` : 'with the focus';
  console.log(`first keystroke ${how.padEnd(18)} ${q.padEnd(10, '　')} ${ms.toFixed(0).padStart(5)} ms  ${n} shown  (${status})`);
  await page.close();
}
const page = await context.newPage();
await page.goto(`${base}events/index.html`, { waitUntil: 'load' });
await page.evaluate(timeQuery, [QUERIES[0], 0]);
const warm = [];
// From the second round on, the files each query needs are loaded already.
const again = [];
for (let round = 0; round < ROUNDS; round += 1) for (const q of QUERIES) {
  await page.evaluate(() => {
    const input = document.querySelector('.site-search input');
    input.value = '';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const [ms] = await page.evaluate(timeQuery, [q, 0]);
  warm.push(ms);
  if (round > 0) again.push(ms);
}
const searchPage = [];
for (let round = 0; round < ROUNDS; round += 1) for (const q of QUERIES) {
  const p = await context.newPage();
  await p.goto(`${base}search.html?q=${encodeURIComponent(q)}`, { waitUntil: 'load' });
  await p.waitForFunction(() => document.querySelector('.search-page[data-search-ms]'));
  const [ms, n] = await p.evaluate(() => [Number(document.querySelector('.search-page').getAttribute('data-search-ms')),
    document.querySelectorAll('.search-page .search-result').length]);
  searchPage.push(ms);
  if (round === 0) console.log(`search page ${q.padEnd(10, '　')} ${String(ms).padStart(5)} ms  ${n} shown`);
  await p.close();
}
await browser.close();
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`first keystroke to results (index loading included), keystroke with the focus: median ${med(cold).toFixed(0)} ms, max ${Math.max(...cold).toFixed(0)} ms`);
console.log(`first keystroke to results (index loading included), keystroke ${DELAY} ms after the focus: median ${med(typed).toFixed(0)} ms, max ${Math.max(...typed).toFixed(0)} ms`);
console.log(`later queries on the loaded page: median ${med(warm).toFixed(1)} ms, max ${Math.max(...warm).toFixed(1)} ms`);
if (again.length) console.log(`  of which with the query's files already loaded (rounds 2+): median ${med(again).toFixed(1)} ms, max ${Math.max(...again).toFixed(1)} ms`);
console.log(`search page, query start to results shown (loading included): median ${med(searchPage).toFixed(0)} ms, max ${Math.max(...searchPage).toFixed(0)} ms`);
