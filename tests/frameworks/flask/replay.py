"""Replays Lapse traces against the real Flask app (app.py), acting as the browser.

Usage: python replay.py BATCH.json

BATCH.json: {"traces": [{"name": N, "path": CSV}, ...],
             "policies": [{"name": N, "settings": {Flask settings, see app.py},
                           "traces": [N, ...] (optional: only these)}, ...],
             "away_after_ms": MS}

Prints JSON: {"results": [{"policy": N, "trace": N, "users": {USER: COUNTS}}, ...],
"requests": HTTP requests made, "csrf_messages": {Flask-WTF message: count}},
where COUNTS holds the SPEC section 5 counts this side can observe (see
../browser.py, which plays each user's browser, tabs included).

The clock is frozen (freezegun) and moved to each event's instant: trace time 0
is EPOCH below. Users are replayed interleaved, in time order (equal instants
keep file order), each with a browser of its own. The one thing a browser
cannot see, a restore from Flask-Login's remember cookie, the app reports in
its X-Lapse-Restored header.
"""

import json
import multiprocessing
import os
import re
import sys
import tempfile
from datetime import datetime, timedelta, timezone

import freezegun

# Modules whose clock freezegun must patch are imported before it starts.
import cachelib.file  # noqa: F401
import flask_session  # noqa: F401

from app import create_app

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from browser import Browser, Response, read_trace  # noqa: E402

EPOCH = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday, midnight UTC
SESSION_COOKIE = "session"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class FlaskSite:
    """The browser's view of the Flask app, through Flask's test client."""

    session_cookie = SESSION_COOKIE

    def __init__(self, client, settings):
        self.client = client
        self.remember_me = settings["remember_me"]

    def send(self, method, path, form, headers):
        r = self.client.open(path, method=method, data=form, headers=headers)
        return Response(
            status=r.status_code,
            location=r.headers.get("Location", ""),
            text=r.get_data(as_text=True),
            set_cookies=r.headers.getlist("Set-Cookie"),
            restored=bool(r.headers.get("X-Lapse-Restored")),
            json=(r.get_json(silent=True) or {}) if r.is_json else {},
        )

    def token(self, text):
        m = TOKEN.search(text)
        return m.group(1) if m else None

    def csrf(self, token):
        return {"csrf_token": token}, {}


def replay(settings, events, freezer, stats, away_after_ms):
    with tempfile.TemporaryDirectory(prefix="lapse-flask-store-") as store:
        app = create_app(settings, store)
        site = FlaskSite(app.test_client(use_cookies=False), settings)
        now = [EPOCH]
        browsers = {}
        for t, user, kind, tab in events:
            now[0] = EPOCH + timedelta(milliseconds=t)
            freezer.move_to(now[0])
            browser = browsers.get(user)
            if browser is None:
                browser = Browser(user, site, lambda: now[0], stats, away_after_ms)
                browsers[user] = browser
            browser.event(t, kind, tab)
        return {user: b.counts for user, b in browsers.items()}


# Set before the worker processes fork: the batch, and each worker's clock.
BATCH = {}
FREEZER = []


def start_clock():
    # No module is exempt from the frozen clock (the default ignore list also
    # makes every clock call walk the stack).
    freezegun.configure(default_ignore_list=[])
    FREEZER.append(freezegun.freeze_time(EPOCH).start())


def run_job(job):
    """One policy over one trace, in a fresh app."""
    p, t = job
    policy = BATCH["policies"][p]
    trace_name, events = BATCH["traces"][t]
    stats = {"requests": 0, "csrf_messages": {}}
    users = replay(policy["settings"], events, FREEZER[0], stats, BATCH["away_after_ms"])
    return {"policy": policy["name"], "trace": trace_name, "users": users}, stats


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        batch = json.load(f)
    BATCH["policies"] = batch["policies"]
    BATCH["away_after_ms"] = batch["away_after_ms"]
    BATCH["traces"] = [(t["name"], read_trace(t["path"])) for t in batch["traces"]]
    jobs = [
        (p, t)
        for p, policy in enumerate(BATCH["policies"])
        for t, (name, _) in enumerate(BATCH["traces"])
        if name in policy.get("traces", [name])
    ]
    # Replays are independent (each its own app and store): one per core.
    processes = min(len(os.sched_getaffinity(0)), 4)
    with multiprocessing.get_context("fork").Pool(processes, start_clock) as pool:
        done = pool.map(run_job, jobs, chunksize=1)
    total = {"requests": 0, "csrf_messages": {}}
    for _, stats in done:
        total["requests"] += stats["requests"]
        for message, n in stats["csrf_messages"].items():
            total["csrf_messages"][message] = total["csrf_messages"].get(message, 0) + n
    results = [result for result, _ in done]
    json.dump({"results": results, **total}, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
