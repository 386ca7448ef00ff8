// What the site search does to answer fast, checked in Debian's headless Chromium on a built
// site opened from file:// (used by tests/search_speed.rs):
//
//   node tests/browser/search_speed.mjs <base-url> <query>
//
// Prints one JSON object:
// - before: the index files (search/*.js) loaded before the reader does anything;
// - focused: those loaded once the header box has the focus and loading has settled, with no
//   keystroke yet, and `wanted`, the files index-meta.js lists to preload;
// - page: the search page for <query>: status text, results shown, the「さらに表示」button's
//   text; then after a click on it: results shown, whether the focus went to the first new
//   result, and whether a button is left.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { chromium } = createRequire(join(repo, 'package.json'))('playwright-core');
const [base, query] = process.argv.slice(2);
const TIMEOUT_MS = 20000;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  const loadedNames = () => Object.keys(globalThis.TSUSHIN_SEARCH || {}).sort();

  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${base}events/index.html`, { waitUntil: 'load' });
  const before = await page.evaluate(loadedNames);
  await page.focus('.site-search input');
  await page.waitForFunction(() => (globalThis.TSUSHIN_SEARCH || {})['index-meta']);
  // Settled: no new index file for half a second.
  let focused = [];
  for (let quiet = 0; quiet < 5;) {
    await page.waitForTimeout(100);
    const now = await page.evaluate(loadedNames);
    quiet = now.length === focused.length ? quiet + 1 : 0;
    focused = now;
  }
  const wanted = await page.evaluate(() => globalThis.TSUSHIN_SEARCH['index-meta'].preload || []);
  await page.close();

  const search = await context.newPage();
  search.setDefaultTimeout(TIMEOUT_MS);
  search.on('pageerror', (e) => errors.push(String(e)));
  await search.goto(`${base}search.html?q=${encodeURIComponent(query)}`, { waitUntil: 'load' });
  await search.waitForFunction(() => document.querySelector('.search-page .search-status').textContent !== '');
  const first = await search.evaluate(() => ({
    status: document.querySelector('.search-page .search-status').textContent,
    shown: document.querySelectorAll('.search-page .search-result').length,
    button: document.querySelector('.search-page .search-more button')?.textContent ?? null,
  }));
  let after = null;
  if (first.button !== null) {
    await search.click('.search-page .search-more button');
    after = await search.evaluate((n) => {
      const links = [...document.querySelectorAll('.search-page .search-result-link')];
      return {
        shown: links.length,
        focusedNext: document.activeElement === links[n],
        button: document.querySelector('.search-page .search-more button')?.textContent ?? null,
      };
    }, first.shown);
  }
  console.log(JSON.stringify({ before, focused, wanted, page: { ...first, after }, errors }));
} finally {
  await browser.close();
}
