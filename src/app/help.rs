//! Tooltips for every field: what it does in Lapse, the framework setting it
//! models, and what the standards say. Facts from the frameworks' own sources
//! and docs, gathered in the project's research notes.

pub const SCENARIO_NAME: &str = "The scenario's name, shown in exports and `lapse run` output.";

pub const SEED: &str = "Drives every random choice (generated populations). The same seed gives the same users, so policies are compared on identical behaviour.";

pub const REPLICATES: &str = "How many times the population is drawn: 1 is a single run. With more, every number shows its 95 % interval (mean ± half-width), each policy is compared with the first one replicate by replicate, and the error bars appear on the totals. A generated population is generated again from seeds derived from the seed; a trace's users are resampled. The first replicate shows at once, the others fill in. 20 is a good number; the interval narrows with the square root of the count.";

pub const SAMPLE_USERS: &str = "Replay only this share of the users, chosen at random from the seed, and scale the totals up to the whole population, each with its 95 % interval (users are independent, so the sampling error is measured from the sampled users): a 1 % sample of a month of a large site's logs runs in seconds. How many people were hit is counted among the sampled users, not scaled. Cannot be combined with more than 1 replicate (lapse run --sample-users).";

pub const HORIZON: &str = "How long the simulation runs. Events at or after the horizon are dropped; sessions still alive end there.";

pub const AWAY_AFTER: &str = "A user whose last action is this far back counts as away.\n\n\
• A logout is \"while present\" when the session ended less than this after the user's last action.\n\
• Unattended time is time a session is alive while its user is away.\n\nSPEC default: 5m.";

pub const BUCKET: &str =
    "The width of one time-series bucket in the plots over time (SPEC default: 15m).";

pub const POPULATION: &str = "Where the users come from: generated from behaviour profiles (groups of users of one profile each), or replayed from a trace file.";

pub const GENERATED: &str = "Users generated from the scenario's profiles: the seed fixes every event, so each policy meets exactly the same people. Day 0 is a Monday.";

pub const GROUP_PROFILE: &str = "The behaviour profile this group's users follow (profiles are defined in the scenario file; see docs/generate.md).";

pub const GROUP_USERS: &str =
    "How many users this group has. Changing it leaves the other users' events as they were.";

pub const TRACE: &str = "The users to replay: a trace in the canonical CSV (`user,time_ms,kind`), relative to the scenario's folder. Drop a trace on the window to use it, or an access log (combined or common log format, CSV or JSON lines, gzipped or not): it is imported into NAME.trace.csv beside the log, as `lapse import` does.";

pub const POLICY_NAME: &str = "The policy's name; names must be unique within a scenario.";

pub const IDLE_TIMEOUT: &str = "A session expires when this long passes without a refresh (a limit L is valid while less than L has elapsed). Off: no idle expiry.\n\n\
Flask: PERMANENT_SESSION_LIFETIME (default 31 days), with session.permanent = True; the signed cookie is refused once older than it.\n\
Django: SESSION_COOKIE_AGE (default 2 weeks). Spring Session: maxInactiveInterval (30 min). ASP.NET Core session: IdleTimeout (20 min).\n\n\
Standards: OWASP Session Management Cheat Sheet: 2–5 min for high-value apps, 15–30 min for low-risk ones. NIST SP 800-63B rev 4: AAL2 idle SHOULD be ≤ 1 h, AAL3 ≤ 15 min. PCI DSS 4.0 req. 8.2.8: re-authenticate after more than 15 min idle.";

pub const ABSOLUTE_TIMEOUT: &str = "The session ends this long after login, whatever the user does. Off: no absolute limit.\n\n\
Flask and Spring Session have no absolute timeout of their own. Keycloak: SSO Session Max. Okta: maxSessionLifetimeMinutes. Entra ID: sign-in frequency.\n\n\
Standards: OWASP: 4–8 h for apps used through an office day. NIST SP 800-63B rev 4: AAL2 overall SHOULD be ≤ 24 h, AAL3 SHALL be ≤ 12 h (rev 3: 12 h at AAL2).";

pub const REFRESH: &str = "When the server moves a live session's idle deadline forward.\n\n\
• EachRequest: every request. Flask SESSION_REFRESH_EACH_REQUEST = True (the default) with a permanent session; express-session rolling: true.\n\
• OnModify: only requests that change the session (submits, extend pings, the CSRF secret). Flask with SESSION_REFRESH_EACH_REQUEST = False; Django's default (SESSION_SAVE_EVERY_REQUEST = False).\n\
• HalfWindow: a request more than half the idle window after the last refresh. ASP.NET Core cookie auth SlidingExpiration.\n\
• Never: the session lasts from its login.";

pub const BROWSER_SESSION: &str = "The session also ends when the user closes the browser.\n\n\
Flask: session.permanent = False (the default) — the cookie has no Expires. Django: SESSION_EXPIRE_AT_BROWSER_CLOSE = True. express-session without cookie.maxAge.";

pub const REMEMBER_ME: &str = "A request without a live session logs the user in again silently while less than this has passed since their last explicit login. Off: no remember-me.\n\n\
Flask-Login: REMEMBER_COOKIE_DURATION (default 365 days); the cookie is not renewed (REMEMBER_COOKIE_REFRESH_EACH_REQUEST = False by default).";

pub const CSRF: &str = "Forms carry a CSRF token bound to the session: a submit fails (and reloads the page, losing its edits) when the session changed since the page was shown, or the token is too old.\n\n\
Flask-WTF CSRFProtect: \"The CSRF token has expired\" / \"The CSRF session token is missing.\"";

pub const CSRF_TIME_LIMIT: &str = "How long a form's token stays valid. Off: the token checks the session identity only.\n\n\
Flask-WTF: WTF_CSRF_TIME_LIMIT (default 3600 s; None = as long as the session).";

pub const WARNING: &str = "The page warns the user before its client timer runs out (the timer restarts on this page's requests).\n\n\
Standards: WCAG 2.2 SC 2.2.1 (A): warn and give at least 20 seconds to extend with a simple action. SC 2.2.6 (AAA): warn about inactivity that loses data.";

pub const WARNING_LEAD: &str = "How long before the client deadline the warning shows; must be less than the idle timeout.\n\n\
NIST SP 800-63B rev 3: prompt about 2 minutes before the idle timeout. Okta shows its countdown at 5 minutes. @ng-idle: 30 s countdown by default. react-idle-timer: promptBeforeIdle.\n\
WCAG 2.2 SC 2.2.1: at least 20 seconds.";

pub const RESETS_ON: &str = "What restarts the page's client timer.\n\n\
• Requests: only this page's requests that reach a live session — the timer tracks the server.\n\
• RequestsAndActivity: also every key press, click or scroll — the classic JavaScript idle timer (react-idle-timer, @ng-idle). The server never hears of that activity, so its session can expire while the user types and no warning shows.";

pub const ON_RESPONSE: &str = "What answering the warning does.\n\n\
• Extend: a \"Stay signed in\" button sends a request that refreshes the session.\n\
• Dismiss: a plain alert(); nothing reaches the server.";

pub const KEEPALIVE: &str = "The open page pings the server every interval, but only if the user did something in the last interval — the session stays alive while someone is working, and lapses when they leave.\n\n\
@ng-idle Keepalive: interval 10 min by default, pings only while the user is active.";

pub const KEEPALIVE_INTERVAL: &str = "Time between keepalive ticks, counted from the page's view. Keep it well under the idle timeout, or a working user can still expire between pings.";

pub const ON_EXPIRY: &str = "What the open page does when its client timer runs out.\n\n\
• Lazy: nothing; the expiry is found at the user's next request (Flask's behaviour).\n\
• Redirect: the page logs the user out and closes (react-idle-timer onIdle, then logout); unsaved edits are lost unless drafts are kept.";

pub const PRESERVE_DRAFTS: &str = "Unsaved work survives re-authentication: a failed submit is resubmitted after login, and typed edits come back into the next page.\n\n\
WCAG 2.2 SC 2.2.5 (AAA): re-authenticating must not lose data.";

pub const SLIDER: &str = "Drag to try values; type an exact one in the field.";

pub const CLIENT_CLOCK: &str = "How the page's timer sees the laptop sleeping (SPEC revision 2).\n\n\
Monotonic: a plain setTimeout alert, as in the seed article: the timer pauses with the device, so after the lid opens the page still counts down from before while the server session may be long gone.\n\n\
Wall: the timer compares the wall clock with its deadline (react-idle-timer 5's timestamps, ng-idle's stored expiry, Lapse's exported lapse-session.js): at wake, a deadline that passed logs out at once and a missed warning is shown or skipped.";

pub const TAB_SYNC: &str = "One client timer for all the user's tabs, shared through browser storage (react-idle-timer's cross-tab mode, ng-idle's shared expiry, Lapse's exported lapse-session.js): activity in any tab postpones the warning, and the redirect closes every tab.\n\n\
Off: each tab's script runs alone, as a plain setTimeout alert does; a tab left alone can log the user out while they type in another.";
