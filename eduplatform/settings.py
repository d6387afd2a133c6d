"""EduPlatform settings: one module, driven by the environment.

Every value a deployment may change is read here through `Environment`, which stops
start-up with a message naming the variable when a value is malformed. DEBUG is off
unless asked for; `make run` asks for it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from eduplatform.environment import Environment

BASE_DIR = Path(__file__).resolve().parent.parent
env = Environment()

DEBUG = env.boolean("DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-secret-key-never-used-when-debug-is-off-0123456789abcdef"  # noqa: S105
SECRET_KEY = env.string("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

# Encrypts sensitive fields at rest (visitors' ID numbers): a Fernet key, 32 url-safe
# base64 bytes. Development derives one from SECRET_KEY; production must set its own, and
# keep it, since rows written with a lost key cannot be read again.
FIELD_ENCRYPTION_KEY = env.string("FIELD_ENCRYPTION_KEY", "")
if not FIELD_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set when DEBUG is off.")
    import base64
    import hashlib

    FIELD_ENCRYPTION_KEY = base64.urlsafe_b64encode(
        hashlib.sha256(f"field-encryption:{SECRET_KEY}".encode()).digest()
    ).decode()
else:
    from cryptography.fernet import Fernet

    try:
        Fernet(FIELD_ENCRYPTION_KEY)
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes)."
        ) from None

ALLOWED_HOSTS = env.word_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.word_list("CSRF_TRUSTED_ORIGINS", [])
# A form sent after the session expired gets a page in the platform's language, not Django's.
CSRF_FAILURE_VIEW = "frontend.shell_views.csrf_failure"

# --- Applications ---------------------------------------------------------------
# The public schema holds what the district owns for all its schools; each school's
# schema holds the school's own records (see DESIGN.md, "Shared vs school").

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "eduplatform.accounts",
    "eduplatform.district",
    "eduplatform.audit",
    "eduplatform.compliance",
    "eduplatform.notifications",
    "eduplatform.classification",
    "eduplatform.checklists",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "api",
    "frontend",
]

TENANT_APPS = [
    "django.contrib.contenttypes",
    "eduplatform.organisation",
    "eduplatform.assets",
    "eduplatform.safety",
    "eduplatform.duty",
    "eduplatform.vehicles",
]

INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.School"
TENANT_DOMAIN_MODEL = "tenants.Domain"
TENANT_SUBFOLDER_PREFIX = "s"
# New schools are cloned from this schema, kept migrated by `ensure_school_template`.
TENANT_BASE_SCHEMA = "school_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# One `SET search_path` per schema switch instead of one per cursor (half of a page's round
# trips otherwise). Safe: django-tenants forgets the cached path on every rollback and
# savepoint rollback, which is when PostgreSQL itself reverts a SET.
TENANT_LIMIT_SET_CALLS = True
ROOT_URLCONF = PUBLIC_SCHEMA_URLCONF = "eduplatform.urls"
# Mounted under /s/<school-code>/ for each school by tenants.routing.
SCHOOL_URLCONF = "eduplatform.school_urls"

MIDDLEWARE = [
    "tenants.middleware.SchoolRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "eduplatform.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages, so that an idle sign-out can say why; before django-otp wraps request.user.
    "eduplatform.accounts.middleware.IdleSessionMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tenants.middleware.SchoolMembershipMiddleware",
    # A forced password change or two-factor set-up comes first (after the membership check).
    "eduplatform.accounts.middleware.AccountSecurityMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "eduplatform.wsgi.application"

# --- Database -----------------------------------------------------------------------

DATABASE_URL = env.url(
    "DATABASE_URL",
    "postgresql://postgres@127.0.0.1:5432/eduplatform",
    schemes=("postgres", "postgresql", "pgsql"),
)
DATABASES = {
    "default": {
        **dj_database_url.parse(DATABASE_URL, conn_max_age=env.integer("DATABASE_CONN_MAX_AGE", 60)),
        "ENGINE": "django_tenants.postgresql_backend",
        "CONN_HEALTH_CHECKS": True,
    }
}
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.integer(
    "DATABASE_CONNECT_TIMEOUT", 5, minimum=1
)
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker and results -------------------------------------------

REDIS_URL = env.url("REDIS_URL", "redis://127.0.0.1:6379/0", schemes=("redis", "rediss", "unix"))

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.string("CACHE_KEY_PREFIX", "eduplatform"),
        # One school's cache entries can never be read as another's.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.integer("CELERY_TASK_TIME_LIMIT", 30 * 60, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30 if CELERY_TASK_TIME_LIMIT > 60 else None
# Redis re-delivers an unacknowledged task after the visibility timeout; it must be
# longer than the longest task, or a slow task would run twice while still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = env.string(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / ".devstack" / "celerybeat-schedule")
)

# --- Accounts and sessions ---------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked account or address before any password is checked.
    "eduplatform.accounts.backends.LockoutBackend",
    "eduplatform.accounts.backends.UsernameOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The password policy (eduplatform/accounts/passwords.py): "standard", or "mlps" (等保), which
# adds character classes and rotation after PASSWORD_MAX_AGE_DAYS.
PASSWORD_POLICY = env.string("PASSWORD_POLICY", "standard").lower()
if PASSWORD_POLICY not in ("standard", "mlps"):
    raise ImproperlyConfigured(f"PASSWORD_POLICY={PASSWORD_POLICY!r} is not a policy; use standard or mlps.")
PASSWORD_MIN_LENGTH = env.integer("PASSWORD_MIN_LENGTH", 12, minimum=8)
PASSWORD_MAX_AGE_DAYS = env.integer("PASSWORD_MAX_AGE_DAYS", 90, minimum=1)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "eduplatform.accounts.passwords.UserAttributeSimilarityValidator"},
    {
        "NAME": "eduplatform.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "eduplatform.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "eduplatform.accounts.passwords.NumericPasswordValidator"},
]
MLPS_PASSWORD_VALIDATORS = [
    {"NAME": "eduplatform.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"minimum_classes": 3}},
]
if PASSWORD_POLICY == "mlps":  # noqa: S105 - a policy name, not a password
    AUTH_PASSWORD_VALIDATORS += MLPS_PASSWORD_VALIDATORS
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "frontend:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# An idle timeout, not a fixed one: eduplatform.accounts.middleware.IdleSessionMiddleware
# signs a person out after this long without a request, and renews the session (and its
# cookie) as they work, at most once a minute rather than on every request.
SESSION_COOKIE_AGE = env.integer("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = False

# Lockout after failed logins (django-axes; eduplatform/accounts/lockout.py). Five failures
# lock the account (whether typed as username or phone) and, separately, five from one
# address lock that address, for LOGIN_LOCKOUT_MINUTES after the last failure.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
# Attempts during a lockout do not extend it, so the time the login page names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "eduplatform.accounts.lockout.account_username"
AXES_CLIENT_IP_CALLABLE = "eduplatform.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "frontend.account_views.lockout_response"
AXES_VERBOSE = False
# Sign-ins are in the audit trail already; axes' own access log would be a second copy.
AXES_DISABLE_ACCESS_LOG = True
# A successful sign-in does not clear the failures: with the address counted too, it would
# clear the address's count, and one working account would unlock guessing at all the others.
AXES_RESET_ON_SUCCESS = False
# The client's address: REMOTE_ADDR, or behind N trusted reverse proxies that each append
# to X-Forwarded-For, the entry the outermost proxy added (anything further left was sent
# by the client and could be forged). python-ipware counts the proxies after the client's
# entry, hence N - 1, and accepts a chain longer than that (strict off).
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1 if TRUSTED_PROXY_COUNT else None
IPWARE_STRICT = False

# Two-factor sign-in (django-otp, TOTP): optional for everyone, required for bureau admins
# when this is on.
TWO_FACTOR_REQUIRED_FOR_BUREAU_ADMINS = env.boolean("TWO_FACTOR_REQUIRED_FOR_BUREAU_ADMINS", default=False)
OTP_TOTP_ISSUER = "校园后勤与安全管理平台"

# --- Internationalisation -----------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ----------------------------------------------------------
# Absolute URLs, so they are the same under /s/<school-code>/ as at the root.

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.string("STATIC_ROOT", str(BASE_DIR / ".devstack" / "static")))
STATICFILES_DIRS = [
    ("vendor/tabler", BASE_DIR / "frontend" / "node_modules" / "@tabler" / "core" / "dist"),
    # The stocktake page's QR scanner and the class teacher's signature pad (assets).
    ("vendor/jsqr", BASE_DIR / "frontend" / "node_modules" / "jsqr" / "dist"),
    ("vendor/signature_pad", BASE_DIR / "frontend" / "node_modules" / "signature_pad" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.string("MEDIA_ROOT", str(BASE_DIR / ".devstack" / "media")))
STORAGES = {
    # Uploads land under MEDIA_ROOT/<schema>/, so one school's files never mix with another's.
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MULTITENANT_RELATIVE_MEDIA_ROOT = ""

# --- API ------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # The key comes first so that an anonymous caller is told to authenticate (401).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.CapabilityPermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.SyncCursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.errors.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EduPlatform API",
    "DESCRIPTION": "校园后勤与安全管理平台: the district API and each school's API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set that several fields share (drf_spectacular.W001 otherwise).
    "ENUM_NAME_OVERRIDES": {
        "SchoolKindEnum": "tenants.models.SchoolKind",
        "SeverityEnum": "eduplatform.checklists.models.Severity",
        "ItemKindEnum": "eduplatform.checklists.models.ItemKind",
        "DrillKindEnum": "eduplatform.safety.models.drills.DrillKind",
        "PlanKindEnum": "eduplatform.safety.models.drills.PlanKind",
        "DangerGradeEnum": "eduplatform.safety.models.campus.DangerGrade",
        "HazardStatusEnum": "eduplatform.safety.models.hazards.HazardStatus",
        "HazardCategoryEnum": "eduplatform.safety.models.hazards.HazardCategory",
        "InspectionStatusEnum": "eduplatform.safety.models.inspections.InspectionStatus",
        "VehicleKindEnum": "eduplatform.vehicles.models.VehicleKind",
        "VehicleStatusEnum": "eduplatform.vehicles.models.VehicleStatus",
        "TripStatusEnum": "eduplatform.vehicles.models.TripStatus",
        "LicenceClassEnum": "eduplatform.vehicles.models.LicenceClass",
    },
}

# --- Security -------------------------------------------------------------------------

HTTPS = env.boolean("HTTPS", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Logging and error reporting ---------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SENTRY_DSN = env.url("SENTRY_DSN", "", schemes=("http", "https"))
if SENTRY_DSN:
    from eduplatform.error_reporting import start_sentry

    start_sentry(
        dsn=SENTRY_DSN,
        environment=env.string("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
        traces_sample_rate=float(env.integer("SENTRY_TRACES_PERCENT", 0, minimum=0)) / 100,
    )

# --- Demo and development ---------------------------------------------------------------

READYZ_BROKER_TIMEOUT_SECONDS = 2
