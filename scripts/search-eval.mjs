#!/usr/bin/env node
// Run every query of a TSV file (qid<TAB>text) through the search client shipped in a built
// site, and print one line per result: qid<TAB>slug<TAB>rank (top --depth, default 100).
// Usage: node scripts/search-eval.mjs --site PUBLIC_DIR --queries QUERIES.tsv [--depth 100] [--prefix]
// --prefix: each query's last word is still being typed (matched as the start of longer words),
// as the search page runs a query while the reader types.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const site = opt("--site");
const queries = opt("--queries");
const depth = Number(opt("--depth", "100"));
const prefix = args.includes("--prefix");
if (!site || !queries) {
  console.error("usage: search-eval.mjs --site PUBLIC_DIR --queries QUERIES.tsv [--depth 100]");
  process.exit(2);
}
const root = path.join(site, "search");
const { createSearch } = await import(pathToFileURL(path.join(root, "search.mjs")).href);
const client = await createSearch(async (p) => JSON.parse(await fs.promises.readFile(path.join(root, p), "utf8")));
const lines = [];
for (const row of fs.readFileSync(queries, "utf8").split("\n").filter(Boolean)) {
  const [qid, text] = row.split("\t");
  const results = (await client.search(text ?? "", { prefix })).slice(0, depth);
  for (const [i, r] of results.entries()) {
    const f = await client.fragment(r.doc);
    lines.push(`${qid}\t${f.slug}\t${i + 1}`);
  }
}
process.stdout.write(lines.join("\n") + (lines.length ? "\n" : ""));
