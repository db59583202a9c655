"""Django settings for fcatlas.

Everything a deployment changes comes from the environment:
- ``DATABASE_URL``: PostgreSQL for multi-user production (``postgres://user@host:5432/name``);
  unset, an embedded SQLite database under ``var/``.
- ``FCATLAS_SECRET_KEY``: unset, a key is generated once and kept in ``var/secret_key``.
- ``FCATLAS_DEBUG=1``: Django's debug pages (never in production).
- ``FCATLAS_ALLOWED_HOSTS``: comma-separated host names.
- ``FCATLAS_DATA_DIR`` / ``FCATLAS_VAR_DIR``: the shipped data and the writable state.
- ``FCATLAS_HTTPS=1``: the site is served over HTTPS (behind a proxy that sets ``X-Forwarded-Proto``): HTTP is
  redirected, HSTS is sent, and the session and CSRF cookies are sent over HTTPS only.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

PROJECT_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("FCATLAS_DATA_DIR", PROJECT_DIR / "data"))
VAR_DIR = Path(os.environ.get("FCATLAS_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("FCATLAS_SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("FCATLAS_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("FCATLAS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "fcatlas.atlas",
    "fcatlas.reference",
    "fcatlas.registry",
    "fcatlas.survey",
    "fcatlas.support",
    "fcatlas.planning",
    "fcatlas.reports",
    "fcatlas.accounts",
    "fcatlas.api",
]

# Long work (mailings, big imports) runs as tasks in the database, done by `fcatlas db-worker` (started by
# `fcatlas serve`), never inside a request.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMPORT_JOB_ROWS = int(os.environ.get("FCATLAS_IMPORT_JOB_ROWS", "1000"))
"""An import that writes this many units or more runs as a job (10 000 take about 4 s: too long for a request)."""

# "Hitta familjecentral" looks addresses up only where a Nominatim-compatible search URL is configured
# (e.g. https://nominatim.example.se/search); postcodes and place names never need it.
GEOCODER_URL = os.environ.get("FCATLAS_GEOCODER_URL", "")

# Where visitors write (the contact page, the accessibility statement); an address ending in .example is shown as
# the demo installation's placeholder.
CONTACT_EMAIL = os.environ.get("FCATLAS_CONTACT_EMAIL", "fcatlas@kontakt.example")

# Mail: SMTP when FCATLAS_SMTP_HOST is set, else every message is written to var/mail/ to be read there.
if os.environ.get("FCATLAS_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["FCATLAS_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("FCATLAS_SMTP_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("FCATLAS_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("FCATLAS_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("FCATLAS_SMTP_TLS") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("FCATLAS_FROM_EMAIL", "Kartläggning av familjecentraler <kartlaggning@fcatlas.localhost>")
SITE_URL = os.environ.get("FCATLAS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
"""The address links in e-mails point to."""

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "fcatlas.atlas.middleware.permissions_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fcatlas.atlas.middleware.refuse_oversized_bodies",
    "fcatlas.atlas.middleware.refuse_nul_characters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fcatlas.atlas.middleware.public_pages_language",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

MAX_REQUEST_BYTES = 12 * 1024 * 1024
"""A request body larger than this is refused (413) before it is read: the largest upload is 10 MB."""

# Security. Behind HTTPS (FCATLAS_HTTPS=1) every cookie is secure and HSTS tells browsers never to use HTTP.
HTTPS = os.environ.get("FCATLAS_HTTPS") == "1"
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False
SILENCED_SYSTEM_CHECKS = ["security.W021"]
"""HSTS preloading commits the whole registrable domain (an agency's, not ours) to HTTPS in every browser for
good: that is the domain owner's decision, so fcatlas does not ask for it."""
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_AGE = 8 * 3600
"""A working day: a session left open on a shared computer ends by itself."""
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No script but our own files (no inline script anywhere); styles may be inline because the figures are
# matplotlib SVG with style attributes and the legends colour their swatches inline.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": [SELF], "script-src": [SELF], "style-src": [SELF, UNSAFE_INLINE], "img-src": [SELF, "data:"],
    "connect-src": [SELF], "font-src": [SELF], "object-src": [NONE], "base-uri": [SELF], "form-action": [SELF],
    "frame-ancestors": [NONE],
}}
PERMISSIONS_POLICY = ("geolocation=(self), camera=(), microphone=(), payment=(), usb=(), serial=(), bluetooth=(), "
                      "interest-cohort=()")
"""Only the position, for "Använd min position" on Hitta familjecentral; nothing else a page could ask for."""

# Logins: five failures for one user name from one address lock that pair out for 15 minutes (django-axes); every
# login, failure and lockout is in the audit log (accounts.audit).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

ROOT_URLCONF = "fcatlas.urls"
WSGI_APPLICATION = "fcatlas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'fcatlas.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # BEGIN IMMEDIATE takes the write lock when a transaction starts, so two
    # simultaneous edits queue (up to `timeout` seconds) and the second one meets
    # the version check (409) instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The tests use a file as production does: an in-memory database shares one cache between
    # threads and locks tables without waiting, which is not how the site behaves.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# Answers and map layers cached per data version (planning.answers, api.responses), in each worker's memory. A map
# asks for many views (bbox); the oldest entries go first once 500 are held.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 500}}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English"), ("ar", "العربية")]
LOCALE_PATHS = [PROJECT_DIR / "src" / "fcatlas" / "locale"]
"""The translations of the public pages (`.po` in the repository, `.mo` compiled by `make install`)."""
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-units"
LOGOUT_REDIRECT_URL = "start"

STATIC_URL = "static/"
# WhiteNoise serves straight from the apps' static folders: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
