// The search page: reads ?q= (and filters) from the URL, searches as the reader types, and shows
// the top results with the matched words highlighted and filters with counts. Results are built
// with DOM APIs only (createElement, textContent): index data and the query are never parsed as
// HTML.
import { createSearch, tokens } from "./search.mjs";
import { snippet } from "./snippet.mjs";

const SHOWN = 10;
const form = document.querySelector("#search-form");
const input = document.querySelector("#search-input");
const status = document.querySelector("#search-status");
const list = document.querySelector("#search-results");
const panel = document.querySelector("#search-filters");
const filterBox = document.querySelector("#search-filter-panel");
const pageLang = document.documentElement.lang;
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

/** The fragment's text around the best matches, with every match in <mark>. */
function snippetElement(text, query, stems, lang) {
  const { parts, before, after } = snippet(text, query, stems);
  const out = el("p", { className: "snippet", lang });
  if (before) out.append("… ");
  for (const [piece, marked] of parts) out.append(marked ? el("mark", { textContent: piece }) : piece);
  if (after) out.append(" …");
  return out;
}

/** A date as the site writes it in the page's language (`labels.months`: one pattern per month). */
function dateLabel(iso) {
  const [y, m, d] = (iso ?? "").split("-").map(Number);
  const pattern = labels.months?.[m - 1];
  return pattern && d ? pattern.replace("{y}", String(y)).replace("{d}", String(d)) : iso;
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
  panel.replaceChildren(...sets, clear);
}

function writeUrl(query) {
  const url = new URL(location.href);
  url.search = "";
  if (query) url.searchParams.set("q", query);
  for (const f of FACETS) for (const v of filters[f]) url.searchParams.append(f, v);
  history.replaceState(null, "", url);
}

/** One result: its kind, language (when not the page's) and date as the site writes them, its title and snippet. */
function resultItem(f, query, stems) {
  const meta = el("p", { className: "entry-meta" }, [labels.kinds[f.collection] ?? f.collection]);
  if (f.lang !== pageLang) meta.append(" ", el("span", { className: "lang-badge", lang: f.lang, textContent: labels.langs[f.lang] ?? f.lang }));
  if (f.date) meta.append(" · ", el("time", { dateTime: f.date, textContent: dateLabel(f.date) }));
  return el("li", { className: "result" }, [
    meta,
    el("h2", { className: "entry-title", lang: f.lang }, [el("a", { href: f.url, textContent: f.title })]),
    snippetElement(f.text, query, stems, f.lang),
  ]);
}

let lastAll = null;
/** The filter counts, loaded only once the reader opens the filters (or the URL sets one). */
async function showFilters(mine) {
  if (!lastAll || !filterBox.open) return;
  const counts = await client.facetCounts(lastAll, filters);
  if (mine === generation) renderFilters(counts);
}

async function run(query) {
  const mine = ++generation;
  writeUrl(query);
  if (!query.trim()) {
    list.replaceChildren(); panel.replaceChildren(); status.textContent = ""; list.dataset.query = "";
    filterBox.hidden = true;
    lastAll = null;
    return;
  }
  const prefix = !/\s$/.test(query);
  const all = await client.search(query, { prefix });
  const results = FACETS.some((f) => filters[f].length) ? await client.filter(all, filters) : all;
  const shown = await Promise.all(results.slice(0, SHOWN).map((r) => client.fragment(r.doc)));
  if (mine !== generation) return;
  const stems = new Set([...tokens(client.parseQuery(query).text), ...results.corrections.map(([, used]) => used)]);
  status.textContent = results.length ? `${results.length} ${results.length === 1 ? labels.result : labels.results}` : labels.none;
  list.dataset.query = query;
  list.replaceChildren(...shown.map((f) => resultItem(f, query, stems)));
  lastAll = all;
  filterBox.hidden = all.length === 0;
  await showFilters(mine);
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
filterBox.addEventListener("toggle", () => showFilters(generation));
// Filters in the URL: the panel starts open (and so loads the counts).
filterBox.open = FACETS.some((f) => filters[f].length);
const initial = new URL(location.href).searchParams.get("q") ?? "";
input.value = initial;
if (initial) run(initial);
