// Launches Debian's chromium through playwright-core (which never downloads a
// browser of its own). Shared by every module of tests/browser/.
"use strict";
const fs = require("fs");

const CHROMIUM = process.env.LAPSE_CHROMIUM || "/usr/bin/chromium";
const INSTALL = "apt-get update && apt-get install -y chromium";

function playwright() {
  try {
    return require("playwright-core");
  } catch (e) {
    throw new Error("playwright-core is not installed: run `npm ci --prefix tests/browser` (" + e.message + ")");
  }
}

/** A headless chromium; Playwright gives it a fresh temporary --user-data-dir. */
async function launch() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error("no browser at " + CHROMIUM + ": install it with `" + INSTALL + "`");
  }
  return playwright().chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
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
}

module.exports = { launch, CHROMIUM, INSTALL };
