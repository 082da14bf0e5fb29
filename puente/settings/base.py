"""Settings for every environment. Everything that differs between machines comes from the environment.

See README.md, "Configuration", for the list of variables.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import envbool, envint, envlist, envstr

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for a development server).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_SITE_NAME = "Puente"

INSTALLED_APPS = [
    # Puente's own apps, one per domain noun (see docs/architecture.md)
    "puente.core",
    "puente.accounts",
    "puente.taxonomy",
    "puente.organizations",
    "puente.practices",
    "puente.commitments",
    "puente.programmes",
    "puente.groups",
    "puente.events",
    "puente.resources",
    "puente.news",
    "puente.contributions",
    "puente.assessments",
    "puente.search",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Wagtail
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "puente.core.csp.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "puente.core.upload_limits.RequestSizeMiddleware",  # before anything reads a body (CSRF reads POSTs)
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "puente.accounts.middleware.StaffTwoFactorMiddleware",
    "puente.core.admin_inputs.AdminInputMiddleware",  # ids and `next` Wagtail's admin views take on trust
]

ROOT_URLCONF = "puente.urls"
WSGI_APPLICATION = "puente.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "puente.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Web requests are short queries: JIT compilation and parallel workers cost more than they save. Search
    # pages results in the order a scan meets them, so a scan always starts at the table's first page. A
    # search's bitmap of matches (120,000 of them for a phrase's words at 1,000,000 documents) stays exact in
    # PG_WORK_MEM; in PostgreSQL's default 4 MB it turns lossy, and every row of its pages is rechecked.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c max_parallel_workers_per_gather=0 -c synchronize_seqscans=off "
        f"-c work_mem={envstr('PG_WORK_MEM', '32MB')}"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Search reads index rows in random order: memory-mapped reads (shared by every worker through the
    # operating system's cache) and a larger page cache make each lookup several times cheaper.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        f"PRAGMA mmap_size={envint('SQLITE_MMAP_MB', 1024) * 1024 * 1024}; PRAGMA cache_size=-32768"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds what every worker must agree on (sign-in and posting rate limits, the search's generation):
# Redis when REDIS_URL is set, else a table in the database (created by `migrate`), never one per process.
_redis_url = envstr("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "puente_cache"}
    )
}
# Behind this many proxies that append to X-Forwarded-For, the client's address is the one the outermost
# proxy saw (rate limits per address use it); 0: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
# The admin's sign-in leads to the site's (see puente/urls.py): one sign-in, with its second factor.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
ACCOUNT_ADAPTER = "puente.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
# No username at sign-up (one is generated): choosing one would tell whether an account already has it.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Failed logins are throttled per IP and per account (allauth's rate limits): a lock-out for a while.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff must set up an authenticator app before they can use the admin (switch off only for local demos).
PUENTE_STAFF_REQUIRE_2FA = envbool("STAFF_REQUIRE_2FA", True)
MFA_TOTP_ISSUER = "Puente"

# Internationalisation: English, Spanish and French from day one.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# One date format per language for every page (puente/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["puente.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
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
WHITENOISE_USE_FINDERS = DEBUG

# Search: the database backend (SQLite FTS5, PostgreSQL full text) by default; an OpenSearch or Elasticsearch
# cluster when SEARCH_URL is set (see README, "Search engines").
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no outside requests from the admin (avatars stay local)
WAGTAIL_ENABLE_UPDATE_CHECK = False  # nor to releases.wagtail.org (the policy refuses it: connect-src)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# PostgreSQL: a search with chosen facets takes its samples (one, and one per chosen facet) at the same time, on
# up to SEARCH_PARALLEL extra connections per process (0: one after the other on the request's connection).
SEARCH_PARALLEL = envint("SEARCH_PARALLEL", 2)
if envstr("SEARCH_URL", ""):
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": envstr("SEARCH_BACKEND", "wagtail.search.backends.opensearch2"),
            "URLS": [envstr("SEARCH_URL", "")],
            "INDEX": envstr("SEARCH_INDEX", "puente"),
        }
    }
WAGTAILIMAGES_MAX_UPLOAD_SIZE = envint("UPLOAD_MAX_MB", 20) * 1024 * 1024
UPLOAD_MAX_BYTES = WAGTAILIMAGES_MAX_UPLOAD_SIZE
# Uploads: one allow-list, checked by name and content (puente/core/uploads.py, also for the admin's documents);
# a file over the limit is refused as it streams in (puente/core/upload_limits.py). Documents are always
# served by Django (puente/core/downloads.py: access check, attachment, nosniff, CSP), never inline.
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "csv", "png", "jpg", "jpeg"]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "puente.core.document_form.DocumentForm"
WAGTAILDOCS_MAX_UPLOAD_SIZE = UPLOAD_MAX_BYTES
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
FILE_UPLOAD_HANDLERS = [
    "puente.core.upload_limits.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Commitments: a published commitment with no approved progress report for this many months is
# "report overdue", and its focal points are reminded by `manage.py send_report_reminders`.
PUENTE_REPORT_OVERDUE_MONTHS = envint("REPORT_OVERDUE_MONTHS", 6)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "puente.core.admin_inputs.DraftailRichTextArea",  # Wagtail's, reading forged input as empty
        "OPTIONS": {"features": ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]},
    }
}

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Puente <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: safe by default, HTTPS settings on whenever DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# No inline script or style runs unless the page gave it this response's nonce (puente/core/csp.py): injected
# markup cannot run. Nothing is loaded from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

# Domain settings
PAGE_SIZE = envint("PAGE_SIZE", 20)
DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "puente-demo"  # noqa: S105 - documented demo credentials, created only by load_demo
