"""Settings for the clinic project.

Everything is read from the environment (or a local, git-ignored ``.env`` file) through
django-environ; ``.env.example`` lists and explains every variable. The defaults are the
safe ones: ``DEBUG`` is off unless set, and outside debug a strong ``SECRET_KEY`` and
``ALLOWED_HOSTS`` are required.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# ENV_FILE lets tests and tools point at another file (or none) than the local .env.
ENV_FILE = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)

# Debug gets a throwaway key so `manage.py` works at once; production must bring its own.
_DEV_ONLY_SECRET_KEY = "django-insecure-dev-only-key-never-use-this-outside-debug"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_ONLY_SECRET_KEY if DEBUG else "")
if not DEBUG:
    # The same test Django's check --deploy applies (security.W009), made fatal: a
    # missing or guessable key would let anyone forge sessions and password-reset links.
    if not SECRET_KEY:
        raise ImproperlyConfigured("Set SECRET_KEY: it is required when DEBUG is off.")
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak: use at least 50 random characters "
            "(for example from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [],
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS: it is required when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Two-factor sign-in. Before "clinic" so clinic.admin can take their devices (and the
    # secrets in them) out of the admin: the admin loads each app's admin in this order.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "clinic",
    "intake",
    "bookings",
    "library",
    "clinic.pages",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "phonenumber_field",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session entered a one-time code?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions' idle and absolute limits, and the per-user list of sessions.
    "clinic.security.middleware.SessionPolicyMiddleware",
    # Until a code is entered, a two-factor account reaches only set-up, code and log-out.
    "clinic.security.middleware.TwoFactorMiddleware",
    # A NUL character in any form value or search: a 400 page, before any view.
    "clinic.middleware.RefuseNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "clinic.middleware.DatabaseBusyMiddleware",
    "clinic.sites.ServedAtMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"
ASGI_APPLICATION = "clinic.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# No DATABASE_URL: a local SQLite file, the zero-setup default for trying the product.
# postgres://user:pass@host:5432/name: PostgreSQL through psycopg 3, for production.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when the transaction starts, so an availability
    # check and the booking written after it cannot interleave with another writer's;
    # a waiting writer gives up only after the timeout (then: "please try again").
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_TIMEOUT", default=20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Without persistent connections every request pays for a new connection.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "clinic.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses log-ins for a while after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Guessing passwords on accounts that hold health data: after AXES_FAILURE_LIMIT failures
# for one e-mail address from one IP address, that pair waits AXES_COOLOFF_MINUTES.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Django's log-in form calls the e-mail field "username".
AXES_USERNAME_FORM_FIELD = "username"
# Failures and lockouts count per lower-cased address, as log-in matches it.
AXES_USERNAME_CALLABLE = "clinic.access.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- Internationalisation and time ------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en-gb")
# The server's zone for the admin and logs; each location shows times in its own zone.
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Uploaded clinical documents live outside any web-served folder and are only streamed by
# views that check access; there is deliberately no MEDIA_URL route.
MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

# --- E-mail -----------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587; default prints to the console.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Back in Balance Clinic <clinic@example.com>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
ADMINS = [("Clinic admin", a) for a in env.list("ADMINS", default=[])]
# Absolute links in e-mails and calendar feeds (no request is at hand in a worker).
# Reverting a record to an old version from its history would skip the checks the pages
# make (availability, health gate, account links): history is for reading.
SIMPLE_HISTORY_REVERT_DISABLED = True

# How long an e-mailed sign-up, invitation or address-confirmation link stays valid.
ACCOUNT_LINK_MAX_AGE_HOURS = env.int("ACCOUNT_LINK_MAX_AGE_HOURS", default=48)
# Where links in e-mails and calendar feeds point (clinic.sites builds them all). Unset,
# it is this machine on $PORT (which `make run` passes on), and in debug each link made
# while serving a page follows the address that page was served at.
_SITE_URL_SET = env.str("SITE_URL", default="")
_PORT = env.int("PORT", default=8000)
SITE_URL = (_SITE_URL_SET or f"http://127.0.0.1:{_PORT}").rstrip("/")
SITE_URL_FROM_REQUEST = env.bool("SITE_URL_FROM_REQUEST", default=DEBUG and not _SITE_URL_SET)
CLINIC_NAME = env.str("CLINIC_NAME", default="Back in Balance Clinic")
# The sign shown before every price (pages, e-mails, receipts): the `money` filter.
CLINIC_CURRENCY = env.str("CLINIC_CURRENCY", default="£")
# Clients' phone numbers: typed as people say them (national numbers read in this
# region), stored in E.164 so that search and duplicates do not depend on spaces, shown
# in national format for numbers of this region (``clinic.phones``).
CLINIC_PHONE_REGION = env.str("CLINIC_PHONE_REGION", default="GB")
PHONENUMBER_DEFAULT_REGION = CLINIC_PHONE_REGION
PHONENUMBER_DB_FORMAT = "E164"
# str() of a number: unambiguous whatever its country (pages use the `phone` filter).
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# --- Background tasks -------------------------------------------------------------------
# The Django Tasks API with its database backend: no broker, and `manage.py db_worker`
# can run on several machines. Tests run tasks immediately.
# In debug with no TASKS_BACKEND set, tasks run straight away in the web process, so
# `make run` sends its e-mails with no worker running (to the console backend).
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND",
            default=(
                "django_tasks.backends.immediate.ImmediateBackend"
                if DEBUG
                else "django_tasks_db.DatabaseBackend"
            ),
        ),
    }
}

# --- Closing an account (docs/security.md, "Closing an account") ------------------------
# Years after closure that appointments and their prices (the accounting records) are kept.
CLOSURE_RECORDS_KEEP_YEARS = env.int("CLOSURE_RECORDS_KEEP_YEARS", default=10)
# Years after closure that the health-data access log (who read the record) is kept.
CLOSURE_ACCESS_LOG_KEEP_YEARS = env.int("CLOSURE_ACCESS_LOG_KEEP_YEARS", default=6)
# Keep the client's name on the kept appointments (receipts name the customer).
CLOSURE_KEEP_NAME_ON_RECORDS = env.bool("CLOSURE_KEEP_NAME_ON_RECORDS", default=True)

# Hours before a visit the reminder (with the "has anything changed?" check-in) goes out.
BOOKINGS_REMINDER_HOURS = env.int("BOOKINGS_REMINDER_HOURS", default=24)

# --- Security ---------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content security policy (django-csp): scripts, styles, fonts and images come only from
# this site, so an injected <script> or outside resource does not run. Inline style
# attributes stay allowed for the Django admin's widgets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Health data: sessions end when idle for two weeks at most (Django's default) or earlier.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 24 * 14)
# Staff (anyone who reaches many clients' records) are signed out after this many minutes
# without a request, and this many hours after signing in, whatever they do.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
STAFF_SESSION_MAX_HOURS = env.int("STAFF_SESSION_MAX_HOURS", default=12)

# Two-factor sign-in (django-otp): the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = CLINIC_NAME
# How many single-use recovery codes set-up (and "new codes") gives.
OTP_RECOVERY_CODES = 10

# The cache holds the rate-limit counters. Default: this process's memory (fine for one
# server process); with several, share one, e.g. CACHE_URL=redis://127.0.0.1:6379/1.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Rate limits: "per address, per IP address, minutes": at most that many requests for one
# e-mail address (or signed-in account), and from one IP address, in that many minutes.
# Only sending a form (POST) counts. Over the limit: a "try again in N minutes" page (429).
RATE_LIMITS = {
    name: env.str(f"RATE_LIMIT_{name.upper()}", default=default)
    for name, default in {
        "signup": "5,20,60",
        "password_reset": "5,20,60",
        "invitation": "5,50,60",
        "confirm_email": "5,20,60",
        "intake": "30,200,60",
        "booking": "30,300,60",
    }.items()
}
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# --- Forms ------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The PDF of a client's copy: its progress steps are noise.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
