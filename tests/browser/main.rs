//! Browser tests: Debian's `chromium`, headless, driven by `playwright-core`
//! (pinned in tests/browser/package.json, installed by `npm ci --prefix
//! tests/browser`) through `tests/browser/driver.js`. Each module of this
//! binary has a JavaScript module in tests/browser/js/ that the driver runs;
//! `support` launches it and reads its answer.

mod report;
mod session;
mod support;
