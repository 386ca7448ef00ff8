// Runs the site search of a built tsushin site without a browser:
//
//   node tests/browser/search_query.mjs <output-dir> <query>...
//
// Loads <output-dir>/static/search.js and the index files it asks for (search/*.js) into one
// node `vm` context, exactly as the <script> tags would in the page, runs each query and prints
// one JSON line: [{query, results: [{url, title, kind, date, status, snippet, marks}]}].
// Used by tests/search_index.rs to check the index the Rust build wrote against the query side.

import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import vm from 'node:vm';

const [outArg, ...queries] = process.argv.slice(2);
if (!outArg) {
  console.error('usage: node tests/browser/search_query.mjs <output-dir> <query>...');
  process.exit(2);
}
const out = resolve(outArg);
const context = vm.createContext({});
const run = (file) => vm.runInContext(readFileSync(file, 'utf8'), context, { filename: file });
run(join(out, 'static', 'search.js'));
const core = context.TsushinSearch;
const loaded = [];
const load = (name) => {
  const file = join(out, 'search', `${name}.js`);
  if (!existsSync(file)) return Promise.reject(new Error(`missing ${file}`));
  if (!loaded.includes(name)) {
    run(file);
    loaded.push(name);
  }
  return Promise.resolve();
};

const answers = [];
for (const query of queries) {
  const found = await core.search(query, load, 0);
  answers.push({
    query,
    results: found.results.map((r) => {
      const d = found.meta.docs[r.doc];
      const v = core.view(found.meta, r, found.words);
      return {
        url: d[0],
        title: d[1],
        kind: d[2],
        date: d[3],
        status: d[4],
        snippet: v.text,
        marks: v.marks.map(([a, b]) => v.text.slice(a, b)),
        titleMarks: v.titleMarks.map(([a, b]) => v.title.slice(a, b)),
      };
    }),
  });
}
console.log(JSON.stringify(answers));
