// Snowball English (Porter2) stemmer, the same algorithm as the Rust crate rust-stemmers
// (Algorithm::English) that builds the index: the index and this client must stem every word
// identically, which tests/search_stem.rs checks over the CISI vocabulary and the example site.

const VOWELS = "aeiouy";
const isV = (c) => VOWELS.includes(c);
const EXCEPTION1 = {
  skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl",
  ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky", news: "news", howe: "howe",
  atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes",
};
const EXCEPTION2 = new Set(["succeed", "proceed", "exceed", "canning", "inning", "earring", "herring", "outing"]);
const VALID_LI = "cdeghkmnrt";

// R1/R2 start: after the first non-vowel that follows a vowel, from `from`.
function regionStart(w, from) {
  let i = from;
  while (i < w.length && !isV(w[i])) i++;
  while (i < w.length && isV(w[i])) i++;
  return i < w.length ? i + 1 : w.length;
}

// A short syllable ends at `end`: non-vowel (not w, x, Y) after a vowel after a non-vowel,
// or a vowel and a non-vowel at the very start of the word.
function shortv(w, end) {
  const a = w[end - 1], b = w[end - 2], c = w[end - 3];
  if (end >= 3 && a !== undefined && !isV(a) && !"wxY".includes(a) && isV(b) && !isV(c)) return true;
  return end === 2 && isV(b) && !isV(a);
}

const longest = (w, list) => list.filter((s) => w.endsWith(s)).sort((x, y) => y.length - x.length)[0];

function step1a(w) {
  for (const s of ["'s'", "'s", "'"]) if (w.endsWith(s)) { w = w.slice(0, -s.length); break; }
  const s = longest(w, ["sses", "ied", "ies", "s", "us", "ss"]);
  if (s === "sses") return w.slice(0, -2);
  if (s === "ied" || s === "ies") return w.length - 3 >= 2 ? w.slice(0, -3) + "i" : w.slice(0, -3) + "ie";
  if (s === "s") {
    const before = w.slice(0, -2);
    return [...before].some(isV) ? w.slice(0, -1) : w;
  }
  return w;
}

function step1b(w, p1) {
  const s = longest(w, ["eed", "eedly", "ed", "edly", "ing", "ingly"]);
  if (!s) return w;
  const start = w.length - s.length;
  if (s === "eed" || s === "eedly") return start >= p1 ? w.slice(0, start) + "ee" : w;
  const stem = w.slice(0, start);
  if (![...stem].some(isV)) return w;
  const end = longest(stem, ["at", "bl", "iz", "bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"]);
  if (end === "at" || end === "bl" || end === "iz") return stem + "e";
  if (end) return stem.slice(0, -1);
  return p1 === stem.length && shortv(stem, stem.length) ? stem + "e" : stem;
}

function step1c(w) {
  const last = w[w.length - 1];
  if ((last === "y" || last === "Y") && w.length > 2 && !isV(w[w.length - 2])) return w.slice(0, -1) + "i";
  return w;
}

const STEP2 = {
  tional: "tion", enci: "ence", anci: "ance", abli: "able", entli: "ent", izer: "ize", ization: "ize",
  ational: "ate", ation: "ate", ator: "ate", alism: "al", aliti: "al", alli: "al", fulness: "ful", ousli: "ous",
  ousness: "ous", iveness: "ive", iviti: "ive", biliti: "ble", bli: "ble", ogi: "og", fulli: "ful", lessli: "less", li: "",
};

function step2(w, p1) {
  const s = longest(w, Object.keys(STEP2));
  if (!s || w.length - s.length < p1) return w;
  const stem = w.slice(0, -s.length);
  if (s === "ogi") return stem.endsWith("l") ? stem + "og" : w;
  if (s === "li") return VALID_LI.includes(stem[stem.length - 1]) ? stem : w;
  return stem + STEP2[s];
}

const STEP3 = { tional: "tion", ational: "ate", alize: "al", icate: "ic", iciti: "ic", ical: "ic", ful: "", ness: "", ative: "" };

function step3(w, p1, p2) {
  const s = longest(w, Object.keys(STEP3));
  if (!s || w.length - s.length < p1) return w;
  if (s === "ative" && w.length - s.length < p2) return w;
  return w.slice(0, -s.length) + STEP3[s];
}

const STEP4 = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion"];

function step4(w, p2) {
  const s = longest(w, STEP4);
  if (!s || w.length - s.length < p2) return w;
  const stem = w.slice(0, -s.length);
  if (s === "ion") return stem.endsWith("s") || stem.endsWith("t") ? stem : w;
  return stem;
}

function step5(w, p1, p2) {
  const at = w.length - 1;
  if (w.endsWith("e") && (at >= p2 || (at >= p1 && !shortv(w, at)))) return w.slice(0, -1);
  if (w.endsWith("l") && at >= p2 && w[at - 1] === "l") return w.slice(0, -1);
  return w;
}

export function stem(word) {
  if (Object.hasOwn(EXCEPTION1, word)) return EXCEPTION1[word];
  if (word.length < 3) return word;
  let w = word.startsWith("'") ? word.slice(1) : word;
  // Prelude: y at the start or after a vowel is a consonant (Y).
  const chars = [...w];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === "y" && (i === 0 || isV(chars[i - 1]))) chars[i] = "Y";
  }
  w = chars.join("");
  const prefix = ["gener", "commun", "arsen"].find((p) => w.startsWith(p));
  const p1 = prefix ? prefix.length : regionStart(w, 0);
  const p2 = regionStart(w, p1);
  w = step1a(w);
  if (!EXCEPTION2.has(w)) {
    w = step1b(w, p1);
    w = step1c(w);
    w = step2(w, p1);
    w = step3(w, p1, p2);
    w = step4(w, p2);
    w = step5(w, p1, p2);
  }
  return w.replace(/Y/g, "y");
}
