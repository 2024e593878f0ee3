"""Replays Lapse traces against the real Django app (app.py), acting as the browser.

Usage: python replay.py BATCH.json

BATCH.json: {"traces": [{"name": N, "path": CSV}, ...],
             "policies": [{"name": N, "settings": {see app.py},
                           "traces": [N, ...] (optional: only these)}, ...],
             "away_after_ms": MS}

Prints JSON: {"results": [{"policy": N, "trace": N, "users": {USER: COUNTS}}, ...],
"requests": HTTP requests made, "csrf_messages": {reason: count}}, where COUNTS
holds the SPEC section 5 counts a browser can observe (../browser.py plays
each user's browser, tabs included, and says how each count is observed).

Each (policy, trace) replay runs in a process of its own (Django's settings
are global), forked from this one before Django is imported, with a fresh
in-memory SQLite database. The clock is frozen (freezegun) and moved to each
event's instant: trace time 0 is EPOCH below. Django reads two clocks for
sessions, `django.utils.timezone.now()` (the database row's expire_date) and
`time.time()` (the cookie's Expires); each replay first checks that both
move with the frozen clock, and stops with an error if either does not.
Users are replayed interleaved, in time order (equal instants keep file order).
"""

import json
import multiprocessing
import os
import re
import sys
from datetime import datetime, timedelta, timezone

import freezegun

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from browser import Browser, Response, read_trace  # noqa: E402

EPOCH = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday, midnight UTC
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class DjangoSite:
    """The browser's view of the Django app, through Django's test client
    (its own cookie jar unused: the browser sends its cookies itself)."""

    session_cookie = "sessionid"
    remember_me = False

    def __init__(self, client):
        self.client = client

    def send(self, method, path, form, headers):
        from http.cookies import SimpleCookie

        self.client.cookies = SimpleCookie()
        if method == "GET":
            r = self.client.get(path, headers=headers)
        else:
            r = self.client.post(path, form or {}, headers=headers)
        is_json = r.get("Content-Type", "").startswith("application/json")
        return Response(
            status=r.status_code,
            location=r.get("Location", ""),
            text=r.content.decode(),
            set_cookies=[m.OutputString() for m in r.cookies.values()],
            json=json.loads(r.content) if is_json else {},
        )

    def token(self, text):
        m = TOKEN.search(text)
        return m.group(1) if m else None

    def csrf(self, token):
        return {}, {"X-CSRFToken": token}


def check_clock(freezer):
    """Both of Django's session clocks must follow the frozen one."""
    import time

    from django.utils import timezone as dj_timezone

    probe = EPOCH + timedelta(days=3, milliseconds=1250)
    freezer.move_to(probe)
    seen = {
        "django.utils.timezone.now()": dj_timezone.now(),
        "time.time()": datetime.fromtimestamp(time.time(), timezone.utc),
    }
    for clock, value in seen.items():
        if value != probe:
            raise SystemExit(f"the frozen clock does not reach {clock}: {value} != {probe}")
    freezer.move_to(EPOCH)


def replay(settings, events, away_after_ms):
    """One policy over one trace, in this (fresh) process."""
    freezegun.configure(default_ignore_list=[])
    freezer = freezegun.freeze_time(EPOCH).start()
    import app

    app.configure(settings)
    check_clock(freezer)
    from django.contrib.auth.models import User
    from django.test import Client

    site = DjangoSite(Client(enforce_csrf_checks=True))
    for user in dict.fromkeys(user for _, user, _, _ in events):
        User.objects.create_user(user, password=app.PASSWORD)
    stats = {"requests": 0, "csrf_messages": {}}
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
    return {user: b.counts for user, b in browsers.items()}, stats


# Set before the worker processes fork.
BATCH = {}


def run_job(job):
    p, t = job
    policy = BATCH["policies"][p]
    trace_name, events = BATCH["traces"][t]
    users, stats = replay(policy["settings"], events, BATCH["away_after_ms"])
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
    # One process per replay (Django is configured once per process), as many
    # at a time as there are cores; the longest first.
    jobs.sort(key=lambda j: -len(BATCH["traces"][j[1]][1]))
    processes = min(len(os.sched_getaffinity(0)), 4)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes, maxtasksperchild=1) as pool:
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
