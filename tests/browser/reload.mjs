// Live reload in a real browser: node tests/browser/reload.mjs <page-url> <markdown-file>
//
// Opens <page-url> (served by `tsushin serve`) in Debian's headless Chromium, then edits
// <markdown-file> on disk the way an editor saves it and checks, without touching the page:
//   1. the page reloads by itself and shows the new text;
//   2. a broken edit (front matter that is not YAML) makes the page reload into the error
//      overlay, which names the file and line;
//   3. fixing the file makes the page reload back to normal.
// The file is restored at the end. Prints one line per step, then `N passed, M failed`.
//
// Needs `npm ci` (playwright-core) and /usr/bin/chromium. Never downloads a browser.

import { readFileSync, writeFileSync, renameSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const require = createRequire(join(repo, 'package.json'));

const CHROMIUM = process.env.TSUSHIN_CHROMIUM || '/usr/bin/chromium';
const STEP_TIMEOUT_MS = 20_000;

function die(message) {
  console.error(`reload.mjs: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const [url, file] = process.argv.slice(2);
if (!url || !file) die('usage: node tests/browser/reload.mjs <page-url> <markdown-file>');
if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) die(`expected a loopback URL, got ${url}`);

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  die('playwright-core is not installed: run `npm ci` in the repository root (or `bash .ci/run`)');
}

const original = readFileSync(file, 'utf8');

/** Saves like an editor: a temporary file next to it, renamed over it. */
function save(text) {
  const tmp = join(dirname(file), `.${basename(file)}.tsushin-test~`);
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** A marker that a reload wipes: tells a real reload from a page that only changed. */
async function mark(page) {
  await page.evaluate(() => {
    window.__notReloaded = true;
  });
}

async function reloaded(page) {
  // Reloaded, loaded, and listening again for the next edit.
  await page.waitForFunction(
    () => window.__notReloaded === undefined && document.readyState === 'complete' && window.tsushinLive === true,
    null,
    { timeout: STEP_TIMEOUT_MS },
  );
}

const results = [];
async function step(name, fn) {
  try {
    await fn();
    results.push([name, null]);
    console.log(`PASS ${name}`);
  } catch (e) {
    const why = e && e.message ? e.message.split('\n')[0] : String(e);
    results.push([name, why]);
    console.log(`FAIL ${name} — ${why}`);
  }
}

const profile = mkdtempSync(join(tmpdir(), 'tsushin-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'ja-JP',
    timeout: 60_000,
  });
} catch (e) {
  rmSync(profile, { recursive: true, force: true });
  die(`could not start ${CHROMIUM}: ${e && e.message ? e.message.split('\n')[0] : e}`);
}

try {
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const marker = `ライブ更新の確認 ${Date.now()}`;

  await step('page loads with the reload script', async () => {
    await page.goto(url, { waitUntil: 'load' });
    if ((await page.locator('#tsushin-reload').count()) !== 1) throw new Error('no reload script on the page');
    // Wait until the page is listening, so the edit cannot come before the connection.
    await page.waitForFunction(() => window.tsushinLive === true, null, { timeout: STEP_TIMEOUT_MS });
  });

  await step('an edit reloads the page with the new text', async () => {
    await mark(page);
    // Append a paragraph after the front matter's closing line.
    const parts = original.split('\n---\n');
    if (parts.length < 2) throw new Error(`${file} has no front matter`);
    save(`${parts[0]}\n---\n\n${marker}\n${parts.slice(1).join('\n---\n')}`);
    await reloaded(page);
    await page.getByText(marker).first().waitFor({ state: 'visible' });
  });

  await step('a broken edit shows the error overlay', async () => {
    await mark(page);
    save(original.replace(/^title: /m, 'title: [壊れた '));
    await reloaded(page);
    const overlay = page.locator('#tsushin-overlay');
    await overlay.waitFor({ state: 'visible' });
    const text = await overlay.innerText();
    const name = basename(file);
    if (!text.includes(name)) throw new Error(`overlay does not name ${name}: ${text.slice(0, 200)}`);
    if (!/:\d+:\d+/.test(text)) throw new Error(`overlay has no line:column: ${text.slice(0, 200)}`);
  });

  await step('fixing the file reloads the page back', async () => {
    await mark(page);
    save(original);
    await reloaded(page);
    if ((await page.locator('#tsushin-overlay').count()) !== 0) throw new Error('the overlay is still there');
    if ((await page.getByText(marker).count()) !== 0) throw new Error('the old edit is still shown');
  });
} finally {
  save(original);
  await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}

const failed = results.filter(([, why]) => why).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
