// The reader's site in both languages at a phone's and a desktop's width (Debian's Chromium
// driven by playwright-core): the Chinese edition lists every item, the header fits, the compact
// menu works without JavaScript, the header search box searches, shared pages name a picture that
// loads, axe finds nothing, and a screenshot of every page kind.
// Run by scripts/test, which builds the example site and sets SEEDBED_SITE and SEEDBED_SCREENSHOTS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const SITE = process.env.SEEDBED_SITE;
const SHOTS = process.env.SEEDBED_SCREENSHOTS ?? "target/screenshots";
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };
let browser, site;

before(async () => {
  assert.ok(SITE, "set SEEDBED_SITE to the built example site (scripts/test does)");
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--no-first-run", "--disable-sync"],
  });
  site = await serve(SITE);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

async function newPage(options = {}) {
  const context = await browser.newContext(options);
  return context.newPage();
}

/// The entries of the list on the page: title, badge and the title's lang attribute.
async function entries(page) {
  return page.locator("main li.entry").evaluateAll((lis) => lis.map((li) => ({
    title: li.querySelector(".entry-title a").textContent,
    badge: li.querySelector(".lang-badge")?.textContent ?? null,
    lang: li.querySelector(".entry-title").getAttribute("lang"),
  })));
}

test("every Chinese listing shows the untranslated items, badged and marked English", async () => {
  const page = await newPage({ viewport: DESKTOP });
  for (const listing of ["reports", "proceedings", "stories", "years/2018", "topics/returning-migrants"]) {
    await page.goto(`${site.url}/${listing}/`);
    const english = await entries(page);
    if (listing.startsWith("topics")) {
      // The Chinese name of the topic, learned from a translated item.
      await page.goto(`${site.url}/zh/topics/fan-xiang-chuang-ye/`);
    } else {
      await page.goto(`${site.url}/zh/${listing}/`);
    }
    const chinese = await entries(page);
    assert.equal(chinese.length, english.length, `/zh/${listing}/ lists as many items as /${listing}/`);
    const badged = chinese.filter((e) => e.badge === "English");
    assert.ok(badged.length > 0, `/zh/${listing}/ has untranslated items`);
    for (const e of badged) assert.equal(e.lang, "en", `${e.title} is marked as English`);
    for (const e of chinese.filter((e) => !e.badge)) assert.equal(e.lang, null, `${e.title} is in the page's language`);
  }
  assert.ok((await page.locator("main").textContent()).includes("返乡"), "the Chinese topic page");
  // The catalogue counts every report in both languages, and the home page's latest issue is the newest.
  const counts = async (url) => {
    await page.goto(site.url + url);
    return page.locator("main .issue-list .count").evaluateAll((c) => c.map((x) => Number(x.textContent)));
  };
  assert.deepEqual(await counts("/zh/catalogue/"), await counts("/catalogue/"));
  await page.goto(site.url + "/zh/");
  assert.match(await page.locator("#sb-latest-issue").textContent(), /第20卷 第2期/);
  // The switch from an untranslated item says so and lands on the listing that shows it.
  await page.goto(site.url + "/proceedings/forum-2016-returnee-entrepreneurship/");
  assert.equal(await page.locator(".translation-note").getAttribute("lang"), "zh");
  await page.locator(".lang-switch").getByRole("link", { name: "中文" }).click();
  assert.equal(new URL(page.url()).pathname, "/zh/proceedings/");
  assert.ok((await entries(page)).some((e) => e.title.startsWith("2016 Forum")));
  await page.context().close();
});

/// The header's height, whether its parts sit in one row, and whether the page scrolls sideways.
async function header(page) {
  return page.evaluate(() => {
    const parts = [...document.querySelectorAll(".header-row > *")].filter((e) => e.getClientRects().length > 0)
      .map((e) => e.getBoundingClientRect());
    const oneRow = parts.every((a) => parts.every((b) => a.top < b.bottom && b.top < a.bottom));
    return { height: document.querySelector(".site-header").getBoundingClientRect().height, oneRow,
      sideways: document.documentElement.scrollWidth > window.innerWidth };
  });
}

test("the header is one row from 1024 px and at most a fifth of a phone's screen, in both languages", async () => {
  const heights = {};
  for (const viewport of [PHONE, { width: 1024, height: 768 }, DESKTOP, { width: 1600, height: 900 }]) {
    for (const url of ["/", "/zh/", "/reports/returning-migrants-rural-revitalization/", "/zh/catalogue/"]) {
      const page = await newPage({ viewport });
      await page.goto(site.url + url);
      const h = await header(page);
      assert.ok(h.oneRow, `${viewport.width} ${url}: the header's parts sit in one row`);
      assert.ok(!h.sideways, `${viewport.width} ${url}: nothing sticks out sideways`);
      if (viewport.width === PHONE.width) assert.ok(h.height <= 0.2 * PHONE.height, `${url}: ${h.height}px`);
      (heights[viewport.width] ??= []).push(h.height);
      await page.context().close();
    }
  }
  for (const [width, list] of Object.entries(heights)) {
    assert.ok(Math.max(...list) - Math.min(...list) <= 2, `${width}: the same height in both languages: ${list}`);
  }
});

test("the compact menu opens and closes without JavaScript, and holds the menu and a search box", async () => {
  for (const [url, name] of [["/", "Reports"], ["/zh/", "研究报告"]]) {
    const page = await newPage({ viewport: PHONE, javaScriptEnabled: false });
    await page.goto(site.url + url);
    const link = page.getByRole("navigation").getByRole("link", { name, exact: true });
    assert.equal(await link.count(), 0, "closed: the menu's links are not shown");
    await page.locator(".site-menu summary").click();
    assert.ok(await link.isVisible(), "open: they are");
    assert.ok(await page.locator(".site-menu input[type=search]").isVisible());
    await page.locator(".site-menu summary").click();
    assert.equal(await link.count(), 0, "closed again");
    await page.locator(".site-menu summary").click();
    await link.click();
    assert.equal(new URL(page.url()).pathname, url + "reports/");
    await page.context().close();
  }
});

test("the header's search box searches, at both widths", async () => {
  for (const viewport of [DESKTOP, PHONE]) {
    const page = await newPage({ viewport });
    await page.goto(site.url + "/zh/stories/");
    if (viewport === PHONE) await page.locator(".site-menu summary").click();
    const box = page.locator(".site-header").getByRole("searchbox");
    await box.fill("guarantee");
    await box.press("Enter");
    await page.waitForSelector('#search-results[data-query="guarantee"] li');
    assert.equal(new URL(page.url()).pathname, "/zh/search/");
    assert.ok(await page.locator("#search-results li").count() > 0);
    await page.context().close();
  }
});

test("a shared page's og:image loads at the size it states", async () => {
  const page = await newPage({ viewport: DESKTOP });
  for (const url of ["/reports/returning-migrants-rural-revitalization/", "/zh/reports/returning-migrants-rural-revitalization/",
    "/stories/gansu-labour-platform/", "/zh/", "/people/su-hongwen/"]) {
    await page.goto(site.url + url);
    const tag = async (key) => page.locator(`meta[property="${key}"]`).getAttribute("content");
    const image = (await tag("og:image")).replace("https://example.org", site.url);
    assert.equal(await page.locator('meta[name="twitter:card"]').getAttribute("content"), "summary_large_image", url);
    assert.ok((await tag("og:image:alt")).length > 0, `${url}: the picture is described`);
    const loaded = await page.evaluate(async (src) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    }, image);
    assert.deepEqual(loaded, [Number(await tag("og:image:width")), Number(await tag("og:image:height"))], url);
  }
  await page.context().close();
});

// One page of each kind, in each language.
const KINDS = {
  home: "/", listing: "/reports/", report: "/reports/returning-migrants-rural-revitalization/",
  forum: "/proceedings/forum-2016-returnee-entrepreneurship/", story: "/stories/huichuan-micro-loans/",
  person: "/people/su-hongwen/", people: "/people/", catalogue: "/catalogue/", issue: "/catalogue/research-report/vol-20/no-1/",
  topic: "/topics/returning-migrants/", years: "/years/", search: "/search/?q=migrant", about: "/about/", "not-found": "/404.html",
};
// The same kinds in Chinese (the forum has no translation: its Chinese listing shows it).
const ZH = { "/404.html": "/404.html", "/proceedings/forum-2016-returnee-entrepreneurship/": "/zh/proceedings/",
  "/topics/returning-migrants/": "/zh/topics/fan-xiang-chuang-ye/", "/search/?q=migrant": "/zh/search/?q=%E8%BF%94%E4%B9%A1",
  "/catalogue/research-report/vol-20/no-1/": "/zh/catalogue/yan-jiu-bao-gao/vol-20/no-1/" };
const inChinese = (url) => ZH[url] ?? "/zh" + url;

test("axe finds no violations at a phone's and a desktop's width, the phone's menu closed and open, in both languages", async () => {
  const failures = [];
  for (const [viewport, scheme] of [[PHONE, "light"], [PHONE, "dark"], [DESKTOP, "light"], [DESKTOP, "dark"]]) {
    const page = await newPage({ viewport, colorScheme: scheme });
    for (const url of Object.values(KINDS).flatMap((u) => [u, inChinese(u)])) {
      const response = await page.goto(site.url + url);
      assert.equal(response.status(), 200, url);
      if (url.includes("?q=")) await page.waitForSelector("#search-results li");
      for (const open of viewport === PHONE ? [false, true] : [false]) {
        if (open) await page.locator(".site-menu summary").click();
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
        for (const v of result.violations) {
          failures.push(`${viewport.width} ${scheme} ${url} ${open ? "menu open" : ""}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        }
      }
    }
    await page.context().close();
  }
  assert.deepEqual(failures, []);
});

test("screenshots of every page kind, both languages, at 375 and 1280 px", async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const viewport of [PHONE, DESKTOP]) {
    const page = await newPage({ viewport });
    for (const [kind, url] of Object.entries(KINDS)) {
      for (const [lang, address] of [["en", url], ["zh", inChinese(url)]]) {
        if (lang === "zh" && kind === "not-found") continue;
        await page.goto(site.url + address);
        if (address.includes("?q=")) await page.waitForSelector("#search-results li");
        const file = path.join(SHOTS, `${kind}-${lang}-${viewport.width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(fs.statSync(file).size > 10_000, file);
      }
    }
    await page.context().close();
  }
  const menu = await newPage({ viewport: PHONE });
  await menu.goto(site.url + "/zh/");
  await menu.locator(".site-menu summary").click();
  await menu.screenshot({ path: path.join(SHOTS, "menu-open-zh-375.png") });
  await menu.context().close();
});

test("search results: dates as the site writes them, a language on every result, filters fetched when opened", async () => {
  const page = await newPage({ viewport: DESKTOP });
  const fetched = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(site.url + "/zh/search/?q=guarantee");
  await page.waitForSelector('#search-results[data-query="guarantee"] li');
  const results = await page.locator("#search-results li").evaluateAll((lis) => lis.map((li) => ({
    lang: li.querySelector(".entry-title").getAttribute("lang"),
    date: li.querySelector("time")?.textContent ?? null,
    badge: li.querySelector(".lang-badge")?.textContent ?? null,
    snippet: li.querySelector(".snippet").textContent,
  })));
  assert.ok(results.length > 0);
  for (const r of results) {
    assert.ok(r.lang === "en" || r.lang === "zh", JSON.stringify(r));
    if (r.date) assert.match(r.date, /^\d{4}年\d{1,2}月\d{1,2}日$/, "a Chinese page writes dates in Chinese");
    assert.equal(r.badge, r.lang === "zh" ? null : "English");
    assert.doesNotMatch(r.snippet, /^(… )?[.,;:]/, `a snippet starts with a word: ${r.snippet}`);
  }
  assert.ok(!fetched.includes("/search/facets.json"), "no filter data before the filters are opened");
  await page.locator("#search-filter-panel summary").click();
  await page.waitForSelector("#search-filters fieldset");
  assert.ok(fetched.includes("/search/facets.json"));
  await page.context().close();
});
