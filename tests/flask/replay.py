"""Replays Lapse traces against the real Flask app (app.py), acting as the browser.

Usage: python replay.py BATCH.json

BATCH.json: {"traces": [{"name": N, "path": CSV}, ...],
             "policies": [{"name": N, "settings": {Flask settings, see app.py},
                           "traces": [N, ...] (optional: only these)}, ...]}

Prints JSON: {"results": [{"policy": N, "trace": N, "users": {USER: COUNTS}}, ...],
"requests": HTTP requests made, "csrf_messages": {Flask-WTF message: count}},
where COUNTS holds the SPEC section 5 counts this side can observe: logins,
logouts, silent_relogins, submits, saved_submits, lost_submits, csrf_failures,
lost_inputs, lost_edit_ms.

The clock is frozen (freezegun) and moved to each event's instant: trace time 0
is EPOCH below. Users are replayed interleaved, in time order (equal instants
keep file order), each with a browser of its own: a cookie jar, one page, and
the page's CSRF token and unsaved edits. Flask is never told what a trace event
means; it only sees the HTTP requests a browser would send for it:
view GET /page; request GET /api (a script's call); submit POST /submit (the
page's script posts the form with the page's CSRF token); input and activity
nothing (input adds an unsaved edit to the page); close drops the page and
every cookie without Expires. A request redirected to /login is a bounce: the
user logs in (ticking "remember me" when the form has it) and the page reloads.

How each count is observed (SPEC sections 3 and 5):
- logins: the driver types the password; it does so only when bounced.
- logouts: at such a login, when the user had a session before and has not
  closed a browser holding a browser-session cookie since it began (see
  Browser.explicit_login).
- silent_relogins: Flask-Login restored the user from the remember cookie
  (the app's X-Lapse-Restored header).
- submits, saved_submits, lost_submits, csrf_failures: see Browser.submit.
- lost_inputs, lost_edit_ms: the page's edits when a submit is not saved or a
  request bounces; a user's own view or close discards them uncounted.
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
from werkzeug.http import parse_date

from app import PASSWORD, create_app

EPOCH = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday, midnight UTC
SESSION_COOKIE = "session"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
COUNTS = (
    "logins",
    "logouts",
    "silent_relogins",
    "submits",
    "saved_submits",
    "lost_submits",
    "csrf_failures",
    "lost_inputs",
    "lost_edit_ms",
)


class Bounced(Exception):
    """A request was redirected to the login page."""


class Browser:
    """One user's browser: cookie jar, the open page, its token and edits."""

    def __init__(self, user, client, settings, clock, stats):
        self.user = user
        self.client = client
        self.remember_me = settings["remember_me"]
        self.clock = clock  # () -> the frozen instant as an aware datetime
        self.stats = stats
        self.cookies = {}  # name -> (value, expires: aware datetime or None)
        self.page_open = False
        self.token = None
        self.edits = None  # (count, first_ms, last_ms) of the open page
        # For the logout rule (SPEC 3, rule 1): whether the user ever had a
        # session, and whether they closed a browser that held a
        # browser-session cookie since their last session began.
        self.had_session = False
        self.closed_since = False
        self.counts = dict.fromkeys(COUNTS, 0)

    # ----- HTTP, with the browser's cookie rules -----------------------------

    def http(self, method, path, data=None):
        now = self.clock()
        # A browser never sends a cookie whose Expires has passed (RFC 6265:
        # expired once expiry <= now).
        self.cookies = {
            k: (v, exp)
            for k, (v, exp) in self.cookies.items()
            if exp is None or exp > now
        }
        header = "; ".join(f"{k}={v}" for k, (v, _) in self.cookies.items())
        response = self.client.open(
            path, method=method, data=data, headers={"Cookie": header} if header else {}
        )
        self.stats["requests"] += 1
        for line in response.headers.getlist("Set-Cookie"):
            self.store_cookie(line, now)
        if response.headers.get("X-Lapse-Restored"):
            # Flask-Login restored the user from the remember cookie: the
            # SPEC's silent re-login. A new session begins.
            self.counts["silent_relogins"] += 1
            self.session_began()
        if response.status_code == 302 and "/login" in response.headers["Location"]:
            raise Bounced()
        return response

    def store_cookie(self, line, now):
        name, _, rest = line.partition("=")
        value, *attrs = rest.split(";")
        expires = None
        for attr in attrs:
            key, _, arg = attr.strip().partition("=")
            key = key.lower()
            if key == "expires":
                expires = parse_date(arg)
            elif key == "max-age":
                expires = now + timedelta(seconds=int(arg))
        if expires is not None and expires <= now:
            self.cookies.pop(name, None)  # a deletion
        else:
            self.cookies[name] = (value, expires)

    # ----- what the user sees --------------------------------------------------

    def session_began(self):
        self.had_session = True
        self.closed_since = False

    def explicit_login(self):
        """Bounced to the login page: the user types their password.

        SPEC 3, rule 1: `logins += 1`, and `logouts += 1` when the previous
        session ended by expiry. Sessions of the Flask-mappable policies end
        only by expiry or by a browser close that drops a browser-session
        cookie, so the previous session ended by expiry exactly when the user
        had one and has not closed such a browser since it began.
        """
        self.counts["logins"] += 1
        if self.had_session and not self.closed_since:
            self.counts["logouts"] += 1
        page = self.http("GET", "/login").get_data(as_text=True)
        form = {"user": self.user, "password": PASSWORD}
        if m := TOKEN.search(page):
            form["csrf_token"] = m.group(1)
        if self.remember_me:
            form["remember"] = "on"  # the user ticks "remember me"
        response = self.http("POST", "/login", form)
        assert response.status_code == 302, f"login of {self.user} refused"
        self.session_began()

    def load_page(self):
        """GET the page; when bounced, log in and load it again."""
        try:
            response = self.http("GET", "/page")
        except Bounced:
            self.explicit_login()
            response = self.http("GET", "/page")
        self.open_page(response)

    def open_page(self, response):
        """A new page: its own CSRF token, no edits yet."""
        assert response.status_code == 200, response.status
        m = TOKEN.search(response.get_data(as_text=True))
        self.token = m.group(1) if m else None
        self.page_open = True
        self.edits = None

    def lose_edits(self):
        """The session, not the user, tore the page down (SPEC 3, lost work)."""
        if self.edits:
            count, first, last = self.edits
            self.counts["lost_inputs"] += count
            self.counts["lost_edit_ms"] += last - first
        self.edits = None

    def bounced_reload(self):
        """After a request bounced to the login page: log in, the page reloads."""
        self.lose_edits()
        self.explicit_login()
        self.load_page()

    # ----- trace events --------------------------------------------------------

    def event(self, t, kind):
        if kind == "close":
            self.close()
            return
        if kind != "view" and not self.page_open:
            self.load_page()  # the implicit view that opens a page
        if kind == "view":
            self.load_page()  # the user navigates: edits are discarded, not lost
        elif kind == "request":
            self.request()
        elif kind == "submit":
            self.submit()
        elif kind == "input":
            count, first, _ = self.edits or (0, t, t)
            self.edits = (count + 1, first, t)
        # "activity" never reaches the server.

    def request(self):
        try:
            self.http("GET", "/api")
        except Bounced:
            self.bounced_reload()

    def submit(self):
        """POST the page's form (by script) with its CSRF token.

        Saved: the handler ran (200). Bounced to login: the session had ended
        (no remember cookie could restore it): a lost submit. A CSRF error
        (400): the script reloads the page. If that reload finds the user
        logged in (a live session, or one restored silently from the remember
        cookie), the submit had reached a session and its token failed: a
        `csrf_failure` (SPEC: "a failure counts csrf_failures += 1 and reloads
        the page"). If the reload bounces to login, the CSRF check only came
        first (CSRFProtect runs before Flask-Login looks at the session): the
        session had ended, and by the SPEC this is a bounced submit, not a CSRF
        failure.
        """
        self.counts["submits"] += 1
        form = {"note": "unsaved work"}
        if self.token:
            form["csrf_token"] = self.token
        try:
            response = self.http("POST", "/submit", form)
        except Bounced:
            self.lost_submit()
            self.bounced_reload()
            return
        if response.status_code == 200:
            assert response.get_json()["saved"] >= 1
            self.counts["saved_submits"] += 1
            self.edits = None
            return
        assert response.status_code == 400, response.status
        message = response.get_json()["csrf_error"]
        self.lost_submit()
        self.lose_edits()
        try:
            reloaded = self.http("GET", "/page")
        except Bounced:
            self.explicit_login()
            self.load_page()
            return
        self.counts["csrf_failures"] += 1
        messages = self.stats["csrf_messages"]
        messages[message] = messages.get(message, 0) + 1
        self.open_page(reloaded)

    def lost_submit(self):
        self.counts["lost_submits"] += 1
        self.lose_edits()

    def close(self):
        """The user closes the browser: the page goes, edits are discarded (not
        lost), and the browser forgets every cookie without Expires (a
        non-permanent session cookie; never the remember cookie)."""
        if not self.page_open:
            return  # SPEC 2: closing a closed page does nothing
        self.page_open = False
        self.token = None
        self.edits = None
        dropped = [k for k, (_, exp) in self.cookies.items() if exp is None]
        for k in dropped:
            del self.cookies[k]
        if SESSION_COOKIE in dropped:
            self.closed_since = True


def read_trace(path):
    """The canonical CSV, in time order (stable: equal instants keep file order)."""
    events = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().strip()
        assert header == "user,time_ms,kind", header
        for line in f:
            if line.strip():
                user, t, kind = line.strip().split(",")
                events.append((int(t), user, kind))
    events.sort(key=lambda e: e[0])
    return events


def replay(settings, events, freezer, stats):
    with tempfile.TemporaryDirectory(prefix="lapse-flask-store-") as store:
        app = create_app(settings, store)
        client = app.test_client(use_cookies=False)
        now = [EPOCH]
        browsers = {}
        for t, user, kind in events:
            now[0] = EPOCH + timedelta(milliseconds=t)
            freezer.move_to(now[0])
            browser = browsers.get(user)
            if browser is None:
                browser = Browser(user, client, settings, lambda: now[0], stats)
                browsers[user] = browser
            browser.event(t, kind)
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
    users = replay(policy["settings"], events, FREEZER[0], stats)
    return {"policy": policy["name"], "trace": trace_name, "users": users}, stats


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        batch = json.load(f)
    BATCH["policies"] = batch["policies"]
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
