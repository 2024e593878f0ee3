// Opens a Lapse report in headless Chromium, offline, and prints what the
// rendered page holds as one JSON line for tests/browser/report.rs to judge.
//
// usage: node report.mjs REPORT.html CHROMIUM
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";

const [report, executable] = process.argv.slice(2);
const url = pathToFileURL(report).href;

const browser = await chromium.launch({
  executablePath: executable,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const out = { requests: [], blocked: [], console: [], pageErrors: [] };
try {
  const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
  // Every request is seen here: the report's own file goes through, anything
  // else is recorded and refused.
  await context.route("**/*", (route) => {
    const wanted = route.request().url();
    out.requests.push(wanted);
    if (wanted === url) {
      return route.continue();
    }
    out.blocked.push(wanted);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") {
      out.console.push(`${m.type()}: ${m.text()}`);
    }
  });
  page.on("pageerror", (e) => out.pageErrors.push(String(e)));
  page.on("requestfailed", (r) => {
    if (r.url() !== url) out.blocked.push(r.url());
  });
  await page.goto(url, { waitUntil: "load" });
  Object.assign(
    out,
    await page.evaluate(() => {
      const box = (el) => {
        const r = el.getBoundingClientRect();
        return { width: r.width, height: r.height };
      };
      return {
        title: document.title,
        sections: [...document.querySelectorAll("main > section")].map((s) => ({
          id: s.id,
          heading: s.querySelector("h2")?.textContent ?? "",
          ...box(s),
        })),
        svgs: [...document.querySelectorAll("svg")].map((s) => ({
          figure: s.closest("figure")?.id ?? "",
          label: s.getAttribute("aria-label") ?? "",
          // Drawn content, not just a box: the bounding box of what is inside.
          drawn: (() => {
            const b = s.getBBox();
            return { width: b.width, height: b.height };
          })(),
          ...box(s),
        })),
        headings: [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => Number(h.tagName[1])),
        externals: [...document.querySelectorAll("script, link, img, iframe, object, embed")].length,
      };
    }),
  );
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
