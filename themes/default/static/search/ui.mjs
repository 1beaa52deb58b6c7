// The search page: reads ?q= from the URL, searches as the reader types, and shows the top results
// with the matched words highlighted. Results are built with DOM APIs only (createElement,
// textContent): index data and the query are never parsed as HTML.
import { createSearch, tokens } from "./search.mjs";
import { stem } from "./stem.mjs";

const SHOWN = 10;
const form = document.querySelector("#search-form");
const input = document.querySelector("#search-input");
const status = document.querySelector("#search-status");
const list = document.querySelector("#search-results");
const base = form.dataset.index;
const labels = JSON.parse(document.querySelector("#search-labels").textContent);
const client = await createSearch((path) => fetch(base + path).then((r) => r.json()));
let generation = 0;

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const c of children) node.append(c);
  return node;
}

/** The fragment's text around the first query word, with query words in <mark>. */
function snippet(text, stems) {
  const words = [...text.matchAll(/[\p{Alphabetic}\p{N}]+/gu)];
  const first = words.find((m) => stems.has(stem(m[0].toLowerCase())) || stems.has(m[0]));
  const start = Math.max(0, (first?.index ?? 0) - 60);
  const end = Math.min(text.length, start + 220);
  const out = el("p", { className: "snippet" });
  let at = start;
  if (start > 0) out.append("… ");
  for (const m of words) {
    if (m.index < start || m.index + m[0].length > end) continue;
    if (!stems.has(stem(m[0].toLowerCase()))) continue;
    out.append(text.slice(at, m.index), el("mark", { textContent: m[0] }));
    at = m.index + m[0].length;
  }
  out.append(text.slice(at, end) + (end < text.length ? " …" : ""));
  return out;
}

async function run(query) {
  const mine = ++generation;
  const url = new URL(location.href);
  if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  if (!query.trim()) { list.replaceChildren(); status.textContent = ""; list.dataset.query = ""; return; }
  const results = await client.search(query, { prefix: !/\s$/.test(query) });
  const shown = await Promise.all(results.slice(0, SHOWN).map((r) => client.fragment(r.doc)));
  if (mine !== generation) return;
  const stems = new Set(tokens(query));
  status.textContent = results.length ? `${results.length} ${labels.results}` : labels.none;
  list.dataset.query = query;
  list.replaceChildren(...shown.map((f) => el("li", { className: "result" }, [
    el("p", { className: "entry-meta", textContent: [labels.kinds[f.collection] ?? f.collection, f.date].filter(Boolean).join(" · ") }),
    el("h2", { className: "entry-title" }, [el("a", { href: f.url, textContent: f.title })]),
    snippet(f.text, stems),
  ])));
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
