"""A small real Flask application whose session behaviour Lapse claims to model.

It is an ordinary Flask app (Flask, Flask-WTF's CSRFProtect, Flask-Login's
remember me, optionally Flask-Session's cachelib file store) configured from a
JSON object of Flask settings. The replay driver (replay.py) plays traces
against it as a browser would.

Settings (keys of the JSON object; SPEC section 7 maps each to a Lapse policy):
- PERMANENT_SESSION_LIFETIME: seconds.
- SESSION_REFRESH_EACH_REQUEST: bool.
- "session.permanent": bool, set on the session at every login (cookie sessions).
- SESSION_TYPE: null (Flask's signed cookie) or "cachelib" (Flask-Session's
  server-side store on cachelib's FileSystemCache); SESSION_PERMANENT: bool,
  Flask-Session's own flag for new sessions.
- WTF_CSRF_ENABLED: bool; WTF_CSRF_TIME_LIMIT: seconds or null (no limit).
- "remember_me": bool, whether the login form's "remember me" box exists;
  REMEMBER_COOKIE_DURATION: seconds.
- "exported_config": optional path of the settings file `lapse export
  --target flask` wrote for a policy, loaded with `app.config.from_pyfile` as
  an app loads its settings: what it sets (the session lifetime, the refresh
  flag, Flask-Session's store and flag, the CSRF limit, the remember-me
  duration) overrides the values above, which are then Flask's own defaults.
- Two app details the SPEC's mapping relies on, on by default; the parity
  test switches each off once to show that it matters:
  "csrf_error_flash" (the CSRF error handler flashes its message, a session
  write) and "restore_permanent" (a session restored from the remember cookie
  is made permanent like a fresh login).

Instrumentation. The app tells the driver what it did in response headers
(nothing else about the app depends on them):
- X-Lapse-Restored: Flask-Login restored the user from the remember cookie
  (the one thing a browser cannot see).

The form is posted by the page's script (fetch), as Lapse models it: a saved
submit answers JSON and the page stays, with its CSRF token; a refused one
answers 400 and the script reloads the page. A request without a login is
redirected to the login page by Flask-Login, as usual.
"""

from datetime import timedelta

from flask import (
    Flask,
    flash,
    g,
    get_flashed_messages,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import (
    LoginManager,
    UserMixin,
    login_required,
    login_user,
    user_loaded_from_cookie,
)
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from markupsafe import escape

PASSWORD = "correct horse"


class User(UserMixin):
    def __init__(self, user_id):
        self.id = user_id


def create_app(settings, store_dir=None):
    """The app for one policy. `store_dir` holds Flask-Session's file store."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="lapse parity secret",
        PERMANENT_SESSION_LIFETIME=timedelta(
            seconds=settings["PERMANENT_SESSION_LIFETIME"]
        ),
        SESSION_REFRESH_EACH_REQUEST=settings["SESSION_REFRESH_EACH_REQUEST"],
        WTF_CSRF_ENABLED=settings["WTF_CSRF_ENABLED"],
        WTF_CSRF_TIME_LIMIT=settings["WTF_CSRF_TIME_LIMIT"],
        REMEMBER_COOKIE_DURATION=timedelta(
            seconds=settings.get("REMEMBER_COOKIE_DURATION") or 365 * 86400
        ),
    )
    if settings.get("exported_config"):
        app.config.from_pyfile(settings["exported_config"])
        store = app.config.get("SESSION_TYPE")
        # Flask-Session's default for SESSION_PERMANENT is True.
        store_permanent = app.config.get("SESSION_PERMANENT", True)
    else:
        store = settings.get("SESSION_TYPE")
        store_permanent = settings.get("SESSION_PERMANENT")
    permanent = settings["session.permanent"]
    if store == "cachelib":
        from cachelib.file import FileSystemCache
        from flask_session import Session

        # threshold=0: never evict live entries to make room (the default 500
        # would prune sessions of a large replay, which no policy models).
        app.config.update(
            SESSION_TYPE="cachelib",
            SESSION_PERMANENT=store_permanent,
            SESSION_CACHELIB=FileSystemCache(store_dir, threshold=0),
        )
        Session(app)
        permanent = store_permanent

    CSRFProtect(app)
    login_manager = LoginManager(app)
    login_manager.login_view = "login"

    @login_manager.user_loader
    def load_user(user_id):
        return User(user_id)

    @user_loaded_from_cookie.connect_via(app)
    def restored(sender, user):
        # SPEC 7: a restored session gets the same `permanent` flag as a
        # fresh login, or it would fall back to non-permanent rules.
        if settings.get("restore_permanent", True):
            session.permanent = permanent
        g.restored = True

    @app.after_request
    def report(response):
        if g.get("restored"):
            response.headers["X-Lapse-Restored"] = "1"
        return response

    def flashes():
        # Shown on every page, as most apps do; reading them pops them (a write).
        return "".join(f"<p>{escape(m)}</p>" for m in get_flashed_messages())

    def csrf_field():
        if not app.config["WTF_CSRF_ENABLED"]:
            return ""
        return f'<input type="hidden" name="csrf_token" value="{generate_csrf()}">'

    @app.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "POST" and request.form.get("password") == PASSWORD:
            login_user(
                User(request.form["user"]),
                remember=settings["remember_me"] and "remember" in request.form,
            )
            session.permanent = permanent
            return redirect(url_for("page"))
        remember = (
            '<input type="checkbox" name="remember"> Remember me'
            if settings["remember_me"]
            else ""
        )
        return (
            f"{flashes()}<form method=post>{csrf_field()}"
            '<input name="user"><input name="password" type="password">'
            f"{remember}</form>"
        )

    @app.route("/page")
    @login_required
    def page():
        # Rendering the form's CSRF token writes the CSRF secret into the
        # session the first time (Flask-WTF's generate_csrf).
        return f"{flashes()}<form method=post action=/submit>{csrf_field()}</form>"

    @app.route("/api")
    @login_required
    def api():
        return {"ok": True}

    @app.route("/submit", methods=["POST"])
    @login_required
    def submit():
        # Saving the form records something in the session: a modification.
        session["saved"] = session.get("saved", 0) + 1
        return {"saved": session["saved"]}

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        # Shown on the page the script reloads. The flash writes the session
        # (docs/semantics.md relies on it: a refused submit still modifies it).
        if settings.get("csrf_error_flash", True):
            flash(e.description)
        return {"csrf_error": e.description}, 400

    return app
