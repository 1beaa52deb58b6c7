#!/usr/bin/env node
// Search bandwidth and speed: seedbed's index against Pagefind on the same built site.
//
// Usage: node bench/search/bench.mjs --site PUBLIC --pagefind PAGEFIND_DIR [--queries 40] [--lang en]
//
// PUBLIC is a site built by `seedbed build`; PAGEFIND_DIR is `pagefind --site PUBLIC` output for the
// same item pages (scripts/bench-search makes both). Each query runs cold (a fresh browser context:
// empty cache) in Chromium against a local server that gzips every response the way a static host
// does (files already gzip-compressed, like Pagefind's, are sent as they are) and counts the bytes
// it sends. Per engine: the client, its index files for the query and the data of the top 10
// results. Then the same for a reader: seedbed's real search page (`/search/?q=`: the page, its
// stylesheet, `ui.mjs`, the client, the index files and fragments it fetches until its results
// show) against Pagefind's own UI (`pagefind-ui.js` and `.css` on a page that searches for the
// query). Then query time in Node for seedbed's client once its files are loaded.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const SITE = opt("--site");
const PAGEFIND = opt("--pagefind");
const COUNT = Number(opt("--queries", "40"));
const LANG_PREFIX = opt("--lang", "en") === "en" ? "/" : `/${opt("--lang")}/`;
if (!SITE || !PAGEFIND) {
  console.error("usage: bench.mjs --site PUBLIC --pagefind PAGEFIND_DIR [--queries 40]");
  process.exit(2);
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const STOP = new Set("with from their that this into over under about after before between through what when where which while across among more most than then them they these those other some such only also both each very".split(" "));

/** Two-word queries from the titles of evenly spaced documents: what a reader would type. */
function queries() {
  const docs = JSON.parse(fs.readFileSync(path.join(SITE, "search/manifest.json"), "utf8")).docs;
  const out = [];
  for (let i = 0; out.length < COUNT && i < docs; i += Math.max(1, Math.floor(docs / (4 * COUNT)))) {
    const f = JSON.parse(fs.readFileSync(path.join(SITE, `search/f/${i}.json`), "utf8"));
    const words = f.title.toLowerCase().match(/[a-z]{4,}/g)?.filter((w) => !STOP.has(w)) ?? [];
    if (words.length >= 2 && !out.includes(`${words[0]} ${words[1]}`)) out.push(`${words[0]} ${words[1]}`);
  }
  return out;
}

const HARNESS = {
  seedbed: `<!doctype html><meta charset="utf-8"><script type="module">
    const { createSearch } = await import("/search/search.mjs");
    const client = await createSearch((p) => fetch("/search/" + p).then((r) => r.json()));
    const q = new URL(location.href).searchParams.get("q");
    const results = await client.search(q);
    const top = await Promise.all(results.slice(0, 10).map((r) => client.fragment(r.doc)));
    window.done = { count: results.length, titles: top.map((f) => f.title) };
  </script>`,
  "pagefind-ui": `<!doctype html><meta charset="utf-8"><title>Search</title>
    <link href="/pagefind/pagefind-ui.css" rel="stylesheet"><script src="/pagefind/pagefind-ui.js"></script>
    <div id="search"></div><script>
    window.addEventListener("DOMContentLoaded", () => {
      const ui = new PagefindUI({ element: "#search", showSubResults: false, showImages: false });
      ui.triggerSearch(new URL(location.href).searchParams.get("q"));
    });
    </script>`,
  pagefind: `<!doctype html><meta charset="utf-8"><script type="module">
    const pagefind = await import("/pagefind/pagefind.js");
    const q = new URL(location.href).searchParams.get("q");
    const search = await pagefind.search(q);
    const top = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
    window.done = { count: search.results.length, titles: top.map((d) => d.meta.title) };
  </script>`,
};

const TYPES = { ".svg": "image/svg+xml", ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json", ".html": "text/html", ".css": "text/css", ".wasm": "application/wasm" };
let sent = 0;
const files = [];

function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    let body;
    if (url.pathname.startsWith("/__bench/")) body = Buffer.from(HARNESS[path.basename(url.pathname, ".html")] ?? "");
    else {
      const file = url.pathname.startsWith("/pagefind/")
        ? path.join(PAGEFIND, url.pathname.slice("/pagefind/".length))
        : path.join(SITE, url.pathname.endsWith("/") ? url.pathname + "index.html" : url.pathname);
      try { body = fs.readFileSync(file); } catch { res.writeHead(404).end(); return; }
    }
    const type = TYPES[path.extname(url.pathname.endsWith("/") ? "index.html" : url.pathname)] ?? "application/octet-stream";
    const gzipped = body[0] === 0x1f && body[1] === 0x8b;
    const headers = { "content-type": type, "cache-control": "no-store" };
    if (!gzipped && /gzip/.test(req.headers["accept-encoding"] ?? "")) {
      body = zlib.gzipSync(body);
      headers["content-encoding"] = "gzip";
    }
    sent += body.length;
    files.push([url.pathname, body.length]);
    res.writeHead(200, headers).end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** What each harness waits for, and how many results it then shows. */
const READY = {
  page: [(q) => document.querySelector("#search-results")?.dataset.query === q, () => document.querySelectorAll("#search-results li").length],
  "pagefind-ui": [() => document.querySelector(".pagefind-ui__message")?.textContent.match(/\d/) && document.querySelectorAll(".pagefind-ui__result-link").length > 0,
    () => document.querySelectorAll(".pagefind-ui__result").length],
};

async function coldQuery(browser, base, engine, q) {
  const context = await browser.newContext();
  const page = await context.newPage();
  sent = 0;
  files.length = 0;
  const url = engine === "page" ? `${base}${LANG_PREFIX}search/?q=${encodeURIComponent(q)}` : `${base}/__bench/${engine}.html?q=${encodeURIComponent(q)}`;
  await page.goto(url);
  let done;
  if (READY[engine]) {
    const [ready, count] = READY[engine];
    await page.waitForFunction(ready, q, { timeout: 60_000 });
    // What arrives after the results show (a page's late requests) counts too.
    await page.waitForLoadState("networkidle");
    done = { count: await page.evaluate(count) };
  } else {
    await page.waitForFunction(() => window.done, null, { timeout: 60_000 });
    done = await page.evaluate(() => window.done);
  }
  await context.close();
  const harness = files.find(([p]) => p.startsWith("/__bench/"))?.[1] ?? 0;
  if (process.env.BENCH_VERBOSE) console.log(engine, q, JSON.stringify(files));
  return { bytes: sent - harness, count: done.count, files: files.length - 1 };
}

async function nodeQueryTimes(list) {
  const root = path.join(SITE, "search");
  const { createSearch } = await import(pathToFileURL(path.join(root, "search.mjs")).href);
  const client = await createSearch(async (p) => JSON.parse(await fs.promises.readFile(path.join(root, p), "utf8")));
  const times = [];
  for (const q of list) {
    await client.search(q);
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await client.search(q);
      runs.push(performance.now() - t);
    }
    times.push(median(runs));
  }
  return times;
}

const list = queries();
const server = await serve();
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const rows = [];
for (const q of list) {
  const s = await coldQuery(browser, base, "seedbed", q);
  const p = await coldQuery(browser, base, "pagefind", q);
  const sp = await coldQuery(browser, base, "page", q);
  const pp = await coldQuery(browser, base, "pagefind-ui", q);
  rows.push({ q, s, p, sp, pp });
  const kbOf = (x) => `${(x.bytes / 1024).toFixed(1)} KB (${x.files} files, ${x.count} results)`;
  console.log(`${q}\tseedbed ${kbOf(s)}\tpagefind ${kbOf(p)}\tseedbed page ${kbOf(sp)}\tpagefind UI ${kbOf(pp)}`);
}
await browser.close();
server.close();
const times = await nodeQueryTimes(list);
const kb = (xs) => (median(xs) / 1024).toFixed(1);
const sb = rows.map((r) => r.s.bytes), pb = rows.map((r) => r.p.bytes);
console.log(`\n| queries | seedbed median KB | seedbed max KB | Pagefind median KB | Pagefind max KB | median ratio seedbed/Pagefind | Node query median ms (seedbed, files loaded) |`);
console.log(`|---|---|---|---|---|---|---|`);
console.log(`| ${rows.length} | ${kb(sb)} | ${(Math.max(...sb) / 1024).toFixed(1)} | ${kb(pb)} | ${(Math.max(...pb) / 1024).toFixed(1)} | ${median(rows.map((r) => r.s.bytes / r.p.bytes)).toFixed(2)} | ${median(times).toFixed(2)} (max ${Math.max(...times).toFixed(2)}) |`);
const spb = rows.map((r) => r.sp.bytes), ppb = rows.map((r) => r.pp.bytes);
console.log(`\nThe reader's page, cold: seedbed \`${LANG_PREFIX}search/?q=\` against Pagefind's UI\n`);
console.log(`| queries | seedbed page median KB | seedbed page max KB | Pagefind UI median KB | Pagefind UI max KB | median ratio |`);
console.log(`|---|---|---|---|---|---|`);
console.log(`| ${rows.length} | ${kb(spb)} | ${(Math.max(...spb) / 1024).toFixed(1)} | ${kb(ppb)} | ${(Math.max(...ppb) / 1024).toFixed(1)} | ${median(rows.map((r) => r.sp.bytes / r.pp.bytes)).toFixed(2)} |`);
