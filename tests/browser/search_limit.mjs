// Runs one query of the site search twice on a built tsushin site, without a browser, and
// reports which text files each run loaded:
//
//   node tests/browser/search_limit.mjs <output-dir> <limit> <query>
//
// Prints one JSON object: {limited: {urls, total, estimated, texts}, all: {…}, textFiles}:
// `limited` is the search as the header box runs it (the first <limit> results), `all` as the
// search page does (limit 0, every result confirmed); `texts` are the text-XX files loaded,
// each run in a fresh `vm` context. Used by tests/search_limit.rs.

import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import vm from 'node:vm';

const [outArg, limitArg, query] = process.argv.slice(2);
const out = resolve(outArg);

async function run(limit) {
  const context = vm.createContext({});
  const exec = (file) => vm.runInContext(readFileSync(file, 'utf8'), context, { filename: file });
  exec(join(out, 'static', 'search.js'));
  const loaded = new Set();
  const load = (name) => {
    if (!loaded.has(name)) {
      exec(join(out, 'search', `${name}.js`));
      loaded.add(name);
    }
    return Promise.resolve();
  };
  const found = await context.TsushinSearch.search(query, load, limit);
  const results = limit ? found.results.slice(0, limit) : found.results;
  return {
    urls: results.map((r) => found.meta.docs[r.doc][0]),
    total: found.total,
    estimated: found.estimated,
    texts: [...loaded].filter((n) => n.startsWith('text-')).sort(),
  };
}

const textFiles = readdirSync(join(out, 'search')).filter((n) => n.startsWith('text-')).length;
console.log(JSON.stringify({ limited: await run(Number(limitArg)), all: await run(0), textFiles }));
