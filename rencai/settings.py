"""rencai settings, configured only through RENCAI_* environment variables.

Defaults make `rencai demo` work on a laptop (SQLite under ./rencai-data/). A bad value stops
start-up with a message naming the variable (see rencai.config.env).
"""

from pathlib import Path

from rencai.config.env import (
    ConfigError,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_trusted_proxies,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent

DATA_DIR = Path(__import__("os").environ.get("RENCAI_DATA_DIR") or "rencai-data").resolve()
DEBUG = env_bool("RENCAI_DEBUG", default=False)
SECRET_KEY = secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("RENCAI_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
DATABASES = {"default": database_from_url(DATA_DIR)}
if not ALLOWED_HOSTS:
    raise ConfigError("RENCAI_ALLOWED_HOSTS 不能为空")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "rencai.audit",
    "rencai.orgs",
    "rencai.accounts",
    "rencai.imports",
    "rencai.people",
    "rencai.census",
    "rencai.training",
    "rencai.alerts",
    "rencai.cockpit",
    "rencai.reports",
    "rencai.statements",
    "rencai.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rencai.edge.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rencai.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rencai.edge.RejectNulMiddleware",  # after login, so its 400 page shows the menu
    "rencai.audit.middleware.AuditUserMiddleware",
    "rencai.accounts.middleware.IdleTimeoutMiddleware",
    "rencai.accounts.password_policy.PasswordPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rencai.accounts.middleware.SessionLifetimeMiddleware",
    "rencai.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rencai.accounts.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "rencai.urls"
WSGI_APPLICATION = "rencai.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "root"
LOGOUT_REDIRECT_URL = "accounts:login"

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
                "rencai.accounts.context_processors.navigation",
                "rencai.alerts.context_processors.alert_badge",
            ],
            "libraries": {"rencai_tags": "rencai.templatetags.rencai_tags"},
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "rencai.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "rencai.accounts.passwords.CharacterClassValidator"},
    {"NAME": "rencai.accounts.passwords.UsernameValidator"},
    {"NAME": "rencai.accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
# 等保 practice: a password lasts 90 days for the county admins and the 三员
# (RENCAI_PASSWORD_MAX_AGE_DAYS) and for everyone else (RENCAI_PASSWORD_MAX_AGE_DAYS_OTHERS);
# 0 = never expires. A due change is forced by accounts.password_policy.
PASSWORD_MAX_AGE_DAYS = env_int("RENCAI_PASSWORD_MAX_AGE_DAYS", default=90, minimum=0)
PASSWORD_MAX_AGE_DAYS_OTHERS = env_int("RENCAI_PASSWORD_MAX_AGE_DAYS_OTHERS", default=90, minimum=0)

# 等保 practice: lock an account after 5 failures for 30 minutes; log out after 30 idle minutes.
LOGIN_FAILURE_LIMIT = 5
LOGIN_LOCKOUT_MINUTES = 30
# One client address with this many failed logins (any accounts) within the window is refused
# until its failures age out of the window: guessing across many accounts from one machine.
LOGIN_IP_FAILURE_LIMIT = 20
LOGIN_IP_WINDOW_MINUTES = 30
# API tokens (issued by `rencai token`) stop working after this many days.
TOKEN_MAX_AGE_DAYS = env_int("RENCAI_TOKEN_MAX_AGE_DAYS", default=30, minimum=1)
# At most this many import workers (background processes) run at once; further uploads queue.
IMPORT_WORKERS = env_int("RENCAI_IMPORT_WORKERS", default=2, minimum=1)
# A session ends this many hours after login, however active (besides the idle timeout).
SESSION_MAX_HOURS = env_int("RENCAI_SESSION_MAX_HOURS", default=8, minimum=1)
# 双因素认证 (accounts.second_factor): the name an authenticator app shows for rencai.
OTP_TOTP_ISSUER = "人才工作管理平台"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False  # see accounts.middleware.IdleTimeoutMiddleware
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Production behind HTTPS (usually the county's reverse proxy): secure cookies, redirect, HSTS.
# `rencai check --deploy` is clean only with this on.
HTTPS = env_bool("RENCAI_HTTPS", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False
# Intranet hosts are never on the browsers' public HSTS preload list.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rencai.accounts.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "rencai.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "rencai 人才工作管理平台 API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

FILTERS_EMPTY_CHOICE_LABEL = "全部"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # a 403 is logged as one line, without the traceback of the PermissionDenied that made it
    "filters": {"quiet_403": {"()": "rencai.errors.QuietPermissionDenied"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"filters": ["quiet_403"]}},
}
CSRF_FAILURE_VIEW = "rencai.errors.csrf_failure"

AUTHENTICATION_BACKENDS = ["rencai.accounts.backends.LockoutModelBackend"]
RENCAI_TRUST_PROXY = env_bool("RENCAI_TRUST_PROXY", default=False)
RENCAI_TRUSTED_PROXIES = env_trusted_proxies("RENCAI_TRUSTED_PROXIES", default=1)
if RENCAI_TRUST_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
