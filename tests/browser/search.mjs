// Site search in Debian's headless Chromium.
//
//   node tests/browser/search.mjs <base-url>
//
// <base-url> is the built example site (plus the extra training tests/search_browser.rs adds)
// as a file:// folder URL or the `tsushin serve` address, ending in `/`. Checks:
//   - ordinary pages load no index file until the search box gets focus,
//   - the queries below typed into the search page give the expected pages (ACP, ケアマネジャー
//     in full-width, half-width and hiragana, an AND of two words, a ward only in a session's
//     audience, a survey answer label, a query with no result and 「見つかりませんでした」),
//   - the header box of a page one folder down finds pages and links them correctly, with
//     keyboard navigation (arrow keys, Enter) and highlighted hits,
//   - axe-core: no serious/critical violation on the search page and with an open result list,
//     no horizontal overflow at 375 px with the list open,
//   - without JavaScript the box is a link to the tag list,
//   - no console error or uncaught page error anywhere.
// Prints one line per check, the timings, then `N passed, M failed`; exit code 1 on failure.

import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const require = createRequire(join(repo, 'package.json'));
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const CHROMIUM = process.env.TSUSHIN_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];
const TIMEOUT_MS = 30_000;

const base = process.argv[2];
if (!base || !base.endsWith('/')) {
  console.error('usage: node tests/browser/search.mjs <base-url ending in />');
  process.exit(2);
}

const TABUNYA = 'events/2021-08-tabunya.html';
const CASES = [
  { q: 'ACP', includes: [TABUNYA, 'newsletters/2021-09-vol02.html'] },
  { q: 'ケアマネジャー', includes: ['newsletters/2021-06-vol01.html', 'newsletters/2021-12-vol03.html', TABUNYA] },
  { q: 'ｹｱﾏﾈｼﾞｬｰ', sameAs: 'ケアマネジャー' },
  { q: 'けあまねじゃー', sameAs: 'ケアマネジャー' },
  { q: '認知症 西成区', exactly: [TABUNYA] },
  { q: '堺区', exactly: ['events/2022-02-kinrin-renrakukai.html'] },
  { q: 'あまり深まらなかった', exactly: ['newsletters/2021-09-vol02.html', 'handouts/2021-07-shiryo3.html'] },
  { q: '該当しないことば', exactly: [] },
];

let passed = 0;
let failed = 0;
const timings = [];
function check(ok, label, detail = '') {
  if (ok) passed += 1;
  else failed += 1;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${label}${ok || !detail ? '' : ` — ${detail}`}`);
}

function watch(page, errors) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const from = (m.location() && m.location().url) || '';
    // Chromium asks a web server for /favicon.ico on its own; the site has none (not a page error).
    if (from.endsWith('/favicon.ico')) return;
    errors.push(`console error on ${page.url()}: ${m.text()} ${from}`);
  });
  page.on('pageerror', (e) => errors.push(`page error on ${page.url()}: ${e.message}`));
}

/** Types `q` into the input (one input event, as an IME commit gives) and waits for the answer. */
async function ask(page, scope, q) {
  const input = page.locator(`${scope} input[type=search]`);
  await input.fill('');
  await input.fill(q);
  await page.waitForFunction(
    ([s, query]) => document.querySelector(`${s} .search-status`).textContent.includes(`「${query}」`),
    [scope, q.trim()],
    { timeout: TIMEOUT_MS },
  );
  return page.evaluate(([s, b]) => {
    const box = document.querySelector(s);
    return {
      status: box.querySelector('.search-status').textContent,
      urls: Array.from(box.querySelectorAll('.search-result-link')).map((a) => a.href.replace(b, '')),
      marks: Array.from(box.querySelectorAll('.search-results mark')).map((m) => m.textContent),
      ms: Number(box.getAttribute('data-search-ms')),
    };
  }, [scope, base]);
}

async function axe(page, label) {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
      preload: false,
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length,
      at: v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ') }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `axe: ${label}`, bad.map((v) => `${v.impact} ${v.id} (${v.n}) ${v.at}`).join('; '));
}

async function searchPage(context, errors) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  watch(page, errors);
  await page.goto(`${base}search.html`, { waitUntil: 'load' });
  await axe(page, 'search page');
  const answers = {};
  for (const c of CASES) {
    const a = await ask(page, '.search-page', c.q);
    answers[c.q] = a;
    timings.push({ q: c.q, ms: a.ms });
    let ok;
    let detail = `got ${JSON.stringify(a.urls)} (${a.status})`;
    if (c.sameAs) ok = JSON.stringify(a.urls) === JSON.stringify(answers[c.sameAs].urls) && a.urls.length > 0;
    else if (c.exactly) ok = JSON.stringify(a.urls) === JSON.stringify(c.exactly);
    else ok = c.includes.every((u) => a.urls.includes(u));
    if (a.urls.length === 0) ok = ok && a.status.includes('見つかりませんでした');
    else ok = ok && a.marks.length > 0 && a.status.includes(`${a.urls.length}件`);
    check(ok, `search page: ${c.q} → ${a.urls.length} result(s)`, detail);
  }
  await ask(page, '.search-page', 'ケアマネジャー');
  await axe(page, 'search page with results');
  // The search page reads ?q= (the header box's Enter goes there).
  await page.goto(`${base}search.html?q=${encodeURIComponent('認知症 西成区')}`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelector('.search-page .search-status').textContent !== '');
  const urls = await page.$$eval('.search-page .search-result-link', (as) => as.map((a) => a.getAttribute('href')));
  check(JSON.stringify(urls) === JSON.stringify([TABUNYA]), 'search.html?q= runs the query', JSON.stringify(urls));
  await page.close();
}

async function headerBox(context, errors, width) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  watch(page, errors);
  await page.goto(`${base}events/index.html`, { waitUntil: 'load' });
  const before = await page.evaluate(() => document.querySelectorAll('script[src*="search/"]').length);
  check(before === 0, `${width}px: no index file loaded before the reader searches`, `${before} loaded`);
  await page.focus('.site-search input');
  await page.waitForFunction(() => document.querySelector('script[src$="search/index-meta.js"]'));
  const a = await ask(page, '.site-search', 'ｹｱﾏﾈｼﾞｬｰ');
  timings.push({ q: `header ${width}px ｹｱﾏﾈｼﾞｬｰ`, ms: a.ms });
  const ok = a.urls.length > 0 && a.urls.length <= 8 && a.urls.every((u) => !u.startsWith('..'))
    && a.marks.includes('ケアマネジャー');
  check(ok, `${width}px: header box from events/ finds and highlights`, JSON.stringify(a));
  if (width === 375) {
    const o = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    check(o[0] <= o[1] + 1, '375px: no horizontal overflow with the result list open', `${o[0]} > ${o[1]}`);
  }
  await axe(page, `${width}px: open result list`);
  // Keyboard: ↓ into the list, ↓ to the next, ↑ back, Enter opens.
  await page.focus('.site-search input');
  await page.keyboard.press('ArrowDown');
  const first = await page.evaluate(() => document.activeElement.classList.contains('search-result-link'));
  await page.keyboard.press('ArrowDown');
  const second = await page.evaluate(() => document.activeElement.getAttribute('href'));
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  const back = await page.evaluate(() => document.activeElement.id);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await Promise.all([page.waitForURL((u) => u.href.endsWith(second.replace('../', ''))), page.keyboard.press('Enter')]);
  check(first && back === 'site-search-input', `${width}px: arrow keys and Enter`, `${first} ${back} ${page.url()}`);
  // Enter in the box opens the search page with the query.
  await page.goto(`${base}index.html`, { waitUntil: 'load' });
  await page.fill('.site-search input', 'ACP');
  await Promise.all([page.waitForURL(/search\.html\?q=ACP/), page.press('.site-search input', 'Enter')]);
  await page.waitForFunction(() => document.querySelectorAll('.search-page .search-result').length > 0);
  check(true, `${width}px: Enter in the header box opens search.html?q=`);
  await page.close();
}

async function withoutJs(browser) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}index.html`, { waitUntil: 'load' });
  const link = await page.locator('.site-search-fallback').isVisible();
  const form = await page.locator('.site-search form').isVisible();
  const href = await page.getAttribute('.site-search-fallback', 'href');
  check(link && !form && href === 'tags/index.html', 'without JavaScript: a link to the tag list', `${link} ${form} ${href}`);
  await context.close();
}

const profile = mkdtempSync(join(tmpdir(), 'tsushin-search-'));
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
try {
  const errors = [];
  for (const vp of [{ width: 1280, height: 900 }, { width: 375, height: 812, isMobile: true, hasTouch: true }]) {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height },
      isMobile: !!vp.isMobile, hasTouch: !!vp.hasTouch, locale: 'ja-JP', reducedMotion: 'reduce' });
    try {
      if (vp.width === 1280) await searchPage(context, errors);
      await headerBox(context, errors, vp.width);
    } catch (e) {
      check(false, `${vp.width}px`, e && e.message ? e.message.split('\n')[0] : String(e));
    }
    await context.close();
  }
  await withoutJs(browser);
  check(errors.length === 0, 'no console error', errors.join('; '));
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`timings (ms, input to results shown): ${timings.map((t) => `${t.q}=${t.ms}`).join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
