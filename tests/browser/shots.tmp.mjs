import { chromium } from "playwright-core";
const [file, outdir] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu"] });
const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
await p.goto("file://" + file);
for (const id of ["answer","fig-totals","fig-over-time","fig-idle-gaps","fig-tradeoff","fig-timeline","compliance","settings","population","metrics","reproduce"]) {
  const el = await p.$("#" + id);
  if (el) await el.screenshot({ path: `${outdir}/${id}.png` });
}
await b.close();
