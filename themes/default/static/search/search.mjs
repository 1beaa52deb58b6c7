// seedbed's search client: an ES module with no dependencies that runs in browsers and in Node.
// It reads the static index written by `seedbed build` (search/manifest.json, term shards
// search/t/NAME.json, their words' pair masks search/n/NAME.json, vocabulary search/v/X.json,
// filters search/facets.json, fragments search/f/N.json), downloading only the files a query needs.
//
// Ranking: BM25F (the index stores each posting's field-weighted, length-normalised term
// frequency, and whether the term is in the title; the client applies idf and saturation), OR
// semantics. Pages containing a Chinese query string exactly (its bigrams at consecutive
// positions) rank above pages that only contain its characters. A word being typed counts more
// where it begins a word of the title. A "quoted phrase" must be in a page: its words side by side
// (each word's postings carry a mask of the words next to it), a Chinese string exactly; -word
// leaves out the pages that have the word.
import { stem } from "./stem.mjs";

export const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
export const ALNUM = /[\p{Alphabetic}\p{N}]/u;
/** Vocabulary terms a prefix expands to, most common first. */
const PREFIX_TERMS = 8;
/** Bigrams a lone Chinese character expands to, most common first. */
const CHARACTER_TERMS = 16;
/** Queries of more words than this are read as plain text: no quoted phrases or -words. */
const OPERATOR_WORDS = 12;
/** How much a word being typed adds, in units of its idf, where it is in the page's title. */
const TITLE_PREFIX_BONUS = 1;

/**
 * A query as typed, taken apart: the text to rank by (quotes and excluded words removed), the
 * quoted parts (each must all be in a page), and the excluded words (`-word`).
 */
export function parseQuery(text) {
  const quoted = [];
  const excluded = [];
  // A long text is a passage pasted in (an abstract), whose quotes and dashes are its own
  // punctuation, not search operators.
  if ((text.match(/[\p{Alphabetic}\p{N}]+/gu) ?? []).length > OPERATOR_WORDS) return { text, quoted, excluded };
  let rest = text.replace(/"([^"]*)"?/g, (_, inner) => { if (inner.trim()) quoted.push(inner); return ` ${inner} `; });
  rest = rest.replace(/(^|\s)-([\p{Alphabetic}\p{N}][^\s]*)/gu, (_, space, word) => { excluded.push(word); return space; });
  return { text: rest, quoted, excluded };
}

/** Search tokens of `text`, exactly as the index builder makes them. */
export function tokens(text) {
  return parse(text).tokens;
}

/**
 * Tokens of `text`, its Chinese phrases (runs of 3 or more Han characters, as bigrams), its
 * lone Han characters and its pairs of words side by side (as the index pairs them: punctuation
 * between two words does not part them, Chinese does).
 */
function parse(text) {
  const out = [];
  const phrases = [];
  const lone = [];
  const pairs = [];
  let word = "";
  let han = [];
  let previous = null;
  const flushWord = () => {
    if (!word) return;
    const term = stem(word);
    if (previous !== null) pairs.push([previous, term]);
    out.push(term);
    previous = term;
    word = "";
  };
  const flushHan = () => {
    if (han.length) previous = null;
    if (han.length === 1) { out.push(han[0]); lone.push(han[0]); }
    const bigrams = [];
    for (let i = 0; i + 1 < han.length; i++) bigrams.push(han[i] + han[i + 1]);
    out.push(...bigrams);
    if (bigrams.length > 1) phrases.push(bigrams);
    han = [];
  };
  for (const c of text + " ") {
    if (HAN.test(c)) { flushWord(); han.push(c); }
    else if (ALNUM.test(c)) { flushHan(); word += c.toLowerCase(); }
    else { flushWord(); flushHan(); }
  }
  return { tokens: out, phrases, lone, pairs };
}

/** Edit distance (insert, delete, substitute, swap of neighbours), giving up above `max`. */
export function editDistance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2 = null;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

/**
 * Postings of a term: document frequency, documents, weights, the documents with the term in
 * their title, and (Han terms) positions per document.
 */
function decode(term, flat) {
  const han = HAN.test(term);
  const docs = [], weights = [], titled = new Set(), positions = han ? new Map() : null;
  let doc = 0;
  for (let k = 1; k + 1 < flat.length;) {
    doc += flat[k];
    docs.push(doc);
    weights.push(flat[k + 1] >> 1);
    if (flat[k + 1] & 1) titled.add(doc);
    k += 2;
    if (han) {
      const n = flat[k++];
      const at = [];
      let p = 0;
      for (let i = 0; i < n; i++) at.push((p += flat[k++]));
      positions.set(doc, at);
    }
  }
  return { df: flat[0] ?? 0, docs, weights, titled, positions };
}

/** The terms of `[[term, df], …]`, most common first (ties in term order), at most `limit`. */
function mostCommon(pairs, limit) {
  return [...pairs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit).map(([t]) => t);
}

/** Does `doc` hold the phrase's bigrams at consecutive positions? */
function hasPhrase(doc, phrase, lists) {
  const at = phrase.map((t) => lists.get(t)?.positions?.get(doc));
  if (at.some((a) => !a)) return false;
  const sets = at.map((a) => new Set(a));
  return at[0].some((p) => sets.every((s, i) => s.has(p + i)));
}

/**
 * The bits a word sets in its neighbours' pair masks, [as next, as previous], from the 32-bit
 * FNV-1a hash of its UTF-8 bytes (`pairs::bits` in the build).
 */
export function pairBits(term) {
  const hash = fnv32(term);
  return [1 << (hash & 31), 1 << ((hash >>> 5) & 31)];
}

/**
 * A test of whether the words `a` and `b` can stand side by side in a document. `masks` maps a
 * word to its masks per document, [words after it, words before it]; a word without masks there
 * (a very common word keeps only its heaviest postings) tells nothing. Never false where they do;
 * true where they do not only if both masks collide.
 */
function besideEachOther([a, b], masks) {
  const [asNext] = pairBits(b), [, asPrevious] = pairBits(a);
  const afterA = masks.get(a), beforeB = masks.get(b);
  return (doc) => {
    const after = afterA?.get(doc)?.[0], before = beforeB?.get(doc)?.[1];
    return (after === undefined || (after & asNext) !== 0) && (before === undefined || (before & asPrevious) !== 0);
  };
}

/** Masks written as their set bits' indexes in base 32, each mask ended by "." (`pairs_json`). */
function decodeMasks(text) {
  const masks = [];
  let mask = 0;
  for (const c of text) {
    if (c === ".") { masks.push(mask); mask = 0; } else mask |= 1 << parseInt(c, 32);
  }
  return masks;
}

/** Documents of one facet value, from its runs (gap since the previous run's end, length, …). */
function runDocs(runs) {
  const out = [];
  let end = 0;
  for (let k = 0; k + 1 < runs.length; k += 2) {
    const start = end + runs[k];
    for (let d = start; d < start + runs[k + 1]; d++) out.push(d);
    end = start + runs[k + 1];
  }
  return out;
}

/**
 * A term shard's file name: the 32-bit FNV-1a hash of its first term's UTF-8 bytes, in hex
 * (`shard_name` in the build), so a shard keeps its name while its first term stays.
 */
export function shardFile(first) {
  return fnv32(first).toString(16).padStart(8, "0");
}

/** 32-bit FNV-1a of the UTF-8 bytes of `text`. */
function fnv32(text) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/**
 * Whether `a` sorts before or equal to `b` by code points, as the build sorts terms (`<=` on
 * strings compares UTF-16 units, which puts characters above U+FFFF before U+E000–U+FFFF).
 */
function notAfter(a, b) {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a.codePointAt(i), y = b.codePointAt(i);
    if (x !== y) return x < y;
    if (x > 0xffff) i++;
  }
  return a.length <= b.length;
}

/** The first term of the shard that holds `term`, from the manifest's sorted first terms. */
export function shardFirst(firsts, term) {
  let lo = 0, hi = firsts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (notAfter(firsts[mid], term)) lo = mid; else hi = mid - 1;
  }
  return firsts[lo];
}

/**
 * Open an index. `load(path)` returns the parsed JSON of `search/<path>`: fetch in a browser,
 * a file read in Node.
 */
export async function createSearch(load) {
  const manifest = await load("manifest.json");
  const cache = new Map();
  const N = manifest.docs;
  const vocabularyKeys = new Set(manifest.vocabulary ?? []);
  // A failed fetch is forgotten, so the next query tries again instead of failing for good.
  const once = (path) => {
    if (!cache.has(path)) cache.set(path, load(path).catch((e) => { cache.delete(path); throw e; }));
    return cache.get(path);
  };

  const decoded = new Map();
  async function postings(term) {
    if (!decoded.has(term)) {
      decoded.set(term, once(`t/${shardFile(shardFirst(manifest.shards, term))}.json`).then((shard) =>
        decode(term, Object.hasOwn(shard, term) ? shard[term] : [])));
    }
    return decoded.get(term);
  }

  const masked = new Map();
  /** A word's pair masks per document (Map of [after, before]), from its shard's pair file. */
  async function pairMasks(term) {
    if (!masked.has(term)) {
      masked.set(term, postings(term).then(async (list) => {
        if (!list.df) return new Map();
        const shard = await once(`n/${shardFile(shardFirst(manifest.shards, term))}.json`);
        const masks = decodeMasks(Object.hasOwn(shard, term) ? shard[term] : "");
        return new Map(list.docs.map((doc, i) => [doc, [masks[2 * i], masks[2 * i + 1]]]));
      }));
    }
    return masked.get(term);
  }

  /** The vocabulary file of words starting like `word`: [[term, df], …]. */
  async function vocabulary(word) {
    const key = word.codePointAt(0)?.toString(16);
    return key && vocabularyKeys.has(key) ? once(`v/${key}.json`) : [];
  }

  /** Vocabulary terms starting with `prefix`, most common first. */
  async function expand(prefix) {
    return mostCommon((await vocabulary(prefix)).filter(([t]) => t.startsWith(prefix)), PREFIX_TERMS);
  }

  /** Han terms containing the character `c` that pass `keep`, most common first. */
  async function hanTerms(c, keep, limit) {
    const key = `h${(c.codePointAt(0) >> 6).toString(16)}`;
    const found = vocabularyKeys.has(key) ? (await once(`v/${key}.json`)).filter(([t]) => t !== c && keep(t)) : [];
    return mostCommon(found, limit);
  }

  /**
   * Terms closest to a word that matches nothing: one edit for 4–7 letters, two from 8; failing
   * that, for a long word, two words it may be written together from.
   */
  async function corrections(term) {
    if (term.length < 4 || HAN.test(term)) return [];
    const max = term.length >= 8 ? 2 : 1;
    let best = max + 1, found = [];
    for (const [t, df] of await vocabulary(term)) {
      const d = editDistance(term, t, best);
      if (d < best) { best = d; found = []; }
      if (d === best && d <= max) found.push([t, df]);
    }
    if (found.length) return mostCommon(found, 3);
    return term.length >= 8 ? split(term) : [];
  }

  /** A word written as one that the pages write as two ("ecommerce"): the split whose rarer half is most common. */
  async function split(term) {
    let best = [], bestDf = 0;
    for (let i = 1; i < term.length; i++) {
      const [left, right] = [term.slice(0, i), term.slice(i)];
      const df = (vocab, t) => vocab.find(([w]) => w === t)?.[1] ?? 0;
      const common = Math.min(df(await vocabulary(left), left), df(await vocabulary(right), right));
      if (common > bestDf) { best = [left, right]; bestDf = common; }
    }
    return best;
  }

  /** The query's terms with their counts, after prefix expansion and typo correction. */
  async function queryTerms(text, prefix) {
    const { tokens: all, phrases, lone } = parse(text);
    const lastWord = prefix ? /[\p{Alphabetic}\p{N}]+$/u.exec(text)?.[0]?.toLowerCase() : undefined;
    const expanded = lastWord && lastWord.length >= 2 && !HAN.test(lastWord) ? await expand(lastWord) : [];
    // Chinese: while typing, the bigrams the last character begins; a character standing alone
    // (only lone characters are indexed as such) also matches every bigram containing it.
    const last = text.at(-1) ?? "";
    if (prefix && HAN.test(last)) expanded.push(...await hanTerms(last, (t) => t.startsWith(last), PREFIX_TERMS));
    for (const c of lone) expanded.push(...await hanTerms(c, (t) => t.includes(c), CHARACTER_TERMS));
    for (const t of expanded) if (!all.includes(t)) all.push(t);
    const qtf = new Map();
    for (const t of all) qtf.set(t, (qtf.get(t) ?? 0) + 1);
    const lists = new Map(await Promise.all([...qtf.keys()].map(async (t) => [t, await postings(t)])));
    const fixed = [];
    for (const [t, list] of [...lists]) {
      if (list.df > 0 || (expanded.length && lastWord && stem(lastWord) === t)) continue;
      for (const c of await corrections(t)) {
        if (!lists.has(c)) { lists.set(c, await postings(c)); qtf.set(c, qtf.get(t)); }
        fixed.push([t, c]);
      }
    }
    return { qtf, lists, phrases, corrections: fixed, typed: new Set(expanded.filter((t) => !HAN.test(t))) };
  }

  /**
   * What the quoted parts allow: `keep`, the documents having each part with a word whose
   * postings are complete (its words side by side, a Chinese string exactly), or null; for a part
   * of very common words only (each keeps only its heaviest postings, so a page missing from them
   * may still have the part), `ruledOut`, the pages whose masks show the words never side by side,
   * and `confirmed`, those in every word's postings whose masks allow it (ranked first).
   */
  async function quotedDocs(quoted) {
    let keep = null;
    const ruledOut = new Set(), confirmed = new Set();
    for (const part of quoted) {
      const { tokens: terms, phrases, pairs } = parse(part);
      const lists = new Map(await Promise.all(terms.map(async (t) => [t, await postings(t)])));
      const known = terms.filter((t) => lists.get(t).docs.length === lists.get(t).df);
      const masks = new Map(await Promise.all([...new Set(pairs.flat())].map(async (t) => [t, await pairMasks(t)])));
      const adjacent = pairs.map((p) => besideEachOther(p, masks));
      const holds = (d) => phrases.every((p) => hasPhrase(d, p, lists)) && adjacent.every((test) => test(d));
      if (!known.length) {
        const sets = terms.map((t) => new Set(lists.get(t).docs));
        for (const d of new Set(terms.flatMap((t) => lists.get(t).docs))) {
          if (!holds(d)) ruledOut.add(d);
          else if (sets.every((s) => s.has(d))) confirmed.add(d);
        }
        continue;
      }
      const sets = known.map((t) => new Set(lists.get(t).docs));
      const set = new Set(lists.get(known[0]).docs.filter((d) => sets.every((s) => s.has(d)) && holds(d)));
      keep = keep ? new Set([...keep].filter((d) => set.has(d))) : set;
    }
    return { keep, ruledOut, confirmed };
  }

  /** Documents having any form of an excluded word. */
  async function excludedDocs(words) {
    const out = new Set();
    for (const t of words.flatMap((w) => parse(w).tokens)) for (const d of (await postings(t)).docs) out.add(d);
    return out;
  }

  /**
   * Every matching document, best first: [{ doc, score, phrases }], with `.corrections` (typo
   * fixes applied: [[typed, used], …]). With `prefix`, the last word is also matched as the
   * beginning of longer words (the reader is still typing it). `filters` ({ facet: [values] })
   * keeps documents having one of the values of every facet given.
   */
  async function search(typed, { prefix = false, filters = {} } = {}) {
    const { text, quoted, excluded } = parseQuery(typed);
    // A word before a closing quote or an excluded word ends in a space in `text`: not being typed.
    const { qtf, lists, phrases, corrections: fixed, typed: typing } = await queryTerms(text, prefix);
    const [{ keep: required, ruledOut, confirmed }, left] = await Promise.all([quotedDocs(quoted), excludedDocs(excluded)]);
    // Scores in flat arrays indexed by document: a common word touches thousands of documents.
    const score = new Float64Array(N), phrased = new Uint8Array(N), seen = new Uint8Array(N);
    const matched = [];
    for (const [term, list] of lists) {
      const idf = Math.log(1 + (N - list.df + 0.5) / (list.df + 0.5));
      const q = qtf.get(term), k1 = manifest.k1, scale = manifest.weight_scale;
      const bonus = typing.has(term) ? TITLE_PREFIX_BONUS * idf : 0;
      for (let i = 0; i < list.docs.length; i++) {
        const doc = list.docs[i], w = list.weights[i] / scale;
        if (left.has(doc) || ruledOut.has(doc) || (required && !required.has(doc))) continue;
        if (!seen[doc]) { seen[doc] = 1; matched.push(doc); }
        score[doc] += q * idf * (w / (k1 + w)) + (bonus && list.titled.has(doc) ? bonus : 0);
      }
    }
    for (const phrase of phrases) {
      for (const doc of lists.get(phrase[0]).docs) if (hasPhrase(doc, phrase, lists)) phrased[doc]++;
    }
    for (const doc of confirmed) phrased[doc]++;
    const order = Uint32Array.from(matched).sort((a, b) => phrased[b] - phrased[a] || score[b] - score[a] || a - b);
    let results = Array.from(order, (doc) => ({ doc, score: score[doc], phrases: phrased[doc] }));
    if (Object.values(filters).some((v) => v.length)) results = await applyFilters(results, filters);
    results.corrections = fixed;
    return results;
  }

  /** For each facet and value, its documents as a Set (loaded once). */
  const facetSets = async () => {
    const raw = await once("facets.json");
    return Object.fromEntries(Object.entries(raw).map(([name, f]) =>
      [name, f.values.map((v, i) => [v, new Set(runDocs(f.docs[i]))])]));
  };
  let facetCache;

  function matches(facets, doc, filters, skip) {
    return Object.entries(filters).every(([name, chosen]) => name === skip || !chosen.length ||
      (facets[name] ?? []).some(([v, set]) => chosen.includes(v) && set.has(doc)));
  }

  /** The results (in their order) that pass `filters` ({ facet: [values] }). */
  async function applyFilters(results, filters) {
    const facets = await (facetCache ??= facetSets());
    const kept = results.filter((r) => matches(facets, r.doc, filters, null));
    kept.corrections = results.corrections;
    return kept;
  }

  /**
   * Counts per facet value over `results` (unfiltered), each facet counted with the other facets'
   * filters applied: { facet: [[value, count], …] } with values that have at least one result.
   */
  async function facetCounts(results, filters = {}) {
    const facets = await (facetCache ??= facetSets());
    const out = {};
    for (const [name, values] of Object.entries(facets)) {
      const pool = results.filter((r) => matches(facets, r.doc, filters, name));
      out[name] = values.map(([v, set]) => [v, pool.reduce((n, r) => n + (set.has(r.doc) ? 1 : 0), 0)])
        .filter(([, n]) => n > 0);
    }
    return out;
  }

  /** What a result shows: url, slug, title, collection, lang, date, text. */
  const fragment = (doc) => once(`f/${doc}.json`);

  return { search, filter: applyFilters, facetCounts, fragment, tokens, parseQuery };
}
