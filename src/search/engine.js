// inquest search engine: reads the index that `inquest build` writes into search-index/
// (format: src/search/mod.rs) and answers queries in the browser. An ES module without
// dependencies, shipped with the index it reads. It downloads the small manifest, then only
// what a query needs: the dictionary chunks holding its words, one fragment per result
// shown, a facet's file when the facet is used or counted, the durations when sorting by
// them. The tokenizer and the query rules are the Rust side's (src/search/tokenize.rs and
// read.rs); src/search/tokenize_cases.json checks that both tokenize alike.

export const MAX_TERM_CHARS = 40;
export const MIN_PREFIX_CHARS = 3;
export const MAX_PREFIX_CHUNKS = 8;

const WORD = /[\p{Alphabetic}\p{N}\u0300-\u036F]/u;
const ALPHA = /\p{Alphabetic}/u;

function isCjk(cp) {
  return (
    (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x31f0 && cp <= 0x31ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff66 && cp <= 0xff9f) ||
    (cp >= 0x20000 && cp <= 0x2fa1f)
  );
}

function isDigit(cp) {
  return cp >= 0x30 && cp <= 0x39;
}

function isWord(cp) {
  if (cp < 0x80) return isDigit(cp) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a);
  return !isCjk(cp) && WORD.test(String.fromCodePoint(cp));
}

function isAlpha(cp) {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a);
  return ALPHA.test(String.fromCodePoint(cp));
}

function normalise(raw) {
  let t = raw.toLowerCase().replace(/ς/g, "σ");
  if (t.length > MAX_TERM_CHARS) {
    const chars = Array.from(t);
    if (chars.length > MAX_TERM_CHARS) t = chars.slice(0, MAX_TERM_CHARS).join("");
  }
  return t;
}

/** Tokens of `text`: `{start, end, term}`, offsets in UTF-16 units of `text`. */
export function tokens(text) {
  const out = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const cp = text.codePointAt(i);
    const w = cp > 0xffff ? 2 : 1;
    if (isCjk(cp)) {
      out.push({ start: i, end: i + w, term: text.slice(i, i + w) });
      i += w;
      continue;
    }
    if (!isWord(cp)) {
      i += w;
      continue;
    }
    const start = i;
    let raw = text.slice(i, i + w);
    let prev = cp;
    i += w;
    while (i < n) {
      const next = text.codePointAt(i);
      const nw = next > 0xffff ? 2 : 1;
      if (isWord(next)) {
        raw += text.slice(i, i + nw);
        prev = next;
        i += nw;
        continue;
      }
      // A joiner counts only with a word character of the right kind on both sides.
      const joinsLetters = (next === 0x27 || next === 0x2019) && isAlpha(prev);
      const joinsDigits = (next === 0x2e || next === 0x2c || next === 0x3a) && isDigit(prev);
      if (!(joinsLetters || joinsDigits) || i + nw >= n) break;
      const after = text.codePointAt(i + nw);
      const aw = after > 0xffff ? 2 : 1;
      if (!(joinsLetters ? isAlpha(after) && isWord(after) : isDigit(after))) break;
      if (joinsDigits) raw += text.slice(i, i + nw);
      raw += text.slice(i + nw, i + nw + aw);
      prev = after;
      i += nw + aw;
    }
    out.push({ start, end: i, term: normalise(raw) });
  }
  return out;
}

/** The terms of `text`. */
export function terms(text) {
  return tokens(text).map((t) => t.term);
}

/** Light English suffix stripping of a query word (see `stem_en` in tokenize.rs). */
export function stemEn(word) {
  if (word.length < 5 || !/^[a-z]+$/.test(word)) return null;
  const vowel = (s) => /[aeiouy]/.test(s);
  const undouble = (s) => {
    const n = s.length;
    return n >= 2 && s[n - 1] === s[n - 2] && !"aeioulsz".includes(s[n - 1]) ? s.slice(0, -1) : s;
  };
  let stem = null;
  if (word.endsWith("ies")) {
    stem = word.slice(0, -3);
    if (stem.length < 4) stem = null;
  } else if (word.endsWith("ing")) {
    stem = undouble(word.slice(0, -3));
    if (word.length < 6 || !vowel(stem)) stem = null;
  } else if (word.endsWith("ed")) {
    stem = undouble(word.slice(0, -2));
    if (stem.endsWith("e") || !vowel(stem)) stem = null;
  } else if (word.endsWith("es") && /[sxzh]$/.test(word.slice(0, -2))) {
    stem = word.slice(0, -2);
  } else if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
    stem = word.slice(0, -1);
  }
  return stem !== null && stem.length >= MIN_PREFIX_CHARS && stem !== word ? stem : null;
}

/** `{words: [{term, exact, stem}], phrases: [[term…]]}`; text in "quotes" is a phrase. */
export function parseQuery(q, stem) {
  const query = { words: [], phrases: [] };
  q.split('"').forEach((part, i) => {
    const quoted = i % 2 === 1;
    const ts = terms(part);
    for (const t of ts) {
      if (query.words.some((w) => w.term === t && w.exact === quoted)) continue;
      query.words.push({ term: t, exact: quoted, stem: stem && !quoted ? stemEn(t) : null });
    }
    if (quoted && ts.length >= 2) query.phrases.push(ts);
  });
  return query;
}

/** The prefix longer terms must begin with, or null when the word only matches itself. */
function prefixOf(word) {
  return !word.exact && Array.from(word.term).length >= MIN_PREFIX_CHARS ? word.stem ?? word.term : null;
}

/** How much a match on `term` counts for `word` (null: no match). */
export function factor(word, term) {
  if (term === word.term) return 1;
  if (word.stem !== null && term === word.stem) return 0.8;
  const p = prefixOf(word);
  return p !== null && term.startsWith(p) ? 0.5 : null;
}

/** Whether the text holds every phrase of the query. */
export function phrasesIn(query, text) {
  if (!query.phrases.length) return true;
  const ts = terms(text);
  return query.phrases.every((p) => {
    outer: for (let i = 0; i + p.length <= ts.length; i++) {
      for (let j = 0; j < p.length; j++) if (ts[i + j] !== p[j]) continue outer;
      return true;
    }
    return false;
  });
}

/**
 * An excerpt of about `size` words around the query's matches: `[{text, mark}]`. The window
 * with the most different query words wins (then the most matches); without a match in
 * the text, the text's beginning.
 */
export function excerpt(text, query, size = 30) {
  const toks = tokens(text);
  // Words of a phrase are marked where the phrase is, not wherever they occur.
  const inPhrase = new Uint8Array(toks.length);
  for (const p of query.phrases) {
    outer: for (let i = 0; i + p.length <= toks.length; i++) {
      for (let j = 0; j < p.length; j++) if (toks[i + j].term !== p[j]) continue outer;
      inPhrase.fill(1, i, i + p.length);
    }
  }
  const phraseWords = new Set(query.phrases.flat());
  const hits = toks.map((t, k) => {
    const ws = [];
    query.words.forEach((w, i) => {
      if (w.exact && phraseWords.has(w.term) && !inPhrase[k]) return;
      if (factor(w, t.term) !== null) ws.push(i);
    });
    return ws;
  });
  let best = 0;
  let bestKey = [-1, -1];
  for (let i = 0; i < toks.length; i++) {
    if (!hits[i].length) continue;
    const start = Math.max(0, i - 4);
    const seen = new Set();
    let count = 0;
    for (let j = start; j < Math.min(toks.length, start + size); j++) {
      for (const w of hits[j]) seen.add(w);
      if (hits[j].length) count++;
    }
    if (seen.size > bestKey[0] || (seen.size === bestKey[0] && count > bestKey[1])) {
      bestKey = [seen.size, count];
      best = start;
    }
  }
  const end = Math.min(toks.length, best + size);
  if (end <= best) return [{ text: text.slice(0, 200), mark: false }];
  const out = [];
  const tidy = (s) => s.replace(/\s+/g, " ");
  let at = toks[best].start;
  if (best > 0) out.push({ text: "… ", mark: false });
  for (let j = best; j < end; j++) {
    if (!hits[j].length) continue;
    if (toks[j].start > at) out.push({ text: tidy(text.slice(at, toks[j].start)), mark: false });
    out.push({ text: text.slice(toks[j].start, toks[j].end), mark: true });
    at = toks[j].end;
  }
  // To the window's last word, or to the end of the text (its closing punctuation).
  const tail = end < toks.length ? text.slice(at, toks[end - 1].end) + " …" : text.slice(at);
  out.push({ text: tidy(tail).trimEnd(), mark: false });
  return out.filter((s) => s.text);
}

/** Code point order (the order of the dictionary), not UTF-16's. */
function cmp(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return a.codePointAt(i) - b.codePointAt(i);
  }
  return a.length - b.length;
}

function varints(bytes, pos) {
  let v = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos.at++];
    if (b === undefined) throw new Error("index file ends inside a number");
    v += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return v;
    shift += 7;
  }
}

const utf8 = new TextDecoder();

/** A facet file: value → sorted document ids. */
function decodeFacet(bytes) {
  const values = new Map();
  const pos = { at: 0 };
  const count = varints(bytes, pos);
  for (let k = 0; k < count; k++) {
    const len = varints(bytes, pos);
    const value = utf8.decode(bytes.subarray(pos.at, pos.at + len));
    pos.at += len;
    const ids = new Uint32Array(varints(bytes, pos));
    let id = 0;
    for (let j = 0; j < ids.length; j++) ids[j] = id += varints(bytes, pos);
    values.set(value, ids);
  }
  return values;
}

/** Opens the index whose folder is `base` (an absolute URL ending in `/`). */
export async function open(base) {
  const res = await fetch(new URL("manifest.json", base));
  if (!res.ok) throw new Error(`search index manifest: HTTP ${res.status}`);
  return new Index(base, await res.json());
}

class Index {
  constructor(base, manifest) {
    this.base = base;
    this.m = manifest;
    this.n = manifest.docs;
    this.stem = manifest.stem === "en";
    this.firsts = manifest.chunks.map((c) => c[0]);
    this.files = new Map();
    // Decoded chunks and facets, by index and name.
    this.parsed = new Map();
  }

  /** `decode(bytes)` of a file, once. */
  decoded(key, path, decode) {
    if (!this.parsed.has(key)) {
      const p = this.file(path).then(decode);
      p.catch(() => this.parsed.delete(key));
      this.parsed.set(key, p);
    }
    return this.parsed.get(key);
  }

  /** A file of the index, inflated; each is downloaded once. */
  file(path) {
    if (!this.files.has(path)) {
      const p = (async () => {
        const res = await fetch(new URL(path, this.base));
        if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
        const bytes = new Uint8Array(await res.arrayBuffer());
        // A host that sent it with Content-Encoding: gzip has inflated it already.
        if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
        const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Uint8Array(await new Response(stream).arrayBuffer());
      })();
      p.catch(() => this.files.delete(path));
      this.files.set(path, p);
    }
    return this.files.get(path);
  }

  chunk(i) {
    return this.decoded(`t${i}`, this.m.chunks[i][1], (bytes) => this.decodeChunk(bytes));
  }

  decodeChunk(bytes) {
    const pos = { at: 0 };
    const count = varints(bytes, pos);
    const entries = [];
    for (let k = 0; k < count; k++) {
      const len = varints(bytes, pos);
      const term = utf8.decode(bytes.subarray(pos.at, pos.at + len));
      pos.at += len;
      entries.push({ term, df: varints(bytes, pos), len: varints(bytes, pos) });
    }
    let at = pos.at;
    for (const e of entries) {
      e.at = at;
      at += e.len;
    }
    return { bytes, entries };
  }

  postings(chunk, e) {
    const ids = new Uint32Array(e.df);
    const pos = { at: e.at };
    let id = 0;
    for (let k = 0; k < e.df; k++) ids[k] = id += varints(chunk.bytes, pos);
    return { ids, weights: chunk.bytes.subarray(pos.at, pos.at + e.df) };
  }

  /** The chunk that would hold `term`. */
  chunkOf(term) {
    let lo = 0;
    let hi = this.firsts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cmp(this.firsts[mid], term) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The terms a query word matches: `[{term, factor, ids, weights}]`. */
  async matches(word) {
    if (!this.firsts.length) return [];
    const p = prefixOf(word);
    const from = this.chunkOf(p ?? word.term);
    let to = from;
    if (p !== null) while (to + 1 < this.firsts.length && this.firsts[to + 1].startsWith(p)) to++;
    // A prefix that spans too much of the dictionary expands into its first chunks and the
    // word's own only.
    let wanted = Array.from({ length: Math.min(to - from + 1, MAX_PREFIX_CHUNKS) }, (_, k) => from + k);
    if (to - from + 1 > MAX_PREFIX_CHUNKS) wanted = [...new Set([...wanted, this.chunkOf(word.term)])];
    const chunks = await Promise.all(wanted.map((i) => this.chunk(i)));
    const out = [];
    for (const c of chunks) {
      for (const e of c.entries) {
        const f = factor(word, e.term);
        if (f !== null) out.push({ term: e.term, factor: f, ...this.postings(c, e) });
      }
    }
    return out;
  }

  /** A facet: value → sorted document ids. */
  async facet(name) {
    const entry = this.m.facets.find((f) => f[0] === name);
    if (!entry) return new Map();
    return this.decoded(`f${name}`, entry[1], decodeFacet);
  }

  /** Minutes per document (-1: unknown). */
  durations() {
    return this.decoded("d", this.m.durations, (bytes) => {
      const out = new Float64Array(this.n);
      const pos = { at: 0 };
      for (let d = 0; d < this.n; d++) out[d] = varints(bytes, pos) - 1;
      return out;
    });
  }

  /** A document's fragment: `{id, url, title, date, date_human, duration, severity, severity_class, tags, services, text}`. */
  async doc(id) {
    const group = this.m.groups[Math.floor(id / this.m.doc_group)];
    const bytes = await this.file(`doc/${group}/${id}.bin`);
    return { id, ...JSON.parse(utf8.decode(bytes)) };
  }

  /**
   * Runs a query: `filters` is `{facet: [values]}` (any value of a facet, every facet), `sort`
   * one of "", "date-desc", "date-asc", "duration-desc", "duration-asc". No words and no
   * filters give no results; filters alone list newest first.
   */
  async search(q, { filters = {}, sort = "" } = {}) {
    const query = parseQuery(q, this.stem);
    const active = Object.entries(filters).filter(([, v]) => v && v.length);
    const n = this.n;
    if (!query.words.length && !active.length) return new Result(this, query, [], null, new Map());
    const [found, facets] = await Promise.all([
      Promise.all(query.words.map((w) => this.matches(w))),
      Promise.all(active.map(([name]) => this.facet(name))),
    ]);
    const matched = new Uint8Array(n).fill(1);
    let score = null;
    if (query.words.length) {
      score = new Float64Array(n);
      for (const terms of found) {
        const best = new Float64Array(n);
        for (const t of terms) {
          const idf = Math.log(1 + (n - t.ids.length + 0.5) / (t.ids.length + 0.5));
          for (let k = 0; k < t.ids.length; k++) {
            const v = idf * t.weights[k] * t.factor;
            if (v > best[t.ids[k]]) best[t.ids[k]] = v;
          }
        }
        for (let d = 0; d < n; d++) {
          if (best[d] > 0) score[d] += best[d];
          else matched[d] = 0;
        }
      }
    }
    const masks = new Map();
    active.forEach(([name, values], i) => {
      const mask = new Uint8Array(n);
      for (const v of values) for (const id of facets[i].get(v) ?? []) mask[id] = 1;
      masks.set(name, mask);
    });
    const ids = [];
    // Newest first: ties in every order below stay so.
    for (let d = n - 1; d >= 0; d--) {
      if (!matched[d]) continue;
      let ok = true;
      for (const mask of masks.values()) ok &&= mask[d] === 1;
      if (ok) ids.push(d);
    }
    if (!["date-desc", "date-asc", "duration-desc", "duration-asc"].includes(sort)) sort = "";
    // Without words there is no relevance to rank by: newest first, like the archive.
    if (!query.words.length && !sort) sort = "date-desc";
    if (sort === "date-asc") ids.reverse();
    else if (sort.startsWith("duration-")) {
      const minutes = await this.durations();
      const dir = sort === "duration-desc" ? -1 : 1;
      ids.sort((a, b) => dir * (minutes[a] - minutes[b]));
    } else if (sort !== "date-desc") ids.sort((a, b) => score[b] - score[a]);
    return new Result(this, query, ids, matched, masks);
  }

  /**
   * Facet counts for a result: `{facet: {value: count}}`, each value counted among the
   * documents matching the words and every *other* facet's choice (what checking it would
   * add), so the values of a facet in use keep their counts.
   */
  async counts(result) {
    const names = this.m.facets.map((f) => f[0]);
    const facets = await Promise.all(names.map((name) => this.facet(name)));
    const out = {};
    names.forEach((name, i) => {
      const counts = {};
      const others = [...result.masks].filter(([other]) => other !== name).map(([, m]) => m);
      for (const [value, ids] of facets[i]) {
        let c = 0;
        for (const id of ids) {
          if (result.matched && !result.matched[id]) continue;
          if (others.every((m) => m[id] === 1)) c++;
        }
        counts[value] = c;
      }
      out[name] = counts;
    });
    return out;
  }
}

/**
 * The documents of a search, best first. `next(k)` fetches the next `k` to show; with a
 * phrase in the query, a document whose text lacks it is skipped (and counted in
 * `rejected`), so `ids.length - rejected` is exact only once `checked === ids.length`. One
 * call checks at most `3k` documents for a phrase, so that a phrase found in few of the
 * documents holding its words costs a bounded download; the next call goes on.
 */
class Result {
  constructor(index, query, ids, matched, masks) {
    this.index = index;
    this.query = query;
    this.ids = ids;
    this.matched = matched;
    this.masks = masks;
    this.checked = 0;
    this.rejected = 0;
    this.exact = !query.phrases.length;
  }

  get done() {
    return this.checked >= this.ids.length;
  }

  /** Documents known to match so far or, when exact, all of them. */
  get count() {
    return this.ids.length - this.rejected;
  }

  async next(k) {
    const out = [];
    const limit = this.checked + (this.exact ? Infinity : 3 * k);
    while (out.length < k && !this.done && this.checked < limit) {
      const batch = this.ids.slice(this.checked, Math.min(limit, this.checked + (k - out.length)));
      this.checked += batch.length;
      const docs = await Promise.all(batch.map((id) => this.index.doc(id)));
      for (const d of docs) {
        if (phrasesIn(this.query, d.text)) {
          d.excerpt = excerpt(d.text, this.query);
          out.push(d);
        } else {
          this.rejected++;
        }
      }
    }
    if (this.ids.length && this.done) this.exact = true;
    return out;
  }
}
