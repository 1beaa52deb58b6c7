// seedbed's search client: an ES module with no dependencies that runs in browsers and in Node.
// It reads the static index written by `seedbed build` (search/manifest.json, term shards
// search/t/N.json, fragments search/f/N.json), downloading only the shards that hold the
// query's terms and the fragments of the results shown.
//
// Ranking: BM25F (the index stores each posting's field-weighted, length-normalised term
// frequency; the client applies idf and saturation), OR semantics.
import { stem } from "./stem.mjs";

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
const ALNUM = /[\p{Alphabetic}\p{N}]/u;

/** Search tokens of `text`, exactly as the index builder makes them. */
export function tokens(text) {
  const out = [];
  let word = "";
  let han = [];
  const flushWord = () => { if (word) out.push(stem(word)); word = ""; };
  const flushHan = () => {
    if (han.length === 1) out.push(han[0]);
    for (let i = 0; i + 1 < han.length; i++) out.push(han[i] + han[i + 1]);
    han = [];
  };
  for (const c of text + " ") {
    if (HAN.test(c)) { flushWord(); han.push(c); }
    else if (ALNUM.test(c)) { flushHan(); word += c.toLowerCase(); }
    else { flushWord(); flushHan(); }
  }
  return out;
}

// Weight of the coverage bonus (share of the query's idf that a page matches). Off: in this form
// it lowered CISI nDCG@10 (BENCHMARKS.md, "Search quality"); a better formulation is still to come.
const COVERAGE = 0;

/**
 * Open an index. `load(path)` returns the parsed JSON of `search/<path>`: fetch in a browser,
 * a file read in Node.
 */
export async function createSearch(load) {
  const manifest = await load("manifest.json");
  const shards = new Map();
  const fragments = new Map();
  const N = manifest.docs;

  function shardOf(term) {
    let lo = 0, hi = manifest.shards.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (manifest.shards[mid] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  async function postings(term) {
    const i = shardOf(term);
    if (!shards.has(i)) shards.set(i, load(`t/${i}.json`));
    const shard = await shards.get(i);
    return Object.hasOwn(shard, term) ? shard[term] : [];
  }

  /** Vocabulary terms starting with `prefix` (from the shards that can hold them), most common first. */
  async function expand(prefix, limit = 12) {
    const first = shardOf(prefix), last = shardOf(prefix + "\uffff");
    const found = [];
    for (let i = first; i <= last; i++) {
      if (!shards.has(i)) shards.set(i, load(`t/${i}.json`));
      const shard = await shards.get(i);
      for (const term of Object.keys(shard)) if (term.startsWith(prefix)) found.push([term, shard[term][0]]);
    }
    return found.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit).map(([t]) => t);
  }

  /**
   * Every matching document, best first: [{ doc, score }]. With `prefix`, the last word is also
   * matched as the beginning of longer words (the reader is still typing it).
   */
  async function search(text, { prefix = false } = {}) {
    const all = tokens(text);
    const lastWord = prefix ? /[\p{Alphabetic}\p{N}]+$/u.exec(text)?.[0]?.toLowerCase() : undefined;
    if (lastWord && lastWord.length >= 2 && !HAN.test(lastWord)) {
      for (const t of await expand(lastWord)) if (!all.includes(t)) all.push(t);
    }
    const qtf = new Map();
    for (const t of all) qtf.set(t, (qtf.get(t) ?? 0) + 1);
    const terms = [...qtf.keys()];
    const lists = await Promise.all(terms.map(postings));
    // flat: document frequency, then doc-id delta, weight, doc-id delta, weight, …
    const idf = lists.map((flat) => { const df = flat[0] ?? 0; return Math.log(1 + (N - df + 0.5) / (df + 0.5)); });
    const totalIdf = terms.reduce((sum, t, i) => sum + idf[i] * qtf.get(t), 0) || 1;
    const hits = new Map();
    lists.forEach((flat, i) => {
      let doc = 0;
      for (let k = 1; k + 1 < flat.length; k += 2) {
        doc += flat[k];
        const w = flat[k + 1] / manifest.weight_scale;
        let h = hits.get(doc);
        if (!h) hits.set(doc, (h = { doc, bm25: 0, covered: 0 }));
        h.bm25 += qtf.get(terms[i]) * idf[i] * (w / (manifest.k1 + w));
        h.covered += idf[i] * qtf.get(terms[i]);
      }
    });
    const results = [];
    for (const h of hits.values()) {
      const coverage = h.covered / totalIdf;
      const score = h.bm25 * (1 + COVERAGE * coverage * coverage);
      results.push({ doc: h.doc, score });
    }
    results.sort((a, b) => b.score - a.score || a.doc - b.doc);
    return results;
  }

  /** What a result shows: url, slug, title, collection, lang, date, text. */
  function fragment(doc) {
    if (!fragments.has(doc)) fragments.set(doc, load(`f/${doc}.json`));
    return fragments.get(doc);
  }

  return { search, fragment, tokens };
}
