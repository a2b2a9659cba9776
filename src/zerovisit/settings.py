"""One settings module, driven by environment variables prefixed ZV_.

Every value has a safe default for the embedded SQLite demo; production sets ZV_DEBUG=false, which makes a
missing secret key or host list fail loudly at start-up instead of running insecurely.
"""

import datetime
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent

env = environ.Env()
env.prefix = "ZV_"

DATA_DIR = Path(env.str("DATA_DIR", default=str(Path.cwd() / "var")))

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])


def _kept_secret(filename: str, make) -> str:
    """A secret made once by make() and kept in the data directory, readable by the owner only: for a single host
    that sets none (several hosts must share theirs through the environment)."""
    path = DATA_DIR / filename
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(make())
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _kept_secret("secret_key", lambda: secrets.token_urlsafe(50))
# Fernet keys, newest first, encrypting ID numbers, phones and e-mail addresses at rest (core.crypto).
DATA_KEYS = env.list("DATA_KEYS", default=[]) or [_kept_secret("data_key", lambda: Fernet.generate_key().decode())]
# The key of the lookup hashes of encrypted values (core.crypto.lookup_hash): apart from DATA_KEYS, which rotate.
LOOKUP_KEY = env.str("LOOKUP_KEY", default="") or _kept_secret("lookup_key", lambda: secrets.token_urlsafe(32))
# The key of the audit MACs (core.audit). It must not be in the database, nor in the database's backups.
AUDIT_KEY = env.str("AUDIT_KEY", default="") or _kept_secret("audit_key", lambda: secrets.token_urlsafe(32))
# Where the newest signed audit checkpoint is also kept, outside the database (core.audit.write_checkpoint).
AUDIT_CHECKPOINT_FILE = Path(env.str("AUDIT_CHECKPOINT_FILE", default=str(DATA_DIR / "audit_checkpoint")))

INSTALLED_APPS = [
    "zerovisit.core.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "oauth2_provider",
    "django_tasks",
    "django_tasks_db",
    "zerovisit.core",
    "zerovisit.org",
    "zerovisit.accounts",
    "zerovisit.workcalendar",
    "zerovisit.catalog",
    "zerovisit.cases",
    "zerovisit.licenses",
    "zerovisit.delivery",
    "zerovisit.notify",
    "zerovisit.feedback",
    "zerovisit.supervision",
    "zerovisit.portal",
    "zerovisit.workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zerovisit.core.middleware.ContentSecurityPolicyMiddleware",
    "zerovisit.core.middleware.AdminNetworkMiddleware",
    "zerovisit.core.middleware.InputCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zerovisit.core.middleware.IdleSessionMiddleware",
    "zerovisit.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zerovisit.accounts.middleware.SecondFactorMiddleware",
    "zerovisit.accounts.oauth.OAuthCallAudit",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "zerovisit.core.middleware.DomainErrorPageMiddleware",
]

ROOT_URLCONF = "zerovisit.urls"
WSGI_APPLICATION = "zerovisit.wsgi.application"

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
                "zerovisit.portal.context_processors.display_preferences",
                "zerovisit.portal.context_processors.unread_messages",
                "zerovisit.portal.context_processors.reader_place",
                "zerovisit.portal.context_processors.supervises",
            ],
        },
    },
]

# Database: SQLite in WAL mode unless ZV_DATABASE_URL names another server (PostgreSQL in production).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'zerovisit.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
    # Tests use a file, not shared-cache memory, so concurrent writers wait for each other as in production.
    DATABASES["default"].setdefault("TEST", {"NAME": str(DATA_DIR / "test.sqlite3")})
else:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "zerovisit.core.postgresql"  # few rows inserted as VALUES (its compiler)
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Starting parallel workers costs PostgreSQL ~10 ms, more than a request-sized query takes on its own; and JIT
    # compiling a query the planner overestimates cost a placed search 700 ms to run a 50 ms query
    # (docs/benchmarks.md). Both are for long analytic queries, which a request is not.
    workers = env.int("DB_PARALLEL_WORKERS", default=0)
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={workers} -c jit={'on' if env.bool('DB_JIT', default=False) else 'off'}"
    )
    # Parameters bound by the server, and a statement run twice on a connection prepared: a case's read joins six
    # tables, and planning it cost PostgreSQL more than running it (detail 10.3 → 8.6 ms). Off behind a pooler that
    # keeps no session per client (PgBouncer in transaction mode), which cannot keep prepared statements.
    if env.bool("DB_SERVER_SIDE_BINDING", default=True):
        DATABASES["default"]["OPTIONS"].update({"server_side_binding": True, "prepare_threshold": 2})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Passwords, login lock-out and sessions (DESIGN.md §4, security baseline).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "zerovisit.accounts.hashers.ClientSecretHasher",  # OAuth client secrets only (OAUTH2_PROVIDER below)
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zerovisit.accounts.validators.CharacterClassValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "zerovisit.accounts.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
# The age counts from the last request (an idle timeout), refreshed at most once a minute: IdleSessionMiddleware.
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)

# Security headers. The CSP names no outside origin: every asset is served by this application.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=0)
SECURE_SSL_REDIRECT = env.bool("SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# The admin lives apart from the public pages: its own path, staff-only, optionally only from given networks.
ADMIN_PATH = env.str("ADMIN_PATH", default="admin/").strip("/") + "/"
ADMIN_ALLOWED_NETWORKS = env.list("ADMIN_ALLOWED_NETWORKS", default=[])

# Languages: Chinese first, English switchable by the user.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
# Files of cases and licences are private: a storage of their own (never under MEDIA_ROOT, which /media/ serves),
# served only by views that check who asks (core.serving). For an object store set the backend and its options,
# e.g. ZV_PRIVATE_STORAGE_BACKEND=storages.backends.s3.S3Storage and
# ZV_PRIVATE_STORAGE_OPTIONS='{"bucket_name": "zv-private", "querystring_auth": true}'.
PRIVATE_ROOT = Path(env.str("PRIVATE_ROOT", default=str(DATA_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": env.str("STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")},
    "private": {
        "BACKEND": env.str("PRIVATE_STORAGE_BACKEND", default="zerovisit.core.storage.PrivateFileSystemStorage"),
        "OPTIONS": env.json("PRIVATE_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
_media, _private = MEDIA_ROOT.resolve(), PRIVATE_ROOT.resolve()
if _media == _private or _media in _private.parents or _private in _media.parents:
    raise ImproperlyConfigured("ZV_PRIVATE_ROOT and ZV_MEDIA_ROOT must be separate folders: /media/ is public.")
FILE_SERVING = env.str("FILE_SERVING", default="django")  # django, x-accel (nginx) or x-sendfile
X_ACCEL_PREFIX = env.str("X_ACCEL_PREFIX", default="")  # the internal nginx location mapped to PRIVATE_ROOT
if FILE_SERVING not in ("django", "x-accel", "x-sendfile"):
    raise ImproperlyConfigured("ZV_FILE_SERVING must be django, x-accel or x-sendfile.")
if FILE_SERVING == "x-accel" and not (X_ACCEL_PREFIX.startswith("/") and X_ACCEL_PREFIX.endswith("/")):
    raise ImproperlyConfigured("ZV_FILE_SERVING=x-accel needs ZV_X_ACCEL_PREFIX, e.g. /protected/.")
PRIVATE_URL_EXPIRY_SECONDS = env.int("PRIVATE_URL_EXPIRY_SECONDS", default=60)  # signed URLs of an object store
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
MAX_TEMPLATE_FILE_BYTES = env.int("MAX_TEMPLATE_FILE_BYTES", default=10 * 1024 * 1024)
MAX_IMPORT_FILE_BYTES = env.int("MAX_IMPORT_FILE_BYTES", default=20 * 1024 * 1024)
MAX_MATERIAL_FILE_BYTES = env.int("MAX_MATERIAL_FILE_BYTES", default=20 * 1024 * 1024)
# Office documents are zip containers: what they unpack to is bounded too (zip bombs).
MAX_UNPACKED_FILE_BYTES = env.int("MAX_UNPACKED_FILE_BYTES", default=100 * 1024 * 1024)
MAX_UNPACKED_MEMBERS = env.int("MAX_UNPACKED_MEMBERS", default=10_000)
# An import spreadsheet of a province's catalogue or a licence library unpacks to far more than a material.
MAX_UNPACKED_IMPORT_BYTES = env.int("MAX_UNPACKED_IMPORT_BYTES", default=1024 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "zerovisit.accounts.api_auth.TokenAuthentication",
        "zerovisit.accounts.api_auth.ClientTokenAuthentication",
        "zerovisit.accounts.oauth.ScopedOAuth2Authentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": [
        "zerovisit.core.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "zerovisit.core.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["zerovisit.core.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "zerovisit.core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "zerovisit.core.api.exception_handler",
    "URL_FORMAT_OVERRIDE": None,  # ?format= names the export file format, not a renderer
    "DEFAULT_THROTTLE_RATES": {"anon": "600/minute", "user": "1200/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "zerovisit API",
    "DESCRIPTION": "不见面审批(服务) platform: catalogue, organisation, search, working days and cases.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Request bodies have components of their own (`…Request`), without the read-only fields of the answers.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "zerovisit.core.openapi.refuse_control_characters",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ItemStatusEnum": "zerovisit.catalog.models.ItemStatus",
        "CaseStatusEnum": "zerovisit.cases.models.CaseStatus",
        "MessageStatusEnum": "zerovisit.notify.models.MessageStatus",
        "MaterialSourceEnum": "zerovisit.catalog.models.MaterialSource",
        "CaseMaterialSourceEnum": "zerovisit.cases.models.CaseMaterial.Source",
        "CalendarSourceEnum": "zerovisit.workcalendar.models.CalendarYear.Source",
        "LicenseStatusEnum": "zerovisit.licenses.models.LicenseStatus",
        "ShipmentStatusEnum": "zerovisit.delivery.models.ShipmentStatus",
    },
}

# Office hours: an instant item received after closing is due the next working day; the online-duty view counts
# how many office hours an online application has waited unclaimed.
OFFICE_OPENS, OFFICE_CLOSES = (
    datetime.time.fromisoformat(t) for t in env.str("OFFICE_HOURS", default="09:00-17:30").split("-")
)
ONLINE_DUTY_HOURS = env.int("ONLINE_DUTY_HOURS", default=4)
# 在线咨询: an item's agency answers a question within this many office hours (one working day by default).
CONSULTATION_ANSWER_HOURS = env.float("CONSULTATION_ANSWER_HOURS", default=8.5)
# Questions an account may ask in a day: a person with more to ask calls the consultation phone.
QUESTIONS_PER_DAY = env.int("QUESTIONS_PER_DAY", default=10)
# 电子监察: a case red this many working days is told to its agency's head.
ALERT_ESCALATION_DAYS = env.int("ALERT_ESCALATION_DAYS", default=3)

# Where the public reaches the site: printed in the QR codes of notices.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# 国密: also sign each licence's data with the issuer's SM2 key (needs the `sm2` extra, gmalglib).
SM2_SIGNATURES = env.bool("SM2_SIGNATURES", default=False)
OAUTH_TOKEN_REQUESTS_PER_MINUTE = env.int("OAUTH_TOKEN_REQUESTS_PER_MINUTE", default=60)  # per client address
VERIFY_RATE_PER_MINUTE = env.int("VERIFY_RATE_PER_MINUTE", default=30)  # per client, on the public verification page

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Workers and schedulers record a heartbeat this often; the tasks of a worker silent for longer than the second
# value are re-queued by the reaper (core.tasks.reap_stuck_tasks).
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=10.0)
WORKER_LOST_AFTER_SECONDS = env.float("WORKER_LOST_AFTER_SECONDS", default=45.0)
if not 0 < 2 * WORKER_HEARTBEAT_SECONDS < WORKER_LOST_AFTER_SECONDS:
    raise ImproperlyConfigured("ZV_WORKER_LOST_AFTER_SECONDS must be more than twice ZV_WORKER_HEARTBEAT_SECONDS")

# Messages to applicants: console backends by default, an adapter for the SMS gateway in production.
SMS_BACKEND = env.str("SMS_BACKEND", default="zerovisit.notify.backends.ConsoleSmsBackend")
# 政务专递: the carrier adapter for new shipments (the simulator moves them along by itself, a step a minute).
CARRIER_BACKEND = env.str("CARRIER_BACKEND", default="zerovisit.delivery.carriers.SimulatorCarrier")
CARRIER_ENDPOINT = env.str("CARRIER_ENDPOINT", default="")
CARRIER_SECRET = env.str("CARRIER_SECRET", default="")
CARRIER_TIMEOUT = env.float("CARRIER_TIMEOUT", default=10.0)
# The 12345 hotline (feedback.hotline): bad ratings pushed to it, its work orders taken in; none by default.
HOTLINE_ENDPOINT = env.str("HOTLINE_ENDPOINT", default="")
HOTLINE_SECRET = env.str("HOTLINE_SECRET", default="")
HOTLINE_TIMEOUT = env.float("HOTLINE_TIMEOUT", default=10.0)
SIMULATOR_STEP_SECONDS = env.int("SIMULATOR_STEP_SECONDS", default=60)
# Identity verification against the population register (accounts.registers): none by default, so nobody is
# verified online until it is configured; the demo uses the simulator (refused by `check --deploy`).
IDENTITY_REGISTER = env.str("IDENTITY_REGISTER", default="")
IDENTITY_REGISTER_ENDPOINT = env.str("IDENTITY_REGISTER_ENDPOINT", default="")
IDENTITY_REGISTER_SECRET = env.str("IDENTITY_REGISTER_SECRET", default="")
IDENTITY_REGISTER_TIMEOUT = env.float("IDENTITY_REGISTER_TIMEOUT", default=5.0)
# The market-entity register that confirms an organisation's legal representative (accounts.registers), likewise.
# Identity providers (accounts.identity_providers, OpenID Connect): the province's unified identity platform,
# asserting people, and the e-business-licence platform, asserting a person and their organisation. Each is offered
# on the sign-in page once its issuer is set; `claims` maps our names to the provider's claims.
IDENTITY_PROVIDERS = {
    "province": {
        "label": env.str("PROVINCE_IDP_LABEL", default="江苏政务服务网统一身份认证"),
        "asserts": "person",
        "issuer": env.str("PROVINCE_IDP_ISSUER", default=""),
        "client_id": env.str("PROVINCE_IDP_CLIENT_ID", default=""),
        "client_secret": env.str("PROVINCE_IDP_CLIENT_SECRET", default=""),
        "scope": env.str("PROVINCE_IDP_SCOPE", default="openid profile phone"),
        "userinfo": env.bool("PROVINCE_IDP_USERINFO", default=False),
        "level": env.int("PROVINCE_IDP_LEVEL", default=2),
        "acr_levels": env.json("PROVINCE_IDP_ACR_LEVELS", default={}),
        "claims": {
            "name": "name",
            "id_number": "id_number",
            "phone": "phone_number",
            **env.json("PROVINCE_IDP_CLAIMS", default={}),
        },
    },
    "business_licence": {
        "label": env.str("LICENCE_IDP_LABEL", default="电子营业执照"),
        "asserts": "organisation",
        "issuer": env.str("LICENCE_IDP_ISSUER", default=""),
        "client_id": env.str("LICENCE_IDP_CLIENT_ID", default=""),
        "client_secret": env.str("LICENCE_IDP_CLIENT_SECRET", default=""),
        "scope": env.str("LICENCE_IDP_SCOPE", default="openid profile"),
        "userinfo": env.bool("LICENCE_IDP_USERINFO", default=False),
        "level": env.int("LICENCE_IDP_LEVEL", default=2),
        "acr_levels": env.json("LICENCE_IDP_ACR_LEVELS", default={}),
        "claims": {
            "name": "name",
            "id_number": "id_number",
            "organisation": "organisation",
            "credit_code": "credit_code",
            "role": "role",
            **env.json("LICENCE_IDP_CLAIMS", default={}),
        },
        # the values of the role claim that name the legal representative (法定代表人)
        "representative_roles": env.list("LICENCE_IDP_REPRESENTATIVE_ROLES", default=["legal_representative"]),
    },
}
ENTITY_REGISTER = env.str("ENTITY_REGISTER", default="")
ENTITY_REGISTER_ENDPOINT = env.str("ENTITY_REGISTER_ENDPOINT", default="")
ENTITY_REGISTER_SECRET = env.str("ENTITY_REGISTER_SECRET", default="")
ENTITY_REGISTER_TIMEOUT = env.float("ENTITY_REGISTER_TIMEOUT", default=5.0)
ORGANISATION_CLAIMS_PER_DAY = env.int("ORGANISATION_CLAIMS_PER_DAY", default=10)  # per account
# SMS codes (验证码) for signing in, registering and resetting a password.
SMS_CODE_MINUTES = env.int("SMS_CODE_MINUTES", default=5)
SMS_CODE_ATTEMPTS = env.int("SMS_CODE_ATTEMPTS", default=5)
SMS_CODES_PER_NUMBER_HOUR = env.int("SMS_CODES_PER_NUMBER_HOUR", default=5)
SMS_CODES_PER_CLIENT_HOUR = env.int("SMS_CODES_PER_CLIENT_HOUR", default=20)
# OAuth 2.0 for apps acting for people (accounts.oauth): the authorization code with PKCE only; short access
# tokens, refresh tokens that rotate and, reused, revoke the whole family.
# Named because accounts.ApiClient refers to it: a swappable model's setting must exist for the migration.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "zerovisit.accounts.oauth.Scopes",
    "OAUTH2_VALIDATOR_CLASS": "zerovisit.accounts.oauth.Validator",
    "CLIENT_SECRET_HASHER": "client_secret_pbkdf2",
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_REFRESH_TOKEN_DAYS", default=30) * 86400,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REQUEST_APPROVAL_PROMPT": "auto",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http", "zerovisit"],
}
# Two-factor sign-in of staff (accounts.services.second_factor): the name the authenticator app shows the key under.
OTP_TOTP_ISSUER = env.str("TOTP_ISSUER", default="zerovisit 不见面审批")
SMS_ENDPOINT = env.str("SMS_ENDPOINT", default="")  # for zerovisit.notify.backends.HttpSmsBackend
SMS_SECRET = env.str("SMS_SECRET", default="")
SMS_TIMEOUT = env.float("SMS_TIMEOUT", default=5.0)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@zerovisit.invalid")

# The cache every host shares (rate limits count there too); without it, rate limits are counted in the database.
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    # Sessions are read from the shared cache (the database stays the record), which saves a query on every
    # request. Not with the per-process cache: a session ended in one process would live on in the others' caches.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Load balancers and reverse proxies whose X-Forwarded-For is believed (addresses or networks), e.g. 10.0.0.0/8.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "zerovisit.core.clients.client_address"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line goes through one handler that masks ID numbers and phone numbers (core.logs).
    "filters": {"mask_personal_data": {"()": "zerovisit.core.logs.MaskPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "zerovisit": {"level": env.str("LOG_LEVEL", default="INFO")},
        "django": {"level": "WARNING"},
        "jieba": {"level": "WARNING"},
        # A signature that fails to verify is a result the verification page reports, not an error to log.
        "pyhanko": {"level": "CRITICAL"},
        "pyhanko_certvalidator": {"level": "CRITICAL"},
    },
}

# Working days an applicant has to answer a correction notice (补正期限); after them the application counts as
# withdrawn (cases.services.lapse_overdue_corrections).
CORRECTION_ANSWER_DAYS = env.int("CORRECTION_ANSWER_DAYS", default=20)

# Days an application draft (暂存) is kept, with its files, after it was last saved.
DRAFT_DAYS = env.int("DRAFT_DAYS", default=30)
