// Live reload in a real browser: `seedbed serve` on a copy of a fixture site, a page open in
// Chromium, its Markdown file edited: the page reloads by itself and shows the new text.
// Run by scripts/test, which sets SEEDBED_BIN to the built binary.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import readline from "node:readline";
import { chromium } from "playwright-core";

const REPO = path.resolve(import.meta.dirname, "..", "..");
const BIN = process.env.SEEDBED_BIN ?? path.join(REPO, "target/debug/seedbed");
let browser, server, root, url;

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "seedbed-live-"));
  fs.cpSync(path.join(REPO, "tests/fixtures/sites/digest"), root, { recursive: true });
  server = spawn(BIN, ["serve", "--root", root, "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  url = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: server.stderr });
    lines.on("line", (line) => {
      const m = /^Serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(line);
      if (m) resolve(m[1]);
    });
    server.on("exit", (code) => reject(new Error(`seedbed serve exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
  fs.rmSync(root, { recursive: true, force: true });
});

test("editing a page's Markdown reloads the open page with the new text", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(url + "/stories/tea-hills/");
  assert.equal(await page.locator("h1").textContent(), "Back to the Tea Hills");
  await page.waitForTimeout(300); // the reload channel is open
  const file = path.join(root, "content/stories/tea-hills.md");
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("Back to the Tea Hills", "The Tea Hills, Edited"));
  await page.locator("h1", { hasText: "The Tea Hills, Edited" }).waitFor({ timeout: 5000 });
  // A broken file: the error overlay appears over the last good page, and goes once it is fixed.
  const bad = path.join(root, "content/stories/bad.md");
  fs.writeFileSync(bad, "---\ntitle: [unclosed\n---\n");
  await page.locator("#seedbed-error").waitFor({ timeout: 5000 });
  assert.match(await page.locator("#seedbed-error").textContent(), /content\/stories\/bad\.md:2:/);
  fs.rmSync(bad);
  await page.locator("#seedbed-error").waitFor({ state: "detached", timeout: 5000 });
  assert.deepEqual(errors, []);
});
