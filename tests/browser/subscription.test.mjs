// The e-mail alert end to end in a real browser: the built site's subscribe form posts to
// `seedbed subscribers serve`, the confirmation mail arrives at a real SMTP server (aiosmtpd),
// its link confirms, `digest send` delivers to the reader, the unsubscribe page changes the
// language, a one-click POST from the List-Unsubscribe header unsubscribes, and the next digest
// skips them. Run by scripts/test (SEEDBED_BIN, SEEDBED_SMTP_PYTHON).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { spawn, spawnSync, execFileSync } from "node:child_process";
import readline from "node:readline";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const REPO = path.resolve(import.meta.dirname, "..", "..");
const BIN = process.env.SEEDBED_BIN ?? path.join(REPO, "target/debug/seedbed");
const PYTHON = process.env.SEEDBED_SMTP_PYTHON ?? path.join(REPO, "target/smtp-venv/bin/python");
const TODAY = "1764288000"; // 2025-11-28, the digest fixture's day
let browser, site, service, sink, root, maildir, servicePort, smtpPort;

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

/// Wait for a process's line matching `re` on `stream`.
const lineMatching = (child, stream, re) => new Promise((resolve, reject) => {
  readline.createInterface({ input: child[stream] }).on("line", (line) => { if (re.test(line)) resolve(line); });
  child.on("exit", (code) => reject(new Error(`exited with ${code}`)));
});

const mails = () => JSON.parse(execFileSync(PYTHON, [path.join(REPO, "tests/smtp/read_maildir.py"), maildir], { encoding: "utf8" }));

async function waitForMails(n) {
  for (let i = 0; i < 75; i++) {
    const found = mails();
    if (found.length >= n) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  return mails();
}

const seedbed = (args, env = {}) => execFileSync(BIN, args, { env: { ...process.env, CI: "1", ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "seedbed-alert-"));
  fs.cpSync(path.join(REPO, "tests/fixtures/sites/digest"), root, { recursive: true });
  fs.mkdirSync(path.join(root, "public"));
  site = await serve(path.join(root, "public"));
  servicePort = await freePort();
  const yaml = fs.readFileSync(path.join(root, "site.yaml"), "utf8")
    .replace("base_url: https://example.org/", `base_url: ${site.url}/`)
    .replace("\ndigest:\n", `\ndigest:\n  service_url: http://127.0.0.1:${servicePort}\n`);
  fs.writeFileSync(path.join(root, "site.yaml"), yaml);
  maildir = fs.mkdtempSync(path.join(os.tmpdir(), "seedbed-maildir-"));
  smtpPort = await freePort();
  sink = spawn(PYTHON, [path.join(REPO, "tests/smtp/sink.py"), "--port", String(smtpPort), "--maildir", maildir], { stdio: ["ignore", "pipe", "inherit"] });
  await lineMatching(sink, "stdout", /^ready$/);
  seedbed(["build", "--root", root]);
  service = spawn(BIN, ["subscribers", "serve", "--root", root, "--port", String(servicePort), "--smtp", `smtp://127.0.0.1:${smtpPort}?tls=none`], { stdio: ["ignore", "ignore", "pipe"] });
  await lineMatching(service, "stderr", /^Subscription service on /);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  service?.kill();
  sink?.kill();
  await site?.close();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(maildir, { recursive: true, force: true });
});

test("a reader subscribes through the form, confirms, receives the digest, and leaves in one click", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(`${m.text()} ${m.location().url}`); });
  await page.goto(site.url + "/");
  await page.fill("#sb-subscribe-email", "reader@example.net");
  await page.selectOption("#sb-subscribe-lang", "en");
  await Promise.all([page.waitForURL(`${site.url}/subscription/check-inbox/`), page.click(".subscribe-form button")]);
  assert.equal(await page.locator("h1").textContent(), "Check your inbox");

  const [confirmation] = await waitForMails(1);
  assert.ok(confirmation, "a confirmation mail arrived");
  assert.match(confirmation.headers.to[0], /reader@example\.net/);
  const link = /http:\/\/127\.0\.0\.1:\d+\/confirm\?t=[0-9a-f]{64}/.exec(confirmation.text)?.[0];
  assert.ok(link, confirmation.text);
  await page.goto(link);
  assert.equal(page.url(), `${site.url}/subscription/confirmed/`);
  assert.equal(await page.locator("h1").textContent(), "You are subscribed");

  seedbed(["digest", "build", "--root", root], { SOURCE_DATE_EPOCH: TODAY });
  const sent = spawnSyncText(["digest", "send", "--root", root, "--smtp", `smtp://127.0.0.1:${smtpPort}?tls=none`]);
  assert.match(sent, /1 subscribers: 1 sent/);
  const digest = (await waitForMails(2)).find((m) => m.headers["list-id"]);
  assert.ok(digest, "the digest arrived");
  const unsubscribe = /<(http:\/\/127\.0\.0\.1:\d+\/unsubscribe\?t=[0-9a-f]{64})>/.exec(digest.headers["list-unsubscribe"][0])?.[1];
  assert.ok(unsubscribe, digest.headers["list-unsubscribe"][0]);

  // The link opens a page; its language form changes the preference, nothing else.
  await page.goto(unsubscribe);
  assert.equal(await page.locator("h1").textContent(), "Your subscription");
  await page.selectOption("#manage-lang", "zh");
  await Promise.all([page.waitForURL(/changed=1/), page.click("form[action$='/language'] button")]);
  assert.equal(await page.locator("[role=status]").count(), 1);
  assert.match(seedbed(["subscribers", "list", "--root", root]), /reader@example\.net,,zh,subscribed/);

  const oneClick = await fetch(unsubscribe, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
  assert.equal(oneClick.status, 200);
  assert.match(seedbed(["subscribers", "list", "--root", root]), /reader@example\.net,,zh,unsubscribed/);

  fs.writeFileSync(path.join(root, "content/reports/next.md"), "---\ntitle: Next report\ndate: 2025-11-28\nauthors: [A]\n---\nText.\n");
  seedbed(["digest", "build", "--root", root, "--since", "2025-11-27"], { SOURCE_DATE_EPOCH: "1764374400" });
  assert.match(spawnSyncText(["digest", "send", "--root", root, "--smtp", `smtp://127.0.0.1:${smtpPort}?tls=none`]), /0 subscribers/);
  assert.equal(mails().length, 2, "the next digest skips the reader who left");
  assert.deepEqual(errors, []);
});

/// stderr of a seedbed run (its summary goes there), which must succeed.
function spawnSyncText(args) {
  const run = spawnSync(BIN, args, { env: { ...process.env, CI: "1" }, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return run.stderr;
}
