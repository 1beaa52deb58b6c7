// What a search result shows of its page's text: a snippet around the matched words. Pure
// functions, no DOM: the search page (`ui.mjs`) builds elements from their pieces, and tests run
// them in Node.
import { ALNUM, HAN } from "./search.mjs";
import { stem } from "./stem.mjs";

/** Where the query occurs in `text`: [start, end) of matching words and of Chinese query strings. */
export function matchRanges(text, query, stems) {
  const ranges = [];
  for (const m of text.matchAll(/[\p{Alphabetic}\p{N}]+/gu)) {
    if (stems.has(stem(m[0].toLowerCase()))) ranges.push([m.index, m.index + m[0].length]);
  }
  for (const run of query.match(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/gu) ?? []) {
    const pieces = text.includes(run) ? [run] : [...run].slice(1).map((c, i) => run[i] + c);
    for (const piece of pieces) {
      for (let at = text.indexOf(piece); at >= 0; at = text.indexOf(piece, at + piece.length)) ranges.push([at, at + piece.length]);
    }
  }
  // Sorted, and no two overlapping: a Chinese string and a word inside it are marked once.
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  return ranges.filter((r, i) => i === 0 || r[0] >= ranges.slice(0, i).reduce((end, q) => Math.max(end, q[1]), 0));
}

/** Sentences of `text` with any repeated one left out (a body that restates its summary). */
export function withoutRepeats(text) {
  const seen = new Set();
  return (text.match(/[^.!?。！？]+[.!?。！？]*\s*/gu) ?? [text]).filter((s) => {
    const key = s.replace(/\s+/g, " ").trim().toLowerCase();
    if (key.length < 12) return true;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).join("");
}

/** A character, never half a surrogate pair. */
const at = (text, i) => String.fromCodePoint(text.codePointAt(i) ?? 32);
/** Whether a snippet may start or end at `i`: not inside a word (between Han characters is fine) or a surrogate pair. */
function isBoundary(text, i) {
  if (i <= 0 || i >= text.length) return true;
  const code = text.charCodeAt(i);
  if (code >= 0xdc00 && code <= 0xdfff) return false;
  const before = String.fromCodePoint(text.codePointAt(i - 1 - (text.charCodeAt(i - 1) >= 0xdc00 && text.charCodeAt(i - 1) <= 0xdfff ? 1 : 0)));
  const after = at(text, i);
  return !(ALNUM.test(before) && ALNUM.test(after)) || (HAN.test(before) || HAN.test(after));
}

/**
 * Where a snippet of about `length` characters (half as many in Chinese text) around the matches
 * starts and ends.
 */
export function snippetWindow(text, ranges, length = 220, lead = 60) {
  // Han characters are about twice as wide as Latin letters: half as many make as many lines.
  const han = (text.match(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/gu) ?? []).length;
  if (han * 2 > text.length) [length, lead] = [length >> 1, lead >> 1];
  // The window that holds the most different matched words, earliest first.
  let best = 0, bestCount = -1;
  for (let i = 0; i < ranges.length; i++) {
    const words = new Set(ranges.filter((r) => r[0] >= ranges[i][0] && r[1] <= ranges[i][0] + length - lead)
      .map(([a, b]) => text.slice(a, b).toLowerCase()));
    if (words.size > bestCount) { best = i; bestCount = words.size; }
  }
  const first = ranges[best]?.[0] ?? 0;
  // Start at the sentence the match is in when it begins near it, else at a word boundary.
  const sentence = Math.max(...[". ", "! ", "? ", "。", "！", "？"].map((p) => { const k = text.lastIndexOf(p, first - 1); return k < 0 ? -1 : k + p.length; }), 0);
  let start = first - sentence <= lead ? sentence : first - lead;
  while (start < first && !isBoundary(text, start)) start++;
  while (start < first && /[\s\p{P}]/u.test(at(text, start)) && !/[“‘(（《「]/u.test(at(text, start))) start++;
  let end = Math.min(text.length, start + length);
  while (end > start && !isBoundary(text, end)) end--;
  while (end > start && /\s/u.test(text[end - 1])) end--;
  return [start, end];
}

/**
 * What a result shows of `text` for `query` (`stems`: the query's stemmed words, with typo
 * fixes): about 220 characters around the matches, starting and ending between words (or
 * between Han characters, never inside a surrogate pair), with no sentence twice. `parts` are
 * [text, matched] pieces; `before`/`after` say whether text was cut there.
 */
export function snippet(text, query, stems) {
  const clean = withoutRepeats(text);
  const ranges = matchRanges(clean, query, stems);
  const [start, end] = snippetWindow(clean, ranges);
  const parts = [];
  let pos = start;
  for (const [from, to] of ranges) {
    if (from < pos || to > end) continue;
    if (from > pos) parts.push([clean.slice(pos, from), false]);
    parts.push([clean.slice(from, to), true]);
    pos = to;
  }
  if (end > pos) parts.push([clean.slice(pos, end), false]);
  return { parts, before: start > 0, after: end < clean.length };
}
