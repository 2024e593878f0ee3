// Entry point of the browser tests: `node driver.js MODULE JOB.json` runs one job
// of a module in js/ (each module exports `run(job)`) and prints its result as
// JSON on stdout. tests/browser/main.rs writes the jobs and judges the results.
"use strict";
const fs = require("fs");
const path = require("path");

const MODULES = {
  session: "./js/session.js",
};

(async () => {
  const [name, jobPath] = process.argv.slice(2);
  if (!MODULES[name] || !jobPath) {
    throw new Error("usage: node driver.js " + Object.keys(MODULES).join("|") + " JOB.json");
  }
  const job = JSON.parse(fs.readFileSync(jobPath, "utf8"));
  const result = await require(path.join(__dirname, MODULES[name])).run(job);
  process.stdout.write(JSON.stringify(result) + "\n");
})().catch((e) => {
  process.stderr.write((e && e.stack ? e.stack : String(e)) + "\n");
  process.exit(1);
});
