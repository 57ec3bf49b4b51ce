"""Settings for SCP Studio, read from the environment.

DJANGO_DEBUG, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (a SQLite
file in the project folder by default; PostgreSQL when it names one).

Serving over HTTPS (README, "Production"): DJANGO_HTTPS, DJANGO_SSL_REDIRECT,
DJANGO_HSTS_SECONDS, DJANGO_HSTS_INCLUDE_SUBDOMAINS, DJANGO_HSTS_PRELOAD,
DJANGO_PROXY_SSL_HEADER and DJANGO_CSRF_TRUSTED_ORIGINS. Each is off unless set, so
development and the tests run over plain HTTP as before.

Signing in (README, "Signing in and API rates"): DJANGO_LOGIN_FAILURE_LIMIT,
DJANGO_LOGIN_LOCK_MINUTES, DJANGO_TRUSTED_PROXIES, DJANGO_API_RATE_ANON and
DJANGO_API_RATE_USER.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY, or DJANGO_DEBUG=1 for the development default."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.")
    return int(value)


def _env_rate(name: str, default: str) -> str | None:
    """An API rate such as `300/minute`; `off` for none."""
    value = os.environ.get(name, default).strip().lower()
    if value == "off":
        return None
    if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", value):
        raise ImproperlyConfigured(
            f"{name} is a number of requests per second, minute, hour or day, such as "
            f"300/minute, or off; not {value!r}."
        )
    return value


def _proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """`X-Forwarded-Proto` -> ("HTTP_X_FORWARDED_PROTO", "https"): the header the proxy
    sets to `https` on the requests that reached it over TLS."""
    name = name.strip()
    if not name:
        return None
    if not re.fullmatch(r"[A-Za-z0-9-]+", name):
        raise ImproperlyConfigured(
            f"DJANGO_PROXY_SSL_HEADER names a header, such as X-Forwarded-Proto, not {name!r}."
        )
    return ("HTTP_" + name.upper().replace("-", "_"), "https")


ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

# HTTPS. DJANGO_HTTPS=1 says the site is reached over HTTPS only (directly or through a
# TLS-terminating proxy): cookies are sent over HTTPS only and plain HTTP is redirected.
SERVED_OVER_HTTPS = _env_bool("DJANGO_HTTPS", False)
SESSION_COOKIE_SECURE = SERVED_OVER_HTTPS
CSRF_COOKIE_SECURE = SERVED_OVER_HTTPS
SECURE_SSL_REDIRECT = _env_bool("DJANGO_SSL_REDIRECT", SERVED_OVER_HTTPS)
SECURE_HSTS_SECONDS = _env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_bool("DJANGO_HSTS_PRELOAD", False)
# Behind a proxy, Django sees plain HTTP unless the proxy says otherwise; set only when
# the proxy always sets (overwrites) this header, or a client could claim HTTPS itself.
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(os.environ.get("DJANGO_PROXY_SSL_HEADER", ""))
# Origins (https://name[:port]) allowed to POST when the proxy hands Django another host
# name than the browser used.
CSRF_TRUSTED_ORIGINS = _env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Asking browsers to preload HSTS binds the whole registrable domain for months: that is
# the domain owner's decision (DJANGO_HSTS_PRELOAD=1), not a default, so Django's reminder
# about it is silenced while it is off.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "catalog",
    "scpstudio.checks",
    "scpstudio.policies",
    "scpstudio.editor",
    "axes",
    "scpstudio.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "scpstudio.rest.body_limit.ApiBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "scpstudio.security.ContentSecurityPolicyMiddleware",
    # After the others, as django-axes asks: it turns a locked sign-in into the page that
    # says so.
    "axes.middleware.AxesMiddleware",
    # innermost, so that it sees a view's database error first: 503 with a sentence, not 500
    "scpstudio.database_busy.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "scpstudio.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # Parsed templates are cached (Django resets the cache when a template
            # file changes under runserver); partials resolve `page.html#name`.
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": [
                "template_partials.templatetags.partials",
                "django_htmx.templatetags.django_htmx",
            ],
        },
    }
]

WSGI_APPLICATION = "scpstudio.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}

# SQLite under concurrent writes (README, "Several people at once"). A transaction that
# reads and then writes (each save checks a name, then writes) would otherwise take the
# write lock only at its first write, and when another worker holds it SQLite answers
# "database is locked" at once instead of waiting. So every transaction takes the write
# lock at its start (IMMEDIATE) and waits up to `timeout` seconds for it; WAL lets
# readers go on while one writer writes, and synchronous=NORMAL is the usual setting
# for WAL (a commit survives a crash of the application; a power cut or an OS crash may
# undo the last commits, never corrupt the file).
SQLITE_BUSY_TIMEOUT = 20  # seconds, under gunicorn's 30 s worker timeout
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": SQLITE_BUSY_TIMEOUT,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# One login page for people and the admin alike (/accounts/login/). A login whose `next`
# is refused (another site) goes to the app's home page rather than Django's default
# /accounts/profile/, which is no page; logging out lands there too.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Uploaded catalog pages and policies are small; refuse anything larger early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The editor posts one field per checked action; 50 statements of a large service
# can reach several thousand.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 200,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Every API view signs in the same ways (README, "Tokens"); a 401 names the scheme tried.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "scpstudio.accounts.authentication.TokenAuthentication",
        "scpstudio.accounts.authentication.BasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "scpstudio.accounts.throttles.AnonRateThrottle",
        "scpstudio.accounts.throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _env_rate("DJANGO_API_RATE_ANON", "300/minute"),
        "user": _env_rate("DJANGO_API_RATE_USER", "1200/minute"),
    },
}

# -- Accounts: sign-in locks, API rates, the shared cache (README, "Signing in") ---------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked sign-in before any check
    "django.contrib.auth.backends.ModelBackend",
]
# Counts in the database, so every app server sees the same failures.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = _env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("DJANGO_LOGIN_LOCK_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = "scpstudio.accounts.lockout.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "scpstudio.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "scpstudio.accounts.lockout.client_ip"
# Tries while locked are not counted, so the end time a locked person is told holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success does not wipe the failures: it would wipe those of the address too, and let one
# valid account reset the count between guesses at another.
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not logged: the table would only grow
# How many proxies in front of the app append to X-Forwarded-For (nginx's
# $proxy_add_x_forwarded_for): the client address is the one the outermost proxy saw.
# 0 (the default) uses the connection's address and ignores the header.
TRUSTED_PROXIES = _env_int("DJANGO_TRUSTED_PROXIES", 0)

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Seen by every app server: a table in the database (made by migrate, accounts 0002).
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "scp_shared_cache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}
# One error shape for every API, catalog and library alike (scpstudio/rest/errors.py).
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "scpstudio.rest.errors.api_exception_handler"

SPECTACULAR_SETTINGS = {
    "TITLE": "SCP Studio API",
    "DESCRIPTION": "Catalog, validation and preview of Huawei Cloud service control policies.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the sidecar package, served by whitenoise: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name for a choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {
        "OutcomeEnum": "scpstudio.checks.serializers.OUTCOME_CHOICES",
        "SeverityEnum": "scpstudio.policies.library_serializers.SEVERITY_CHOICES",
    },
}

# -- Catalog sync from Huawei IAM's authorization schemas (catalog/huawei.py) --------------
# The SDK's own environment variables carry the credentials (HUAWEICLOUD_SDK_AK, _SK).
CATALOG_SYNC_ENDPOINT = os.environ.get("CATALOG_SYNC_ENDPOINT", "https://iam.myhuaweicloud.com")
CATALOG_SYNC_TIMEOUT = float(_env_int("CATALOG_SYNC_TIMEOUT", 30))
CATALOG_SYNC_RETRIES = _env_int("CATALOG_SYNC_RETRIES", 3)  # after a 429, at most 10
CATALOG_SYNC_BACKOFF = 1.0  # seconds before the first retry, doubled before each next
# Which saved policies name a catalog name (the catalog app may not import the policies app).
CATALOG_USAGE_FINDER = "scpstudio.policies.catalog_usage.policies_naming"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
