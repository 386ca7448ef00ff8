/* tsushin site search.
 *
 * The index is plain JavaScript written by `tsushin build` under search/ (index-meta.js,
 * shard-XX.js, text-XX.js); each file stores one value in globalThis.TSUSHIN_SEARCH. They are
 * loaded with <script> tags, which work from file:// where fetch does not, and only once the
 * reader starts searching: index-meta.js when the box gets the focus, then the files it lists
 * as worth preloading (the whole index of a small site), before the first keystroke. The text
 * rules (which characters are kanji or kana, the kana folding) come from the index, where the
 * Rust build wrote them: the query is normalised the same way as the pages were.
 *
 * Without a DOM (node), only the core is defined, as globalThis.TsushinSearch, for tests.
 */
(function () {
  'use strict';
  var G = globalThis;
  var DATA = (G.TSUSHIN_SEARCH = G.TSUSHIN_SEARCH || {});
  var WORD = /[\p{Alphabetic}\p{N}]/u;
  var CJK = 1;
  var WORDCLASS = 2;

  // ---- text rules ---------------------------------------------------------------------------

  function inRanges(cp, ranges) {
    for (var i = 0; i < ranges.length; i++) {
      if (cp >= ranges[i][0] && cp <= ranges[i][1]) return true;
    }
    return false;
  }

  function classOf(ch, rules) {
    if (inRanges(ch.codePointAt(0), rules.cjk)) return CJK;
    return WORD.test(ch) ? WORDCLASS : 0;
  }

  function foldCode(cp, rules) {
    for (var i = 0; i < rules.fold.length; i++) {
      var f = rules.fold[i];
      if (cp >= f[0] && cp <= f[1]) return cp + f[2];
    }
    return cp;
  }

  function foldChar(ch, rules) {
    var cp = ch.codePointAt(0);
    for (var i = 0; i < rules.fold.length; i++) {
      var f = rules.fold[i];
      if (cp >= f[0] && cp <= f[1]) return String.fromCodePoint(cp + f[2]);
    }
    return ch;
  }

  /* The kana folding of a lower-cased NFKC text: one replacement per run of katakana. */
  function normalizeFold(text, rules) {
    if (!rules.foldRe) {
      var cls = rules.fold.map(function (f) {
        return '\\u{' + f[0].toString(16) + '}-\\u{' + f[1].toString(16) + '}';
      });
      rules.foldRe = new RegExp('[' + cls.join('') + ']+', 'gu');
    }
    return text.replace(rules.foldRe, function (run) {
      var out = '';
      for (var ch of run) out += foldChar(ch, rules);
      return out;
    });
  }

  /* NFKC, lower case, katakana → hiragana: the form in which text is indexed and compared. */
  function normalize(text, rules) {
    return normalizeFold(text.normalize('NFKC').toLowerCase(), rules);
  }

  /* Characters NFKC leaves alone, that never compose and have no lower case (as `plain` in
   * src/japanese/search_text.rs): kana, common kanji, Japanese punctuation and brackets. */
  function plain(cp) {
    return (
      (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0x3041 && cp <= 0x3096) ||
      (cp >= 0x30a1 && cp <= 0x30fa) ||
      cp === 0x30fc ||
      (cp >= 0x3001 && cp <= 0x3003) ||
      (cp >= 0x3005 && cp <= 0x3011)
    );
  }

  /* Normalises `text` like normalize and returns {s, map}: map[i] is the index in `text` where
   * the character at s[i] came from, or map is null when every character stayed in place (the
   * text was in NFKC already). Otherwise code point by code point, asking NFKC only for the
   * characters it may change and that are not full-width ASCII (common in Japanese text). */
  function normalizeMapped(text, rules) {
    if (text.normalize('NFKC') === text) {
      var lower = text.toLowerCase();
      if (lower.length === text.length) return { s: normalizeFold(lower, rules), map: null };
    }
    var units = [];
    var map = [];
    var i = 0;
    while (i < text.length) {
      var cp = text.codePointAt(i);
      var simple = -1;
      if (cp < 0x80) simple = cp;
      else if (cp >= 0xff01 && cp <= 0xff5e) simple = cp - 0xfee0;
      else if (plain(cp)) simple = foldCode(cp, rules);
      if (simple >= 0) {
        units.push(simple >= 65 && simple <= 90 ? simple + 32 : simple);
        map.push(i);
        i += 1;
        continue;
      }
      var ch = String.fromCodePoint(cp);
      var first = true;
      for (var part of ch.normalize('NFKC').toLowerCase()) {
        var last = units.length ? units[units.length - 1] : 0xd800;
        if (first && (part === '\u3099' || part === '\u309a') && (last < 0xd800 || last > 0xdfff)) {
          // A half-width voiced mark joins the kana before it, as NFKC of the whole text does.
          var joined = foldChar((String.fromCharCode(last) + part).normalize('NFC'), rules);
          if (joined.length === 1) {
            units[units.length - 1] = joined.charCodeAt(0);
            first = false;
            continue;
          }
        }
        first = false;
        var f = foldChar(part, rules);
        for (var k = 0; k < f.length; k++) {
          units.push(f.charCodeAt(k));
          map.push(i);
        }
      }
      i += ch.length;
    }
    map.push(text.length);
    var parts = [];
    for (var at = 0; at < units.length; at += 8192) {
      parts.push(String.fromCharCode.apply(null, units.slice(at, at + 8192)));
    }
    return { s: parts.join(''), map: map };
  }

  /* Where the character at s[i] of a normalizeMapped field came from. */
  function origin(field, i) {
    return field.map ? field.map[i] : i;
  }

  /* The terms to look up for one normalised query word: bigrams of kanji/kana runs (exact), a
   * lone kanji/kana character or a word (by prefix). */
  function queryTerms(norm, rules) {
    var out = [];
    var run = [];
    var runClass = 0;
    function flush() {
      if (runClass === CJK) {
        if (run.length === 1) out.push({ t: run[0], prefix: true });
        for (var i = 0; i + 1 < run.length; i++) out.push({ t: run[i] + run[i + 1], prefix: false });
      } else if (runClass === WORDCLASS && run.length) {
        out.push({ t: run.join(''), prefix: true });
      }
      run = [];
    }
    for (var ch of norm) {
      var k = classOf(ch, rules);
      if (k !== runClass) {
        flush();
        runClass = k;
      }
      if (k) run.push(ch);
    }
    flush();
    return out;
  }

  function shardOf(term, shards) {
    return (Math.imul(term.codePointAt(0), 0x9e3779b1) >>> 0) % shards;
  }

  function hex2(n) {
    return (n < 16 ? '0' : '') + n.toString(16);
  }

  // ---- search -------------------------------------------------------------------------------

  /* The digits of the posting strings (base64url), by character code. */
  var DIGITS = (function () {
    var abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    var table = new Int8Array(128).fill(-1);
    for (var i = 0; i < abc.length; i++) table[abc.charCodeAt(i)] = i;
    return table;
  })();

  /* Calls add(document, where bits) for each entry of a posting string: per document,
   * (document − previous document) × 8 + where, as 5-bit groups lowest first, a digit ≥ 32
   * saying that more follow (src/site/search/write.rs). */
  function decode(code, add) {
    var doc = 0;
    var v = 0;
    var scale = 1;
    for (var i = 0; i < code.length; i++) {
      var d = DIGITS[code.charCodeAt(i)];
      if (d >= 32) {
        v += (d - 32) * scale;
        scale *= 32;
      } else {
        v += d * scale;
        doc += Math.floor(v / 8);
        add(doc, v % 8);
        v = 0;
        scale = 1;
      }
    }
  }

  /* The terms of a shard in code unit order, to find the terms starting with a prefix. */
  var sortedTerms = new Map();
  function termsOf(name, shard) {
    var keys = sortedTerms.get(name);
    if (!keys) {
      keys = Object.keys(shard).sort();
      sortedTerms.set(name, keys);
    }
    return keys;
  }

  /* Documents (number → where bits) holding `term`, from its shard (named `name`). */
  function postings(term, name) {
    var shard = DATA[name];
    var found = new Map();
    function add(doc, mask) {
      found.set(doc, (found.get(doc) || 0) | mask);
    }
    if (!term.prefix) {
      if (Object.prototype.hasOwnProperty.call(shard, term.t)) decode(shard[term.t], add);
      return found;
    }
    var keys = termsOf(name, shard);
    var lo = 0;
    var hi = keys.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (keys[mid] < term.t) lo = mid + 1;
      else hi = mid;
    }
    for (var k = lo; k < keys.length && keys[k].lastIndexOf(term.t, 0) === 0; k++) {
      decode(shard[keys[k]], add);
    }
    return found;
  }

  function textsOf(meta, d) {
    return DATA['text-' + hex2(Math.floor(d / meta.chunk))][d % meta.chunk];
  }

  /* Title, details and body of document d as written (its text file must be loaded). */
  function docFields(meta, d) {
    var texts = textsOf(meta, d);
    return [meta.docs[d][1], texts[0], texts[1]];
  }

  var normalized = new Map();
  function normalizedFields(meta, d) {
    var n = normalized.get(d);
    if (!n) {
      n = docFields(meta, d).map(function (f) {
        return normalize(f, meta.rules);
      });
      normalized.set(d, n);
    }
    return n;
  }

  function loadTexts(meta, docs, load) {
    var chunks = {};
    docs.forEach(function (d) {
      chunks['text-' + hex2(Math.floor(d / meta.chunk))] = true;
    });
    return Promise.all(Object.keys(chunks).map(load));
  }

  /* Documents holding every term of every word: doc → [where bits of each word]. */
  function candidates(meta, words) {
    var found = null;
    words.forEach(function (w, wi) {
      w.terms.forEach(function (t) {
        var docs = postings(t, 'shard-' + hex2(shardOf(t.t, meta.shards)));
        if (found === null) {
          found = new Map();
          docs.forEach(function (mask, d) {
            var masks = words.map(function () {
              return 7;
            });
            masks[wi] = mask;
            found.set(d, masks);
          });
          return;
        }
        found.forEach(function (masks, d) {
          if (!docs.has(d)) found.delete(d);
          else masks[wi] &= docs.get(d);
        });
      });
    });
    return found || new Map();
  }

  function lowestField(mask) {
    return mask & 1 ? 0 : mask & 2 ? 1 : 2;
  }

  /* Ranking: more words in the title, then in the details, then newer, then document order.
   * Negative when result a comes first. */
  function compare(meta, a, b) {
    function count(r, field) {
      var n = 0;
      for (var i = 0; i < r.hits.length; i++) if (r.hits[i] === field) n++;
      return n;
    }
    return (
      count(b, 0) - count(a, 0) ||
      count(b, 1) - count(a, 1) ||
      meta.docs[b.doc][6] - meta.docs[a.doc][6] ||
      a.doc - b.doc
    );
  }

  /* The first field (0 title, 1 details, 2 body) of document d holding each word as written,
   * or null when a word is not there (its text file must be loaded). */
  function confirm(meta, d, words) {
    var fields = normalizedFields(meta, d);
    var hits = [];
    for (var i = 0; i < words.length; i++) {
      var at = -1;
      for (var f = 0; f < 3 && at < 0; f++) {
        if (fields[f].indexOf(words[i].norm) >= 0) at = f;
      }
      if (at < 0) return null;
      hits.push(at);
    }
    return hits;
  }

  /* Confirms the candidates (sorted by their best possible rank) in batches until the first
   * `limit` confirmed results cannot be beaten by any candidate left: a confirmed hit is never
   * in a better field than the postings allow, so a candidate's rank from the postings is an
   * upper bound of its real rank. Only the texts of the batches looked at are loaded. Resolves
   * to {results, unchecked}: the confirmed results, sorted, and the number of candidates left
   * unconfirmed (all 0 when `limit` is 0: everything is confirmed). */
  function confirmTop(meta, words, cands, load, limit) {
    var results = [];
    var next = 0;
    function done() {
      if (next >= cands.length) return true;
      return (
        limit > 0 && results.length >= limit && compare(meta, results[limit - 1], cands[next]) <= 0
      );
    }
    function step() {
      if (done()) return Promise.resolve({ results: results, unchecked: cands.length - next });
      var size = limit ? Math.max(limit - results.length, 4) : cands.length;
      var batch = cands.slice(next, next + size);
      next += batch.length;
      return loadTexts(
        meta,
        batch.map(function (c) {
          return c.doc;
        }),
        load
      ).then(function () {
        batch.forEach(function (c) {
          var hits = confirm(meta, c.doc, words);
          if (hits) results.push({ doc: c.doc, hits: hits });
        });
        results.sort(function (a, b) {
          return compare(meta, a, b);
        });
        return step();
      });
    }
    return step();
  }

  /* Searches `query`; `load(name)` must resolve once DATA[name] is there. Resolves to
   * {meta, words, results: [{doc, hits}], total, estimated}, best first, where hits[w] is the
   * first field (0 title, 1 details, 2 body) holding word w as written. A word that is one
   * bigram or one word is confirmed by the index alone; a longer one against the stored text,
   * for the first `limit` results only (all when 0): then `results` holds those (and any
   * other confirmed on the way), `total` counts the rest from the postings and `estimated`
   * says so. The texts of the first `limit` results are loaded. */
  function search(query, load, limit) {
    var meta;
    var words;
    return load('index-meta')
      .then(function () {
        meta = DATA['index-meta'];
        words = query
          .split(/\s+/)
          .map(function (w) {
            var norm = normalize(w, meta.rules);
            return { raw: w, norm: norm, terms: queryTerms(norm, meta.rules) };
          })
          .filter(function (w) {
            return w.terms.length > 0;
          });
        var shards = {};
        words.forEach(function (w) {
          w.terms.forEach(function (t) {
            shards['shard-' + hex2(shardOf(t.t, meta.shards))] = true;
          });
        });
        return Promise.all(Object.keys(shards).map(load));
      })
      .then(function () {
        var found = candidates(meta, words);
        var cands = Array.from(found.keys()).map(function (d) {
          return { doc: d, hits: found.get(d).map(lowestField) };
        });
        cands.sort(function (a, b) {
          return compare(meta, a, b);
        });
        var exact = words.every(function (w) {
          return w.terms.length === 1 && w.terms[0].t === w.norm;
        });
        if (exact) return { results: cands, unchecked: 0 };
        return confirmTop(meta, words, cands, load, limit);
      })
      .then(function (checked) {
        var results = checked.results;
        var shown = limit ? results.slice(0, limit) : results;
        return loadTexts(
          meta,
          shown.map(function (r) {
            return r.doc;
          }),
          load
        ).then(function () {
          return {
            meta: meta,
            words: words,
            results: results,
            total: results.length + checked.unchecked,
            estimated: checked.unchecked > 0,
          };
        });
      });
  }

  /* Where the words occur in a normalised field, as [start, end) in the original text. */
  function marks(field, words, from, to) {
    var out = [];
    words.forEach(function (w) {
      var i = field.s.indexOf(w.norm);
      while (i >= 0) {
        var start = origin(field, i);
        var end = origin(field, i + w.norm.length);
        if (start >= from && end <= to) out.push([start, end]);
        i = field.s.indexOf(w.norm, i + Math.max(1, w.norm.length));
      }
    });
    out.sort(function (a, b) {
      return a[0] - b[0];
    });
    return out.filter(function (m, k) {
      return k === 0 || m[0] >= out[k - 1][1];
    });
  }

  /* What a result shows: the title with its hits, and a snippet of the body (or of the
   * details) around the first hit: {title, titleMarks, text, marks, before, after}. */
  function view(meta, result, words) {
    var original = docFields(meta, result.doc);
    var fields = original.map(function (t) {
      return normalizeMapped(t, meta.rules);
    });
    var f = result.hits.indexOf(2) >= 0 ? 2 : result.hits.indexOf(1) >= 0 ? 1 : 2;
    var field = fields[f];
    var text = original[f];
    var first = text.length;
    words.forEach(function (w) {
      var i = field.s.indexOf(w.norm);
      if (i >= 0) first = Math.min(first, origin(field, i));
    });
    if (first === text.length) first = 0;
    var from = Math.max(0, first - 30);
    var to = Math.min(text.length, from + 110);
    return {
      title: original[0],
      titleMarks: marks(fields[0], words, 0, original[0].length),
      text: text.slice(from, to).replace(/\s/g, ' '),
      marks: marks(field, words, from, to).map(function (m) {
        return [m[0] - from, m[1] - from];
      }),
      before: from > 0,
      after: to < text.length,
    };
  }

  var core = {
    normalize: normalize,
    normalizeMapped: normalizeMapped,
    queryTerms: queryTerms,
    shardOf: shardOf,
    search: search,
    view: view,
  };
  G.TsushinSearch = core;
  if (typeof document === 'undefined') return;

  // ---- user interface -----------------------------------------------------------------------

  function loader(root) {
    var pending = {};
    return function (name) {
      if (DATA[name]) return Promise.resolve();
      if (!pending[name]) {
        pending[name] = new Promise(function (ok, fail) {
          var s = document.createElement('script');
          s.src = root + 'search/' + name + '.js';
          s.async = true;
          s.onload = function () {
            if (DATA[name]) ok();
            else fail(new Error(name));
          };
          s.onerror = function () {
            delete pending[name];
            fail(new Error(name));
          };
          document.head.appendChild(s);
        });
      }
      return pending[name];
    };
  }

  /* Text with the [start, end) ranges wrapped in <mark>, appended to `parent`. */
  function appendMarked(parent, text, ranges) {
    var at = 0;
    ranges.forEach(function (r) {
      parent.appendChild(document.createTextNode(text.slice(at, r[0])));
      var m = document.createElement('mark');
      m.textContent = text.slice(r[0], r[1]);
      parent.appendChild(m);
      at = r[1];
    });
    parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function resultItem(root, meta, r, words) {
    var d = meta.docs[r.doc];
    var v = view(meta, r, words);
    var li = el('li', 'search-result');
    var head = el('p', 'search-result-meta');
    head.appendChild(el('span', 'search-kind', d[2]));
    if (d[4]) {
      head.appendChild(document.createTextNode(' '));
      head.appendChild(el('span', 'status-badge status-' + d[5], d[4]));
    }
    if (d[3]) {
      head.appendChild(document.createTextNode(' '));
      head.appendChild(el('span', 'search-date', d[3]));
    }
    li.appendChild(head);
    var title = el('p', 'search-result-title');
    var a = el('a', 'search-result-link');
    a.href = root + d[0];
    appendMarked(a, v.title, v.titleMarks);
    title.appendChild(a);
    li.appendChild(title);
    if (v.text) {
      var p = el('p', 'search-snippet');
      if (v.before) p.appendChild(document.createTextNode('…'));
      appendMarked(p, v.text, v.marks);
      if (v.after) p.appendChild(document.createTextNode('…'));
      li.appendChild(p);
    }
    return li;
  }

  function Widget(box) {
    this.box = box;
    this.root = box.getAttribute('data-root') || '';
    this.form = box.querySelector('form');
    this.input = box.querySelector('input[type=search]');
    this.status = box.querySelector('.search-status');
    this.list = box.querySelector('.search-results');
    this.panel = box.querySelector('.search-panel');
    this.limit = parseInt(box.getAttribute('data-limit') || '0', 10);
    this.load = loader(this.root);
    this.seq = 0;
    var fallback = box.querySelector('.site-search-fallback');
    if (fallback) fallback.hidden = true;
    this.form.hidden = false;
    var self = this;
    this.input.addEventListener('focus', function () {
      self.preload();
    });
    this.input.addEventListener('input', function () {
      self.run(self.input.value);
    });
    this.form.addEventListener('submit', function (e) {
      if (!self.panel) {
        e.preventDefault();
        self.run(self.input.value);
      } else if (!self.input.value.trim()) {
        e.preventDefault();
      }
    });
    box.addEventListener('keydown', function (e) {
      self.key(e);
    });
  }

  /* Loads index-meta.js, then the files it lists as worth loading before the first keystroke
   * (on a small site, the whole index): the shards at once, the texts once no search is
   * waiting for its own files, so that they never delay a first result. Errors are left to
   * the search that needs the file. */
  Widget.prototype.preload = function () {
    var self = this;
    var load = this.load;
    if (this.preloading) return;
    this.preloading = true;
    load('index-meta')
      .then(function () {
        var names = DATA['index-meta'].preload || [];
        var shards = names.filter(function (n) {
          return n.lastIndexOf('shard-', 0) === 0;
        });
        self.later = names.filter(function (n) {
          return shards.indexOf(n) < 0;
        });
        return Promise.all(shards.map(load));
      })
      .then(
        function () {
          self.preloadRest();
        },
        function () {}
      );
  };

  /* The rest of the preload, when no search is running. */
  Widget.prototype.preloadRest = function () {
    var load = this.load;
    if (this.searching || !this.later) return;
    this.later.forEach(function (name) {
      load(name).catch(function () {});
    });
    this.later = null;
  };

  Widget.prototype.links = function () {
    return Array.prototype.slice.call(this.list.querySelectorAll('a'));
  };

  Widget.prototype.key = function (e) {
    var links = this.links();
    var i = links.indexOf(document.activeElement);
    if (e.key === 'ArrowDown' && links.length) {
      links[Math.min(i + 1, links.length - 1)].focus();
      e.preventDefault();
    } else if (e.key === 'ArrowUp' && i >= 0) {
      (i === 0 ? this.input : links[i - 1]).focus();
      e.preventDefault();
    } else if (e.key === 'Escape' && this.panel) {
      this.close();
      this.input.focus();
    }
  };

  Widget.prototype.close = function () {
    if (this.panel) this.panel.hidden = true;
  };

  Widget.prototype.run = function (query) {
    var self = this;
    var seq = ++this.seq;
    var started = performance.now();
    if (!query.trim()) {
      this.list.textContent = '';
      this.status.textContent = '';
      this.shown = '';
      this.close();
      return;
    }
    this.preload();
    this.searching = (this.searching || 0) + 1;
    function settled() {
      self.searching -= 1;
      self.preloadRest();
    }
    search(query, this.load, this.limit).then(
      function (found) {
        settled();
        if (seq !== self.seq) return;
        self.show(query.trim(), found);
        self.box.setAttribute('data-search-ms', String(Math.round(performance.now() - started)));
      },
      function () {
        settled();
        if (seq !== self.seq) return;
        self.status.textContent = '検索の準備ができませんでした。ページを読み込み直してください。';
      }
    );
  };

  /* Results the search page shows at once and per「さらに表示」. */
  var PAGE_SIZE = 20;

  Widget.prototype.show = function (query, found) {
    var results = found.results;
    var shown = this.limit ? results.slice(0, this.limit) : results;
    // Another keystroke with the same outcome (a space, an IME step): the list stays as it is.
    var key = JSON.stringify([query, found.total, found.estimated, shown.map(function (r) {
      return r.doc;
    })]);
    if (this.panel) this.panel.hidden = false;
    if (key === this.shown) return;
    this.shown = key;
    var list = this.list;
    list.textContent = '';
    if (!results.length) {
      this.status.textContent = '「' + query + '」に一致する記事は見つかりませんでした。';
      // The header's status is for screen readers only: say it in the list too.
      if (this.panel) list.appendChild(el('li', 'search-none', this.status.textContent));
      return;
    }
    // Past the first results the count comes from the index alone: an upper bound.
    var total = (found.estimated ? '約' : '') + found.total + '件';
    this.status.textContent = '「' + query + '」の検索結果：' + total;
    var root = this.root;
    if (!this.panel) {
      this.page(found, shown, 0);
      return;
    }
    shown.forEach(function (r) {
      list.appendChild(resultItem(root, found.meta, r, found.words));
    });
    if (shown.length < found.total) {
      var li = el('li', 'search-more');
      var a = el('a', null, 'すべての結果（' + total + '）を見る');
      a.href = root + 'search.html?q=' + encodeURIComponent(query);
      li.appendChild(a);
      list.appendChild(li);
    }
  };

  /* The search page: results[from…] up to PAGE_SIZE of them, then a button for the next ones
   * (building every result of a query that matches every page would cost hundreds of ms). */
  Widget.prototype.page = function (found, results, from) {
    var self = this;
    var list = this.list;
    var more = list.querySelector('.search-more');
    if (more) list.removeChild(more);
    var to = Math.min(results.length, from + PAGE_SIZE);
    for (var i = from; i < to; i++) {
      list.appendChild(resultItem(this.root, found.meta, results[i], found.words));
    }
    if (to >= results.length) return;
    var li = el('li', 'search-more');
    var left = results.length - to;
    var button = el('button', 'search-button search-more-button', 'さらに表示（残り' + left + '件）');
    button.type = 'button';
    button.addEventListener('click', function () {
      var first = list.children.length - 1;
      self.page(found, results, to);
      var link = list.children[first] && list.children[first].querySelector('a');
      if (link) link.focus();
    });
    li.appendChild(button);
    list.appendChild(li);
  };

  function init() {
    var boxes = document.querySelectorAll('[data-search]');
    for (var i = 0; i < boxes.length; i++) {
      var w = new Widget(boxes[i]);
      if (!w.panel) {
        // The search page is where the reader searches: its index is wanted at once.
        w.preload();
        var q = new URLSearchParams(location.search).get('q');
        if (q) {
          w.input.value = q;
          w.run(q);
        }
      }
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
