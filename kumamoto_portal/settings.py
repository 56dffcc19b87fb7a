"""Settings for the Kumamoto metro-area vision & KPI portal.

Everything that differs between machines comes from the environment (see .env.example);
nothing exists only in production.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from vision import logs

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    EMAIL_URL=(str, "consolemail://"),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
# The development key is only accepted with DEBUG on; a deployment must set SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only" if DEBUG else environ.Env.NOTSET)
# With DEBUG off, a key that anyone can read (the repository's placeholders) or guess is refused outright.
_EXAMPLE = BASE_DIR / ".env.example"
PLACEHOLDER_SECRET_KEYS = {"change-me"} | {
    line.split("=", 1)[1].strip().lower()
    for line in (_EXAMPLE.read_text(encoding="utf-8").splitlines() if _EXAMPLE.exists() else [])
    if line.startswith("SECRET_KEY=")
}
if not DEBUG and (
    SECRET_KEY.lower() in PLACEHOLDER_SECRET_KEYS or SECRET_KEY.startswith("django-insecure-") or len(SECRET_KEY) < 16
):
    raise ImproperlyConfigured(
        "SECRET_KEY is a placeholder or too short for DEBUG=false; set a long random value, e.g. "
        "python -c 'from django.core.management.utils import get_random_secret_key; print(get_random_secret_key())'"
    )
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")
# The portal's public origin, e.g. https://portal.example.jp: every absolute URL it hands out (embed snippets,
# canonical links) starts with it, whatever Host the request came in on. Unset: the request's own origin.
PORTAL_ORIGIN = env("PORTAL_ORIGIN", default="").rstrip("/")
if PORTAL_ORIGIN and not re.fullmatch(r"https?://[^/?#\s]+", PORTAL_ORIGIN):
    raise ImproperlyConfigured("PORTAL_ORIGIN is a scheme and a host only, e.g. https://portal.example.jp")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    # django.contrib.staticfiles, leaving out the API's assets the portal never serves (api/apps.py).
    "api.apps.StaticFilesConfig",
    "django.contrib.humanize",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "django_rq",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "vision",
    "agreements",
    "kpi",
    "committee",
    "api",
]

MIDDLEWARE = [
    "vision.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything that answers: a CORS preflight to /api/ is answered here.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vision.middleware.PublicPageCacheMiddleware",
    "vision.middleware.PrivatePageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the database: NUL in a lookup is a 500 on PostgreSQL.
    "vision.middleware.ControlCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "kumamoto_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vision.context_processors.current_area",
            ],
        },
    },
]

# The area that /ja/ and /en/ show, and where today's area-less URLs redirect (issue 12).
DEFAULT_AREA = env.str("DEFAULT_AREA", default="kumamoto")

WSGI_APPLICATION = "kumamoto_portal.wsgi.application"

# SQLite when DATABASE_URL is unset, PostgreSQL (or anything dj-database-url style) when it names one.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis (README: 本番運用), e.g. redis://127.0.0.1:6379/0: Django's cache, shared by every app server, and the
# queue of background jobs. Unset (`make run`): each process keeps its own local-memory cache and jobs run inline.
REDIS_URL = env("REDIS_URL", default="")
# Seconds a Redis command may take before the cache or the health check gives up on it.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=2.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # RQ's keys start with "rq:"; the cache's with this, so neither overwrites the other.
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public pages rendered for anonymous visitors are kept in the cache this many seconds (0: never), keyed by URL and
# served only at the public data version they were rendered at (vision.middleware.PublicPageCacheMiddleware); a
# change to the data retires them at once.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=24 * 60 * 60)
# The release those pages were rendered by, in their key and in their ETag beside the data version (vision.release),
# so a deploy retires the old code's pages even without a migrate: e.g. the git commit, the same on every app server.
# Unset: a fingerprint of the installed code, templates, translations and static files, computed once per process.
RELEASE_ID = env.str("RELEASE_ID", default="").strip()
if RELEASE_ID and not re.fullmatch(r"[A-Za-z0-9._+-]{1,64}", RELEASE_ID):
    raise ImproperlyConfigured("RELEASE_ID is up to 64 letters, digits and ._+- (e.g. a git commit)")

# Background jobs (django-rq, vision/jobs.py). Jobs are queued once the request's transaction commits, so a worker
# never looks for rows that are not there yet; JOB_TIMEOUT_SECONDS is how long one job may run.
RQ_QUEUES = (
    {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": env.int("JOB_TIMEOUT_SECONDS", default=3600)}}
    if REDIS_URL
    else {}
)
RQ = {"COMMIT_MODE": "on_db_commit"}
# An admin import of more rows than this is written by a background job, with a progress page (vision.jobs).
IMPORT_JOB_THRESHOLD = env.int("IMPORT_JOB_THRESHOLD", default=2_000)
# The RQ dashboard stays out of the admin until it asks vision.roles like every other admin screen.
RQ_SHOW_ADMIN_LINK = False

# AxesStandaloneBackend counts failed logins (it needs the request: tests use force_login, not login).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Japanese first; English through Django's i18n, chosen by URL prefix (/ja/, /en/).
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default="") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Swagger UI's source maps (megabytes, read only by a developer's browser tools) are served as they are.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

EMAIL_CONFIG = env.email_url("EMAIL_URL")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal@localhost")

# Logs: JSON lines (LOG_FORMAT=text for people) on stderr, each with its request id; errors also mailed to
# ADMINS ("Name <mail>, …") when set.
ADMINS = logs.parse_admins(env("ADMINS", default=""))
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
LOGGING = logs.logging_config(env("LOG_LEVEL", default="INFO"), env("LOG_FORMAT", default="json"), bool(ADMINS))

IMPORT_EXPORT_USE_TRANSACTIONS = True

SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)

# HTTPS: off by default so a local run works; production turns them on (README, .env.example).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# A load balancer probes /health/ over plain HTTP on the app server's own port.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# "HTTP_X_FORWARDED_PROTO,https": only behind a proxy that sets that header on every request.
SECURE_PROXY_SSL_HEADER = tuple(env.list("SECURE_PROXY_SSL_HEADER", default=[])) or None
if SECURE_PROXY_SSL_HEADER and len(SECURE_PROXY_SSL_HEADER) != 2:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER is a header and a value, e.g. HTTP_X_FORWARDED_PROTO,https")
SECURE_CONTENT_TYPE_NOSNIFF = env.bool("SECURE_CONTENT_TYPE_NOSNIFF", default=True)
SECURE_REFERRER_POLICY = env("SECURE_REFERRER_POLICY", default="same-origin")

# Enforced, with no inline script and no nonce, so a page cached for everyone stays valid. plotly.js writes
# inline styles and draws its PNG download through data: and blob: images. The embed page allows any frame.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# Login throttling (django-axes): AXES_FAILURE_LIMIT wrong passwords lock that username from that address for
# AXES_COOLOFF_MINUTES; the same username from elsewhere still logs in, so nobody can lock `admin` out.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vision.views.locked_out"
# Behind reverse proxies: CLIENT_IP_HEADER names the header they append the client's address to, and
# TRUSTED_PROXY_COUNT says how many append; the address the outermost one saw is the client's. django-ipware
# counts only the proxies listed in the header (one proxy in front lists none), and with IPWARE_STRICT off it
# reads from the right, so addresses a client forges in front of the real one are skipped.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if CLIENT_IP_HEADER else 0)
if CLIENT_IP_HEADER and TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("CLIENT_IP_HEADER needs TRUSTED_PROXY_COUNT of 1 or more (the proxies in front).")
AXES_IPWARE_META_PRECEDENCE_ORDER = (CLIENT_IP_HEADER, "REMOTE_ADDR") if CLIENT_IP_HEADER else ("REMOTE_ADDR",)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1 if CLIENT_IP_HEADER else None
IPWARE_STRICT = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "legacy:workspace"  # the workspace of the user's area

# The public read API (/api/v1/, README: API). JSON only (no browsable API), session authentication only (no
# tokens), read-only. Anonymous callers are throttled by their real address (the same reading as django-axes,
# CLIENT_IP_HEADER and TRUSTED_PROXY_COUNT above); signed-in staff are not.
API_ANONYMOUS_RATE = env("API_ANONYMOUS_RATE", default="600/minute")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousAddressThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anonymous": API_ANONYMOUS_RATE},
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "熊本連携中枢都市圏ポータル API / Kumamoto metro-area portal API",
    "DESCRIPTION": (
        "公開データの読み取り専用 API。数値は公開済みの値だけ（訂正待ちの値は公開中の値）。"
        "判定はポータルによる機械的な判定で、委員会の評価ではありません。\n\n"
        "A read-only API of the portal's public data: published figures only (for a value with a pending "
        "correction, the published figure). Judgements are the portal's mechanical judgements, not the committee's."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.document_other_answers"],
}
# GET from any origin, without credentials: a cross-origin caller is always anonymous and sees published figures.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_EXPOSE_HEADERS = ("ETag",)
