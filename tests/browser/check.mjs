// Browser check of a built tsushin site.
//
//   node tests/browser/check.mjs <output-dir>
//
// Opens (from file://) the home page, the newest newsletter issue and a training page in Debian's
// headless Chromium at 375×812 (mobile) and 1280×900, saves full-page screenshots to
// tests/browser/screenshots/<page>-<width>.png, runs axe-core (wcag2a, wcag2aa, wcag21aa,
// best-practice) and fails on:
//   - axe violations of impact "serious" or "critical" (moderate/minor ones are printed as notes),
//   - horizontal overflow at 375 px (scrollWidth > clientWidth + 1), or a layout viewport wider
//     than the device (missing <meta name="viewport">),
//   - an <img> that did not load,
//   - a button or menu label (「検索」, 「会議資料」) broken over two lines,
//   - a console error or an uncaught page error.
// Prints one line per page and width, then `N passed, M failed`. Exit code 1 on any failure.
//
// Needs `npm ci` (playwright-core, axe-core) and /usr/bin/chromium (`apt-get install chromium`).
// Never downloads a browser.

import { readFileSync, readdirSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const require = createRequire(join(repo, 'package.json'));

const CHROMIUM = process.env.TSUSHIN_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'];
const FAILING_IMPACTS = new Set(['serious', 'critical']);
const VIEWPORTS = [
  { width: 375, height: 812, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  { width: 1280, height: 900, isMobile: false, hasTouch: false, deviceScaleFactor: 1 },
];
const SCREENSHOTS = join(here, 'screenshots');
const TIMEOUT_MS = 30_000;

function die(message) {
  console.error(`check.mjs: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// ---- inputs ---------------------------------------------------------------------------------

const outArg = process.argv[2];
if (!outArg) die('usage: node tests/browser/check.mjs <output-dir>');
const out = resolve(outArg);
if (!existsSync(join(out, 'index.html'))) die(`${out}/index.html not found: build the site first`);
if (!existsSync(CHROMIUM)) {
  die(`${CHROMIUM} not found: run \`apt-get install chromium\` (or \`bash .ci/run\`)`);
}

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  die('playwright-core is not installed: run `npm ci` in the repository root (or `bash .ci/run`)');
}
let axeSource;
try {
  axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch {
  die('axe-core is not installed: run `npm ci` in the repository root (or `bash .ci/run`)');
}

/** The first `dir/*.html` other than index.html, names sorted descending (newest slug first). */
function newestIn(dir) {
  const abs = join(out, dir);
  if (!existsSync(abs)) return null;
  const names = readdirSync(abs)
    .filter((n) => n.endsWith('.html') && n !== 'index.html' && statSync(join(abs, n)).isFile())
    .sort()
    .reverse();
  return names.length ? `${dir}/${names[0]}` : null;
}

const pages = [{ name: 'index', path: 'index.html' }];
for (const [name, dir] of [['newsletter', 'newsletters'], ['event', 'events']]) {
  const path = newestIn(dir);
  if (!path) die(`no ${dir}/*.html page (other than index.html) in ${out}`);
  pages.push({ name, path });
}
// Meeting handouts are not on every site; the example has one.
const handout = newestIn('handouts');
if (handout) pages.push({ name: 'handout', path: handout });

// ---- in-page probes (run in the browser) ------------------------------------------------------

/**
 * Buttons and navigation links with a label broken inside a word (a squeezed 「検索」 button
 * reads 検/索): a text node of theirs whose line boxes (rects grouped by vertical overlap) are
 * more than one. A break between two nodes (「通信」 and a smaller 「（バックナンバー）」 below it)
 * is the layout's choice and allowed.
 */
function brokenLabels() {
  const lines = (rects) => {
    let count = 0;
    let bottom = -Infinity;
    for (const r of rects.filter((r) => r.width > 0 && r.height > 0).sort((a, b) => a.top - b.top)) {
      if (r.top >= bottom - 1) {
        count += 1;
        bottom = r.bottom;
      } else {
        bottom = Math.max(bottom, r.bottom);
      }
    }
    return count;
  };
  const found = [];
  for (const el of document.querySelectorAll('button, nav a')) {
    if (!el.getClientRects().length || el.closest('[hidden]')) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (!text || text.length > 12) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const n = lines(Array.from(range.getClientRects()));
      if (n > 1) found.push(`「${text}」 (${n} lines)`);
    }
  }
  return found;
}

/** Loads every <img> eagerly and returns those that fail to load or decode. */
async function brokenImages() {
  const imgs = Array.from(document.images);
  const results = await Promise.all(
    imgs.map(async (img) => {
      img.loading = 'eager';
      const src = img.getAttribute('src') || '';
      try {
        await Promise.race([
          img.decode(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 10_000)),
        ]);
        return null;
      } catch (e) {
        return `${src || '(no src)'} (${e && e.message ? e.message : e})`;
      }
    }),
  );
  return results.filter(Boolean);
}

/** Horizontal overflow: widths and the outermost elements that stick out to the right. */
function overflow() {
  const de = document.documentElement;
  const limit = de.clientWidth + 1;
  const culprits = [];
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    for (const c of Array.from(el.classList).slice(0, 2)) s += `.${c}`;
    return s;
  };
  const walk = (el) => {
    for (const child of el.children) {
      const r = child.getBoundingClientRect();
      if (r.width > 0 && r.right + window.scrollX > limit) {
        culprits.push(`${describe(child)} (right edge ${Math.round(r.right + window.scrollX)}px)`);
        if (culprits.length >= 3) return;
      } else if (getComputedStyle(child).overflowX === 'visible') {
        walk(child);
        if (culprits.length >= 3) return;
      }
    }
  };
  walk(document.body);
  return { scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, culprits };
}

async function runAxe(tags) {
  // eslint-disable-next-line no-undef
  const result = await axe.run(document, {
    runOnly: { type: 'tag', values: tags },
    resultTypes: ['violations'],
    // From file:// every stylesheet is cross-origin, and axe's CSSOM preload would try to fetch
    // it with XHR, which Chromium blocks with a console error that is axe's, not the site's.
    preload: false,
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    count: v.nodes.length,
    targets: v.nodes.slice(0, 3).map((n) => n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' >>> ')),
  }));
}

// ---- one page at one viewport -----------------------------------------------------------------

async function checkPage(context, pageSpec, vp) {
  const problems = [];
  const notes = [];
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      const where = loc && loc.url ? ` (${loc.url.replace(pathToFileURL(out).href + '/', '')}:${loc.lineNumber})` : '';
      problems.push(`console error: ${msg.text()}${where}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`uncaught page error: ${err.message}`));

  try {
    const url = pathToFileURL(join(out, pageSpec.path)).href;
    await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT_MS });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));

    for (const img of await page.evaluate(brokenImages)) problems.push(`image failed to load: ${img}`);

    for (const label of await page.evaluate(brokenLabels)) {
      problems.push(`a button or menu label breaks over lines: ${label}`);
    }

    if (vp.width === 375) {
      const o = await page.evaluate(overflow);
      if (o.clientWidth > vp.width + 1) {
        problems.push(
          `layout viewport is ${o.clientWidth}px wide at ${vp.width}px (missing <meta name="viewport">?)`,
        );
      } else if (o.scrollWidth > o.clientWidth + 1) {
        problems.push(
          `horizontal overflow: scrollWidth ${o.scrollWidth} > clientWidth ${o.clientWidth}` +
            (o.culprits.length ? `; sticking out: ${o.culprits.join(', ')}` : ''),
        );
      }
    }

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({
      path: join(SCREENSHOTS, `${pageSpec.name}-${vp.width}.png`),
      fullPage: true,
      animations: 'disabled',
    });

    await page.addScriptTag({ content: axeSource });
    for (const v of await page.evaluate(runAxe, AXE_TAGS)) {
      const line = `axe ${v.impact} ${v.id}: ${v.help} (${v.count} node${v.count === 1 ? '' : 's'}) ${v.targets.join(' | ')}`;
      if (FAILING_IMPACTS.has(v.impact)) problems.push(line);
      else notes.push(line);
    }
  } catch (e) {
    problems.push(`error: ${e && e.message ? e.message.split('\n')[0] : e}`);
  } finally {
    await page.close().catch(() => {});
  }
  return { problems, notes };
}

// ---- main -------------------------------------------------------------------------------------

let passed = 0;
let failed = 0;

for (const vp of VIEWPORTS) {
  const profile = mkdtempSync(join(tmpdir(), 'tsushin-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: vp.width, height: vp.height },
      screen: { width: vp.width, height: vp.height },
      isMobile: vp.isMobile,
      hasTouch: vp.hasTouch,
      deviceScaleFactor: vp.deviceScaleFactor,
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      reducedMotion: 'reduce',
      timeout: 60_000,
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    die(`could not start ${CHROMIUM}: ${e && e.message ? e.message.split('\n')[0] : e}`);
  }
  try {
    for (const p of pages) {
      const { problems, notes } = await checkPage(context, p, vp);
      const label = `${p.name} ${vp.width}px (${p.path})`;
      if (problems.length === 0) {
        passed += 1;
        console.log(`PASS ${label}${notes.length ? ` — ${notes.length} minor/moderate axe note(s)` : ''}`);
      } else {
        failed += 1;
        console.log(`FAIL ${label} — ${problems.length} problem(s)`);
      }
      for (const pr of problems) console.log(`    ✗ ${pr}`);
      for (const n of notes) console.log(`    · ${n}`);
    }
  } finally {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

console.log(`screenshots: ${SCREENSHOTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
