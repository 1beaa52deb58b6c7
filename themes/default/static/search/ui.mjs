// The search page: reads ?q= (and filters) from the URL, searches as the reader types, and shows
// the top results with the matched words highlighted and filters with counts. Results are built
// with DOM APIs only (createElement, textContent): index data and the query are never parsed as
// HTML.
import { createSearch, tokens } from "./search.mjs";
import { stem } from "./stem.mjs";

const SHOWN = 10;
const form = document.querySelector("#search-form");
const input = document.querySelector("#search-input");
const status = document.querySelector("#search-status");
const list = document.querySelector("#search-results");
const panel = document.querySelector("#search-filters");
const base = form.dataset.index;
const labels = JSON.parse(document.querySelector("#search-labels").textContent);
const client = await createSearch((path) => fetch(base + path).then((r) => r.json()));
const FACETS = Object.keys(labels.facets);
let generation = 0;
let filters = readFilters(new URL(location.href));

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const c of children) node.append(c);
  return node;
}

function readFilters(url) {
  return Object.fromEntries(FACETS.map((f) => [f, url.searchParams.getAll(f)]));
}

/** Where the query occurs in `text`: [start, end) of matching words and of Chinese query strings. */
function matchRanges(text, query, stems) {
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
  return ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
}

/** The fragment's text around the first match, with matches in <mark>. */
function snippet(text, query, stems) {
  const ranges = matchRanges(text, query, stems);
  const start = Math.max(0, (ranges[0]?.[0] ?? 0) - 60);
  const end = Math.min(text.length, start + 220);
  const out = el("p", { className: "snippet" });
  let at = start;
  if (start > 0) out.append("… ");
  for (const [from, to] of ranges) {
    if (from < at || to > end) continue;
    out.append(text.slice(at, from), el("mark", { textContent: text.slice(from, to) }));
    at = to;
  }
  out.append(text.slice(at, end) + (end < text.length ? " …" : ""));
  return out;
}

function valueLabel(facet, value) {
  if (facet === "collection") return labels.kinds[value] ?? value;
  if (facet === "lang") return labels.langs[value] ?? value;
  return value;
}

/** One fieldset of checkboxes per facet that has results; changing one searches again. */
function renderFilters(counts) {
  const sets = FACETS.filter((f) => counts[f]?.length > 1 || filters[f].length).map((facet) =>
    el("fieldset", { className: "facet" }, [
      el("legend", { textContent: labels.facets[facet] }),
      ...(counts[facet] ?? []).map(([value, n]) => {
        const box = el("input", { type: "checkbox", name: facet, value, checked: filters[facet].includes(value) });
        box.addEventListener("change", () => {
          filters[facet] = box.checked ? [...filters[facet], value] : filters[facet].filter((v) => v !== value);
          run(input.value);
        });
        return el("label", {}, [box, ` ${valueLabel(facet, value)} `, el("span", { className: "count", textContent: String(n) })]);
      }),
    ]));
  const any = FACETS.some((f) => filters[f].length);
  const clear = el("button", { type: "button", className: "clear-filters", textContent: labels.clear, hidden: !any });
  clear.addEventListener("click", () => { filters = readFilters(new URL("about:blank")); run(input.value); });
  panel.replaceChildren(...(sets.length ? [el("h2", { textContent: labels.filters }), ...sets, clear] : []));
}

function writeUrl(query) {
  const url = new URL(location.href);
  url.search = "";
  if (query) url.searchParams.set("q", query);
  for (const f of FACETS) for (const v of filters[f]) url.searchParams.append(f, v);
  history.replaceState(null, "", url);
}

async function run(query) {
  const mine = ++generation;
  writeUrl(query);
  if (!query.trim()) {
    list.replaceChildren(); panel.replaceChildren(); status.textContent = ""; list.dataset.query = "";
    return;
  }
  const prefix = !/\s$/.test(query);
  const all = await client.search(query, { prefix });
  const results = FACETS.some((f) => filters[f].length) ? await client.filter(all, filters) : all;
  const shown = await Promise.all(results.slice(0, SHOWN).map((r) => client.fragment(r.doc)));
  if (mine !== generation) return;
  const stems = new Set([...tokens(query), ...results.corrections.map(([, used]) => used)]);
  status.textContent = results.length ? `${results.length} ${results.length === 1 ? labels.result : labels.results}` : labels.none;
  list.dataset.query = query;
  list.replaceChildren(...shown.map((f) => el("li", { className: "result" }, [
    el("p", { className: "entry-meta", textContent: [labels.kinds[f.collection] ?? f.collection, f.date].filter(Boolean).join(" · ") }),
    el("h2", { className: "entry-title" }, [el("a", { href: f.url, textContent: f.title })]),
    snippet(f.text, query, stems),
  ])));
  // Filters come after the results: their counts need the facet file, which results do not wait for.
  const counts = await client.facetCounts(all, filters);
  if (mine === generation) renderFilters(counts);
}

let timer;
input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => run(input.value), 120); });
form.addEventListener("submit", (e) => { e.preventDefault(); run(input.value); });
list.addEventListener("keydown", (e) => {
  const links = [...list.querySelectorAll("a")];
  const i = links.indexOf(document.activeElement);
  if (e.key === "ArrowDown" && i < links.length - 1) { e.preventDefault(); links[i + 1].focus(); }
  if (e.key === "ArrowUp") { e.preventDefault(); (i > 0 ? links[i - 1] : input).focus(); }
});
input.addEventListener("keydown", (e) => {
  if (e.key === "ArrowDown") { e.preventDefault(); list.querySelector("a")?.focus(); }
});
const initial = new URL(location.href).searchParams.get("q") ?? "";
input.value = initial;
if (initial) run(initial);
