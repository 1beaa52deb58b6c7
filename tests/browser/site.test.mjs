// The bundled example site in a real browser (Debian's Chromium driven by playwright-core):
// navigation, language switch, downloads, accessibility (axe-core), browsing without
// JavaScript, screenshots; and a fixture full of script payloads that must never run.
// Run by scripts/test, which builds the sites and sets SEEDBED_SITE, SEEDBED_PAYLOADS, SEEDBED_SCREENSHOTS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const SITE = process.env.SEEDBED_SITE;
const PAYLOADS = process.env.SEEDBED_PAYLOADS;
const SHOTS = process.env.SEEDBED_SCREENSHOTS ?? "target/screenshots";
let browser, site, payloads;

before(async () => {
  assert.ok(SITE && PAYLOADS, "set SEEDBED_SITE and SEEDBED_PAYLOADS to built sites (scripts/test does)");
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--no-first-run", "--disable-sync"],
  });
  site = await serve(SITE);
  payloads = await serve(PAYLOADS);
});

after(async () => {
  await browser?.close();
  await site?.close();
  await payloads?.close();
});

async function newPage(options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  return context.newPage();
}

test("home → catalogue → issue → report → author → topic", async () => {
  const page = await newPage();
  await page.goto(site.url + "/");
  await page.locator(".main-nav").getByRole("link", { name: "Catalogue" }).click();
  assert.equal(await page.locator("h1").textContent(), "Catalogue");
  await page.getByRole("link", { name: "Research Report, Vol. 20, No. 1, 2018" }).click();
  await page.getByRole("link", { name: /^Migrant Workers Returning Home/ }).click();
  assert.match(await page.locator("h1").textContent(), /Migrant Workers Returning Home/);
  await page.locator(".item-header .byline").getByRole("link", { name: "Su Hongwen" }).click();
  assert.equal(await page.locator("h1").textContent(), "Su Hongwen");
  assert.ok(await page.getByRole("link", { name: /^Training That Leads to Jobs/ }).isVisible());
  await page.goBack();
  await page.locator(".item-terms").getByRole("link", { name: "Rural revitalization" }).click();
  assert.equal(await page.locator("h1").textContent(), "Rural revitalization");
  await page.context().close();
});

test("switch language and back", async () => {
  const page = await newPage();
  await page.goto(site.url + "/reports/returning-migrants-rural-revitalization/");
  await page.locator(".lang-switch").getByRole("link", { name: "中文" }).click();
  assert.equal(new URL(page.url()).pathname, "/zh/reports/returning-migrants-rural-revitalization/");
  assert.equal(await page.locator("html").getAttribute("lang"), "zh");
  assert.equal(await page.locator("h1").textContent(), "农民工返乡创业创新助力乡村振兴");
  await page.locator(".lang-switch").getByRole("link", { name: "English" }).click();
  assert.equal(new URL(page.url()).pathname, "/reports/returning-migrants-rural-revitalization/");
  await page.goto(site.url + "/stories/gansu-labour-platform/");
  await page.locator(".lang-switch").getByRole("link", { name: "中文" }).click();
  const response = await page.goto(page.url());
  assert.equal(response.status(), 200, "an untranslated item switches to a page that exists");
  await page.context().close();
});

test("add-to-calendar and citation downloads respond", async () => {
  const page = await newPage();
  await page.goto(site.url + "/proceedings/forum-2016-returnee-entrepreneurship/");
  // The forum is past: no "Add to calendar", but its calendar file is still there.
  assert.equal(await page.getByRole("link", { name: /calendar/ }).count(), 0);
  const ics = await page.request.get(site.url + "/proceedings/forum-2016-returnee-entrepreneurship/forum-2016-returnee-entrepreneurship.ics");
  assert.equal(ics.status(), 200);
  assert.match(await ics.text(), /^BEGIN:VCALENDAR\r\n/);
  await page.goto(site.url + "/reports/returning-migrants-rural-revitalization/");
  const [bib] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "BibTeX" }).click()]);
  assert.match(fs.readFileSync(await bib.path(), "utf8"), /^@techreport\{su2018returning,/);
  const ris = await page.request.get(site.url + "/reports/returning-migrants-rural-revitalization/returning-migrants-rural-revitalization.ris");
  assert.equal(ris.status(), 200);
  await page.context().close();
});

test("every image on the site loads, has its size, and the browser picks a WebP copy where there is one", async () => {
  const pages = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".html") && fs.readFileSync(full, "utf8").includes("<img")) pages.push(full);
    }
  };
  walk(SITE);
  assert.ok(pages.length > 0, "the example site shows at least one image");
  const page = await newPage({ viewport: { width: 1280, height: 800 } });
  let webp = 0;
  for (const file of pages) {
    const url = site.url + "/" + path.relative(SITE, file).replace(/index\.html$/, "");
    await page.goto(url);
    const images = await page.evaluate(async () => {
      const all = [...document.images];
      all.forEach((img) => { img.loading = "eager"; });
      await Promise.all(all.map((img) => img.decode().catch(() => {})));
      return all.map((img) => ({ src: img.currentSrc || img.src, natural: img.naturalWidth,
        width: img.getAttribute("width"), height: img.getAttribute("height") }));
    });
    for (const img of images) {
      assert.ok(img.natural > 0, `${url}: ${img.src} did not load`);
      assert.ok(img.width && img.height, `${url}: ${img.src} has no width and height`);
      if (img.src.endsWith(".webp")) webp += 1;
    }
  }
  assert.ok(webp > 0, "Chromium took a WebP copy from srcset");
  await page.context().close();
});

// One page of every template, in both languages where the template has one.
const TEMPLATES = ["/", "/zh/", "/reports/", "/reports/returning-migrants-rural-revitalization/",
  "/zh/reports/returning-migrants-rural-revitalization/", "/reports/county-guarantee-funds/",
  "/proceedings/forum-2016-returnee-entrepreneurship/", "/stories/returnee-tea-cooperative/", "/people/",
  "/people/su-hongwen/", "/topics/", "/topics/returning-migrants/", "/regions/guizhou/", "/catalogue/",
  "/catalogue/research-report/", "/catalogue/research-report/vol-20/no-1/", "/years/", "/a-z/m/", "/about/",
  "/subscribe/", "/404.html", "/search/", "/zh/search/", "/search/?q=migrant", "/zh/search/?q=%E8%BF%94%E4%B9%A1"];

test("every page template has no serious or critical axe-core violations", async () => {
  // First prove the harness can fail: an image without alt text is a critical violation.
  const probe = await newPage();
  await probe.setContent("<!DOCTYPE html><html lang=en><title>t</title><img src=x.png>");
  await probe.addScriptTag({ content: axeSource });
  const probed = await probe.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  assert.ok(probed.violations.some((v) => v.id === "image-alt" && v.impact === "critical"));
  await probe.context().close();
  const failures = [];
  for (const scheme of ["light", "dark"]) {
    const page = await newPage({ colorScheme: scheme });
    for (const url of TEMPLATES) {
      await page.goto(site.url + url);
      if (url.includes("?q=")) await page.waitForSelector("#search-results li");
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      for (const v of result.violations.filter((v) => ["serious", "critical"].includes(v.impact))) {
        failures.push(`${scheme} ${url}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      }
    }
    await page.context().close();
  }
  assert.deepEqual(failures, []);
});

test("a chart is an image named by its caption, passes axe in full, and shows its data table", async () => {
  for (const scheme of ["light", "dark"]) {
    const page = await newPage({ colorScheme: scheme });
    await page.goto(site.url + "/zh/reports/returning-migrants-rural-revitalization/");
    const chart = page.getByRole("img", { name: /^图1 汇川区/ });
    assert.equal(await chart.count(), 1, "the chart is found by its role and caption");
    assert.equal(await page.locator(".embed-chart rect").count(), 3, "one bar per row of the CSV");
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => window.axe.run(".embed-chart", { resultTypes: ["violations"] }));
    assert.deepEqual(result.violations.map((v) => `${v.id} (${v.impact})`), []);
    await page.locator(".chart-data summary").click();
    assert.ok(await page.getByRole("cell", { name: "2.5" }).isVisible(), "the data table opens");
    await page.context().close();
  }
});

test("without JavaScript every item is reachable by links", async () => {
  const page = await newPage({ javaScriptEnabled: false });
  await page.goto(site.url + "/");
  await page.locator(".main-nav").getByRole("link", { name: "Browse" }).click();
  await page.getByRole("link", { name: "2017" }).click();
  await page.getByRole("link", { name: /^Guarantee Funds and Micro-loans/ }).click();
  assert.match(await page.locator("h1").textContent(), /^Guarantee Funds/);
  await page.locator(".main-nav").getByRole("link", { name: "Forums" }).click();
  await page.getByRole("link", { name: /^2016 Forum/ }).first().click();
  assert.ok(await page.getByRole("heading", { name: "Programme" }).isVisible());
  await page.context().close();
});

test("screenshots at 375 and 1280 px, light and dark", async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const pages = { home: "/", report: "/reports/returning-migrants-rural-revitalization/",
    forum: "/proceedings/forum-2016-returnee-entrepreneurship/", "zh-report": "/zh/reports/returning-migrants-rural-revitalization/" };
  for (const width of [375, 1280]) {
    for (const scheme of ["light", "dark"]) {
      const page = await newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
      for (const [name, url] of Object.entries(pages)) {
        await page.goto(site.url + url);
        const file = path.join(SHOTS, `${name}-${width}-${scheme}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(fs.statSync(file).size > 10_000, file);
      }
      await page.context().close();
    }
  }
});

test("search: typed and linked queries, highlights, Chinese, hostile and prototype-named queries", async () => {
  const page = await newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("dialog", async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  await page.goto(site.url + "/");
  const box = page.locator(".site-header").getByRole("searchbox");
  await box.fill("migrant");
  await box.press("Enter");
  await page.waitForSelector('#search-results[data-query="migrant"] li');
  await page.locator("#search-input").fill("");
  await page.locator("#search-input").pressSequentially("guarantee fund", { delay: 20 });
  await page.waitForSelector('#search-results[data-query="guarantee fund"] li');
  const top3 = await page.locator("#search-results li a").evaluateAll((as) => as.slice(0, 3).map((a) => a.textContent));
  assert.ok(top3.some((t) => /^Guarantee Funds/.test(t)), `top three: ${top3}`);
  assert.ok(await page.locator("#search-results mark").count() > 0, "matched words are highlighted");
  assert.equal(new URL(page.url()).searchParams.get("q"), "guarantee fund", "the query lives in the URL");
  await page.locator("#search-results li a", { hasText: /^Guarantee Funds/ }).click();
  assert.match(await page.locator("h1").textContent(), /^Guarantee Funds/);
  await page.goBack();
  await page.goto(site.url + "/zh/search/?q=" + encodeURIComponent("返乡创业"));
  await page.waitForSelector('#search-results[data-query="返乡创业"] li');
  assert.match(await page.locator("#search-results li a").first().textContent(), /返乡创业/);
  assert.ok((await page.locator("#search-results mark").allTextContents()).includes("返乡创业"), "the exact string is marked");
  // Typing Chinese: one character already finds the pages it begins a word in.
  await page.locator("#search-input").fill("");
  await page.locator("#search-input").pressSequentially("返", { delay: 20 });
  await page.waitForSelector('#search-results[data-query="返"] li');
  assert.match(await page.locator("#search-results li a").first().textContent(), /返/);
  // A misspelt word still finds what it meant.
  await page.goto(site.url + "/search/?q=migarnts");
  await page.waitForSelector('#search-results[data-query="migarnts"] li');
  assert.ok((await page.locator("#search-results mark").allTextContents()).some((m) => /^migrant/i.test(m)));
  // A word the pages write as two ("micro-loans").
  await page.goto(site.url + "/search/?q=microloans");
  await page.waitForSelector('#search-results[data-query="microloans"] li');
  const loans = await page.locator("#search-results li a").evaluateAll((as) => as.slice(0, 3).map((a) => a.textContent));
  assert.ok(loans.some((t) => /Micro-loans/.test(t)), `top three: ${loans}`);
  // A word only in the report's PDF finds the report.
  await page.goto(site.url + "/search/?q=questionnaire");
  await page.waitForSelector('#search-results[data-query="questionnaire"] li');
  const fromPdf = await page.locator("#search-results li a").allTextContents();
  assert.ok(fromPdf.some((t) => /^Migrant Workers Returning Home/.test(t)), `found: ${fromPdf}`);
  for (const q of ["constructor", "__proto__", "toString", "hasOwnProperty", "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>", "javascript:alert(3)"]) {
    await page.goto(site.url + "/search/?q=" + encodeURIComponent(q));
    await page.waitForFunction((want) => document.querySelector("#search-results")?.dataset.query === want, q);
    assert.equal(await page.locator("#search-input").inputValue(), q);
  }
  assert.deepEqual(problems, []);
  await page.context().close();
});

test("search filters: counts, apply, combine with the URL, clear", async () => {
  const page = await newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`error: ${e.message}`));
  await page.goto(site.url + "/search/?q=migrant");
  await page.waitForSelector('#search-results[data-query="migrant"] li');
  const total = Number((await page.locator("#search-status").textContent()).match(/\d+/)[0]);
  // The filters' counts come only when the reader opens them.
  await page.locator("#search-filter-panel summary").click();
  const report = page.locator("#search-filters label", { hasText: /^\s*Report/ });
  const reports = Number((await report.locator(".count").textContent()).match(/\d+/)[0]);
  assert.ok(reports > 0 && reports < total, `${reports} of ${total}`);
  await report.locator("input").check();
  await page.waitForFunction((n) => document.querySelector("#search-status").textContent.startsWith(`${n} `), reports);
  const kinds = await page.locator("#search-results .entry-meta").allTextContents();
  assert.ok(kinds.length > 0 && kinds.every((k) => k.startsWith("Report")), kinds.join(" | "));
  assert.equal(new URL(page.url()).searchParams.get("collection"), "report");
  await page.reload();
  await page.waitForFunction((n) => document.querySelector("#search-status").textContent.startsWith(`${n} `), reports);
  assert.ok(await page.locator('#search-filters input[value="report"]').isChecked(), "the filter comes back from the URL");
  await page.getByRole("button", { name: "Clear filters" }).click();
  await page.waitForFunction((n) => document.querySelector("#search-status").textContent.startsWith(`${n} `), total);
  assert.equal(new URL(page.url()).searchParams.get("collection"), null);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test("script payloads in front matter never run", async () => {
  const page = await newPage();
  const dialogs = [];
  page.on("dialog", async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  const pages = fs.readdirSync(PAYLOADS, { recursive: true }).filter((f) => f.endsWith(".html"));
  assert.ok(pages.length > 10);
  for (const file of pages) {
    const url = "/" + file.replace(/index\.html$/, "").split(path.sep).join("/");
    await page.goto(payloads.url + url);
  }
  // The search page shows the payloads as text: in titles, snippets and filter labels.
  for (const q of ["alert script", "img onerror", "bold topics", "javascript"]) {
    await page.goto(payloads.url + "/search/?q=" + encodeURIComponent(q));
    await page.waitForFunction((want) => document.querySelector("#search-results")?.dataset.query === want, q);
    if (await page.locator("#search-filter-panel summary").isVisible()) {
      await page.locator("#search-filter-panel summary").click();
      await page.waitForFunction(() => document.querySelector("#search-filters").children.length > 0);
    }
  }
  await page.goto(payloads.url + "/search/?q=loans");
  await page.waitForSelector('#search-results[data-query="loans"] li');
  assert.match(await page.locator("#search-results li a").first().textContent(), /<script>alert\(‘t’\)<\/script>/);
  assert.equal(await page.locator("#search-results script, #search-filters script, #search-results img, #search-filters b").count(), 0);
  assert.deepEqual(dialogs, []);
  await page.context().close();
});
