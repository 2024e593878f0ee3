"""The browser the Python replay drivers (flask/replay.py, django/replay.py) play.

One user's browser: one cookie jar, and per tab an open page with its CSRF
token and unsaved edits. The framework is never told what a trace event
means; it only sees the HTTP requests a browser would send for it (a `Site`
adapter turns them into calls of the framework's test client):
view GET /page; request GET /api (a script's call); submit POST /submit (the
page's script posts the form with the page's CSRF token); input and activity
nothing (input adds an unsaved edit to its tab's page); sleep and wake
nothing (the device suspends: no request); close closes its tab's page, and
when it was the last open tab the browser quits: it forgets every cookie
without an expiry. A request redirected to /login is a bounce: the user logs
in (ticking "remember me" when the form has it) and the page reloads.

How each count is observed (SPEC sections 3 and 5):
- logins: the driver types the password; it does so only when bounced.
- logouts: at such a login, when the user had a session before and has not
  quit a browser holding a browser-session cookie since it began (see
  Browser.explicit_login).
- silent_relogins: the app restored the user from a remember cookie (it says
  so in a response header: the one thing a browser cannot see).
- submits, saved_submits, lost_submits, csrf_failures: see Browser.submit.
- lost_inputs, lost_edit_ms, lost_typing_ms: the page's edits when a submit is
  not saved or a request bounces; a user's own view or close discards them
  uncounted.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from email.utils import parsedate_to_datetime

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
    "lost_typing_ms",
)


@dataclass
class Response:
    """What the browser needs of one HTTP response."""

    status: int
    location: str
    text: str
    set_cookies: list
    restored: bool = False
    json: dict = field(default_factory=dict)


class Bounced(Exception):
    """A request was redirected to the login page."""


@dataclass
class Page:
    token: str = None
    edits: list = field(default_factory=list)  # the instants of unsaved edits


class Browser:
    """One user's browser. `site` is the framework adapter:
    - site.send(method, path, form, headers) -> Response (headers include Cookie)
    - site.token(text) -> the CSRF token a page or login form carries, or None
    - site.csrf(token) -> (form fields, headers) carrying the page's token
    - site.session_cookie: the session cookie's name
    - site.remember_me: whether the login form has "remember me"
    """

    def __init__(self, user, site, clock, stats, away_after_ms):
        self.user = user
        self.site = site
        self.clock = clock  # () -> the frozen instant as an aware datetime
        self.stats = stats
        self.away_after_ms = away_after_ms
        self.cookies = {}  # name -> (value, expires: aware datetime or None)
        self.pages = {}  # tab -> Page, for the open tabs
        # For the logout rule (SPEC 3, rule 1): whether the user ever had a
        # session, and whether they quit a browser that held a browser-session
        # cookie since their last session began.
        self.had_session = False
        self.closed_since = False
        self.counts = dict.fromkeys(COUNTS, 0)

    # ----- HTTP, with the browser's cookie rules -----------------------------

    def http(self, method, path, form=None, headers=None):
        now = self.clock()
        # A browser never sends a cookie whose expiry has passed (RFC 6265:
        # expired once expiry <= now).
        self.cookies = {
            k: (v, exp)
            for k, (v, exp) in self.cookies.items()
            if exp is None or exp > now
        }
        headers = dict(headers or {})
        jar = "; ".join(f"{k}={v}" for k, (v, _) in self.cookies.items())
        if jar:
            headers["Cookie"] = jar
        response = self.site.send(method, path, form, headers)
        self.stats["requests"] += 1
        for line in response.set_cookies:
            self.store_cookie(line, now)
        if response.restored:
            # The remember cookie restored the user: the SPEC's silent
            # re-login. A new session begins.
            self.counts["silent_relogins"] += 1
            self.session_began()
        if response.status in (301, 302, 303) and "/login" in response.location:
            raise Bounced()
        return response

    def store_cookie(self, line, now):
        """RFC 6265: Max-Age wins over Expires; an expiry not after now deletes."""
        name, _, rest = line.partition("=")
        value, *attrs = rest.split(";")
        expires = None
        max_age = None
        for attr in attrs:
            key, _, arg = attr.strip().partition("=")
            key = key.lower()
            if key == "expires":
                expires = parsedate_to_datetime(arg)
            elif key == "max-age":
                max_age = int(arg)
        if max_age is not None:
            expires = now + timedelta(seconds=max_age)
        name = name.strip()
        if expires is not None and expires <= now:
            self.cookies.pop(name, None)  # a deletion
        else:
            self.cookies[name] = (value.strip(), expires)

    # ----- what the user sees --------------------------------------------------

    def session_began(self):
        self.had_session = True
        self.closed_since = False

    def explicit_login(self):
        """Bounced to the login page: the user types their password.

        SPEC 3, rule 1: `logins += 1`, and `logouts += 1` when the previous
        session ended by expiry. Sessions of the mappable policies end only by
        expiry or by quitting a browser that drops a browser-session cookie, so
        the previous session ended by expiry exactly when the user had one and
        has not quit such a browser since it began.
        """
        self.counts["logins"] += 1
        if self.had_session and not self.closed_since:
            self.counts["logouts"] += 1
        page = self.http("GET", "/login")
        form = {"user": self.user, "username": self.user, "password": "correct horse"}
        headers = {}
        token = self.site.token(page.text)
        if token:
            extra, headers = self.site.csrf(token)
            form.update(extra)
        if self.site.remember_me:
            form["remember"] = "on"  # the user ticks "remember me"
        response = self.http("POST", "/login", form, headers)
        assert response.status in (302, 303), f"login of {self.user} refused: {response}"
        self.session_began()

    def load_page(self, tab):
        """GET the page in `tab`; when bounced, log in and load it again."""
        try:
            response = self.http("GET", "/page")
        except Bounced:
            self.explicit_login()
            response = self.http("GET", "/page")
        self.open_page(tab, response)

    def open_page(self, tab, response):
        """A new page: its own CSRF token, no edits yet."""
        assert response.status == 200, response
        self.pages[tab] = Page(token=self.site.token(response.text))

    def lose_edits(self, tab):
        """The session, not the user, tore the page down (SPEC 3, lost work)."""
        page = self.pages.get(tab)
        if page is not None and page.edits:
            edits = page.edits
            self.counts["lost_inputs"] += len(edits)
            self.counts["lost_edit_ms"] += edits[-1] - edits[0]
            self.counts["lost_typing_ms"] += sum(
                min(b - a, self.away_after_ms) for a, b in zip(edits, edits[1:])
            )
            page.edits = []

    def bounced_reload(self, tab):
        """After a request bounced to the login page: log in, the page reloads."""
        self.lose_edits(tab)
        self.explicit_login()
        self.load_page(tab)

    # ----- trace events --------------------------------------------------------

    def event(self, t, kind, tab):
        if kind in ("sleep", "wake"):
            return  # the device suspends or resumes: nothing reaches the server
        if kind == "close":
            self.close(tab)
            return
        if kind == "view" or tab not in self.pages:
            # A view, or the implicit view that opens a closed tab's page.
            self.load_page(tab)
        if kind == "request":
            self.request(tab)
        elif kind == "submit":
            self.submit(tab)
        elif kind == "input":
            self.pages[tab].edits.append(t)
        # "activity" never reaches the server.

    def request(self, tab):
        try:
            self.http("GET", "/api")
        except Bounced:
            self.bounced_reload(tab)

    def submit(self, tab):
        """POST the page's form (by script) with its CSRF token.

        Saved: the handler ran (200). Bounced to login: the session had ended
        (no remember cookie could restore it): a lost submit. A CSRF error: the
        script reloads the page. If that reload finds the user logged in (a
        live session, or one restored silently from the remember cookie), the
        submit had reached a session and its token failed: a `csrf_failure`
        (SPEC: "a failure counts csrf_failures += 1 and reloads the page"). If
        the reload bounces to login, the CSRF check only came first (it runs
        before the login check): the session had ended, and by the SPEC this
        is a bounced submit, not a CSRF failure.
        """
        self.counts["submits"] += 1
        form = {"note": "unsaved work"}
        headers = {}
        token = self.pages[tab].token
        if token:
            extra, headers = self.site.csrf(token)
            form.update(extra)
        try:
            response = self.http("POST", "/submit", form, headers)
        except Bounced:
            self.lost_submit(tab)
            self.bounced_reload(tab)
            return
        if response.status == 200:
            assert response.json.get("saved", 0) >= 1, response
            self.counts["saved_submits"] += 1
            self.pages[tab].edits = []
            return
        assert response.status in (400, 403), response
        message = response.json.get("csrf_error") or f"{response.status}, no message"
        self.lost_submit(tab)
        try:
            reloaded = self.http("GET", "/page")
        except Bounced:
            self.explicit_login()
            self.load_page(tab)
            return
        self.counts["csrf_failures"] += 1
        messages = self.stats["csrf_messages"]
        messages[message] = messages.get(message, 0) + 1
        self.open_page(tab, reloaded)

    def lost_submit(self, tab):
        self.counts["lost_submits"] += 1
        self.lose_edits(tab)

    def close(self, tab):
        """The user closes a tab: its page goes, its edits are discarded (not
        lost). Closing the last open tab quits the browser: it forgets every
        cookie without an expiry (a browser-session cookie; never the remember
        cookie)."""
        if tab not in self.pages:
            return  # SPEC 2: closing a closed page does nothing
        del self.pages[tab]
        if self.pages:
            return
        dropped = [k for k, (_, exp) in self.cookies.items() if exp is None]
        for k in dropped:
            del self.cookies[k]
        if self.site.session_cookie in dropped:
            self.closed_since = True


def read_trace(path):
    """The canonical CSV (`user,time_ms,kind[,tab]`), in time order (stable:
    equal instants keep file order): a list of (time_ms, user, kind, tab)."""
    events = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().strip()
        assert header in ("user,time_ms,kind", "user,time_ms,kind,tab"), header
        for line in f:
            if line.strip():
                user, t, kind, *tab = line.strip().split(",")
                events.append((int(t), user, kind, int(tab[0]) if tab else 0))
    events.sort(key=lambda e: e[0])
    return events
