"""A small real Django application whose session behaviour Lapse claims to model.

An ordinary Django project in one module: database sessions on SQLite,
`django.contrib.auth` login (`login()` cycles the session key and rotates the
CSRF token), the CSRF middleware enforced, the messages framework on the
session, and the routes of the Flask app: /login, /page (renders the form's
CSRF token and shows the messages), /api, /submit (the handler writes the
session).

Configured from a JSON object (SPEC section 7 maps each to a Lapse policy):
- SESSION_COOKIE_AGE: seconds; SESSION_SAVE_EVERY_REQUEST: bool;
  SESSION_EXPIRE_AT_BROWSER_CLOSE: bool.
- "csrf": bool, whether CsrfViewMiddleware is in MIDDLEWARE; CSRF_USE_SESSIONS:
  bool (Django's default False keeps the secret in the csrftoken cookie).
- "exported_config": optional path of the settings module `lapse export
  --target django` wrote for a policy. Its upper-case names are loaded over
  Django's own defaults (the values above are then ignored), as a project's
  settings.py would `from .session_settings import *`.
- "csrf_failure_flash" (default true): the CSRF failure view adds a message
  (a session write), as the Flask app's error handler flashes. Off, Django's
  bare 403 page (django.views.csrf.csrf_failure) answers: a control.

The form is posted by the page's script (fetch) with the token in the
X-CSRFToken header, as Lapse models it: a saved submit answers JSON and the
page stays, with its token; a refused one answers 403 and the script reloads
the page.
"""

import runpy

PASSWORD = "correct horse"

# Django's own defaults for what the exported module may set.
DJANGO_DEFAULTS = {
    "SESSION_COOKIE_AGE": 1_209_600,
    "SESSION_SAVE_EVERY_REQUEST": False,
    "SESSION_EXPIRE_AT_BROWSER_CLOSE": False,
    "CSRF_USE_SESSIONS": False,
}


def session_settings(config):
    """The session and CSRF settings: from the exported module, or as listed."""
    if config.get("exported_config"):
        loaded = runpy.run_path(config["exported_config"])
        chosen = dict(DJANGO_DEFAULTS)
        chosen.update({k: v for k, v in loaded.items() if k.isupper()})
        return chosen
    return {k: config[k] for k in DJANGO_DEFAULTS}


def configure(config):
    """settings.configure() for one policy, then django.setup() and the tables."""
    import django
    from django.conf import settings
    from django.core.management import call_command

    middleware = [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ]
    if not config["csrf"]:
        middleware.remove("django.middleware.csrf.CsrfViewMiddleware")
    extra = {}
    if config.get("csrf_failure_flash", True):
        extra["CSRF_FAILURE_VIEW"] = "app.csrf_failure"
    settings.configure(
        DEBUG=False,
        SECRET_KEY="lapse parity secret " + "x" * 40,
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF="app",
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
        ],
        MIDDLEWARE=middleware,
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        SESSION_ENGINE="django.contrib.sessions.backends.db",
        MESSAGE_STORAGE="django.contrib.messages.storage.session.SessionStorage",
        # The replay creates its users with the cheapest hasher: password
        # checks are not what is measured.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        LOGIN_URL="/login",
        USE_TZ=True,
        **session_settings(config),
        **extra,
    )
    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0)


# ----- views (imported by Django as ROOT_URLCONF after configure()) -----------


def _views():
    from django.contrib import messages
    from django.contrib.auth import authenticate, login
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse, JsonResponse
    from django.middleware.csrf import get_token
    from django.shortcuts import redirect
    from django.urls import path
    from django.utils.html import escape

    def csrf_field(request):
        return f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'

    def shown_messages(request):
        # Shown on every page, as most apps do; reading them pops them (a write).
        return "".join(f"<p>{escape(m)}</p>" for m in messages.get_messages(request))

    def login_view(request):
        if request.method == "POST":
            user = authenticate(
                request,
                username=request.POST.get("username"),
                password=request.POST.get("password"),
            )
            if user is not None:
                login(request, user)
                return redirect("/page")
        return HttpResponse(
            f"{shown_messages(request)}<form method=post>{csrf_field(request)}"
            '<input name="username"><input name="password" type="password"></form>'
        )

    @login_required
    def page(request):
        return HttpResponse(
            f"{shown_messages(request)}<form method=post action=/submit>{csrf_field(request)}</form>"
        )

    @login_required
    def api(request):
        return JsonResponse({"ok": True})

    @login_required
    def submit(request):
        # Saving the form records something in the session: a modification.
        request.session["saved"] = request.session.get("saved", 0) + 1
        return JsonResponse({"saved": request.session["saved"]})

    urls = [
        path("login", login_view),
        path("page", page),
        path("api", api),
        path("submit", submit),
    ]
    return urls


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: shown on the page the script reloads. The message
    writes the session, as the Flask app's flash does (SPEC section 7)."""
    from django.contrib import messages
    from django.http import JsonResponse

    messages.error(request, f"The form expired: {reason}")
    return JsonResponse({"csrf_error": reason}, status=403)


def __getattr__(name):
    # Django reads `urlpatterns` only after configure(); build the views then.
    if name == "urlpatterns":
        globals()["urlpatterns"] = _views()
        return globals()["urlpatterns"]
    raise AttributeError(name)
