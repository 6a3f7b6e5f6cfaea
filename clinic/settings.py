"""Settings for the clinic progress dashboard, read from the environment.

Every variable has a row in README.md. The defaults are the one-machine setup:
SQLite and Celery's filesystem broker, both under ``var/``.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; absent on most machines

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)  # holds the database: health records

DEBUG = env.bool("DEBUG", default=True)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (a long random string)."
        )
    # Development only: one key per checkout, so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _data_keys() -> list[str]:
    """Fernet keys for the clients' free text; the first encrypts, all of them decrypt."""
    from cryptography.fernet import Fernet

    keys = env.list("DATA_KEYS", default=[])
    if not keys:
        if not DEBUG:
            raise ImproperlyConfigured(
                "DATA_KEYS must be set when DEBUG is off: one or more Fernet keys, comma "
                "separated, newest first (see the README)."
            )
        # Development only: one key per checkout, next to the database it opens.
        key_file = VAR_DIR / "data_key"
        if not key_file.exists():
            key_file.write_text(Fernet.generate_key().decode())
            key_file.chmod(0o600)
        keys = [key_file.read_text().strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"DATA_KEYS: key {position} is not a Fernet key (32 url-safe base64 bytes)."
            ) from None
    return keys


DATA_KEYS = _data_keys()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "clinic",
    "clients",
    "clinic.outbox",
    "clients.safety",
    "clients.measures",
    "clients.emdr",
    "clients.reminders",
    "reports",
    "clinic.calendar",
]

# Messages stay on the server with the session: one that says what a client answered
# ("PHQ-9 entered", "a safety alert was raised") never rides in a readable cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clinic.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # user.is_verified(): the second factor was given
    "clinic.middleware.StaffIdleTimeoutMiddleware",
    # Staff who owe a second factor reach only its pages until they give it.
    "clinic.middleware.SecondFactorMiddleware",
    "clinic.audit.AuditContextMiddleware",
    "clinic.middleware.ClinicTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the login's outcome and can answer for a locked-out account.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE makes a second
    # writer wait for the lock instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "clinic.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# Whether a new clinic asks its staff for a second factor (an authenticator app's code);
# each clinic can change it in its settings. On by default in production.
TWO_FACTOR_REQUIRED_DEFAULT = env.bool("TWO_FACTOR_REQUIRED_DEFAULT", default=not DEBUG)
# Operators belong to no clinic, so no clinic's setting covers them; they can do anything.
OPERATOR_TWO_FACTOR_REQUIRED = env.bool(
    "OPERATOR_TWO_FACTOR_REQUIRED", default=TWO_FACTOR_REQUIRED_DEFAULT
)
# How an authenticator app names this site's entry (django-otp): no word about treatment.
OTP_TOTP_ISSUER = "Progress dashboard"
# "Forgot password?" requests per hour, counted in the cache (CACHE_URL), per address and
# per e-mail address asked for, known or not; more are answered 429 and send nothing.
PASSWORD_RESET_HOURLY_LIMIT_PER_IP = env.int("PASSWORD_RESET_HOURLY_LIMIT_PER_IP", default=10)
PASSWORD_RESET_HOURLY_LIMIT_PER_ADDRESS = env.int(
    "PASSWORD_RESET_HOURLY_LIMIT_PER_ADDRESS", default=3
)
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out accounts before the password check
    "django.contrib.auth.backends.ModelBackend",
]
# Staff sessions end after this long without a request; clients keep Django's default.
STAFF_IDLE_TIMEOUT = timedelta(minutes=env.int("STAFF_IDLE_TIMEOUT_MINUTES", default=30))

# --- Failed sign-ins (django-axes) ----------------------------------------
# Counted per account (guessing one person's password from many addresses) and per
# address (one address trying a password on many accounts). Behind a proxy, NUM_PROXIES
# must be set, or every sign-in would share the proxy's address.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Counted in the database, which every web node shares: a guess on one node counts on all.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# A successful sign-in does not wipe the count: with an account of their own, someone
# could otherwise sign in between guesses at other people's passwords and never be paused.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_CALLABLE = "clinic.accounts.login_account"
AXES_LOCKOUT_CALLABLE = "clinic.accounts.lockout_response"
AXES_CLIENT_STR_CALLABLE = "clinic.accounts.attempt_description"
# The address the API's throttles and the audit trail use, X-Forwarded-For per NUM_PROXIES.
AXES_CLIENT_IP_CALLABLE = "clinic.audit.client_ip"
# Wrong second-factor codes are failures too (clinic.two_factor); axes keeps no code it saw.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "otp_code"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Time and language ----------------------------------------------------
LANGUAGE_CODE = "en-us"
# The server's zone only matters for logs and the admin; clinics and clients
# carry their own zones, and everything is stored in UTC.
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "clinic.staticfinders.PlotlyFinder",
]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
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

# --- E-mail ---------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dashboard@localhost")
# Each step of talking to the mail server waits at most this long, so even a send of eight
# slow steps ends well inside the outbox's lease (a check says so when it would not).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The outbox (clinic/outbox): every e-mail is owed in the database before it is sent.
OUTBOX_LEASE = timedelta(seconds=env.int("OUTBOX_LEASE_SECONDS", default=120))
OUTBOX_SWEEP_AFTER = timedelta(seconds=env.int("OUTBOX_SWEEP_AFTER_SECONDS", default=30))
OUTBOX_SWEEP_EVERY = timedelta(seconds=env.int("OUTBOX_SWEEP_EVERY_SECONDS", default=60))
OUTBOX_LATE_AFTER = timedelta(seconds=env.int("OUTBOX_LATE_AFTER_SECONDS", default=120))
OUTBOX_KEEP = timedelta(days=env.int("OUTBOX_KEEP_DAYS", default=90))
# How often reminders are planned: a reminder arrives at most this long after its moment.
REMINDERS_PLAN_EVERY = timedelta(seconds=env.int("REMINDERS_PLAN_EVERY_SECONDS", default=300))

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport: producers write to data_folder_in and the
    # worker reads data_folder_out, so both must be the same absolute folder.
    for sub in ("queue", "processed", "control"):
        (CELERY_BROKER_FOLDER / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "store_processed": False,
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
    }
else:
    # A broker host that drops packets instead of refusing must not hold a client's answer:
    # the e-mail is owed in the database and the sweep sends it when the broker is back.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
# Several installations (or test runs) can share one Redis with their own queue names.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# What tasks print (the console e-mail backend of the one-machine setup) is not a warning.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Client-weeks per summary task: read in a fixed number of queries, written in one upsert.
SUMMARIES_CHUNK = env.int("SUMMARIES_CHUNK", default=200)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Also what finds the work a broker lost: every missing summary and unsent digest.
    "weekly-summaries-plan": {
        "task": "reports.tasks.summaries_plan",
        "schedule": timedelta(seconds=env.int("SUMMARIES_PLAN_EVERY_SECONDS", default=3600)),
    },
    # E-mails that their own task did not send (broker down, messages lost, a worker
    # killed holding one) go out at the next sweep.
    "outbox-sweep": {
        "task": "clinic.outbox.tasks.outbox_sweep",
        "schedule": OUTBOX_SWEEP_EVERY,
    },
    # A safety alert still unresolved after the clinic's set time reaches its covering
    # therapists and admins within a minute of that time.
    "alerts-escalate": {
        "task": "clients.safety.tasks.alerts_escalate",
        "schedule": timedelta(minutes=1),
    },
    # Reminders (clients/reminders): what is due now in each person's own zone, once.
    "reminders-plan": {
        "task": "clients.reminders.tasks.reminders_plan",
        "schedule": REMINDERS_PLAN_EVERY,
    },
    "outbox-purge": {
        "task": "clinic.outbox.tasks.outbox_purge",
        "schedule": timedelta(days=1),
    },
    "idempotency-keys-purge": {
        "task": "clinic.tasks.idempotency_keys_purge",
        "schedule": timedelta(hours=6),
    },
}

# --- Backups --------------------------------------------------------------
# `manage.py backup` and `restore` (clinic/backups.py, clinic/restore.py). One folder per
# backup in BACKUP_DIR; the nightly task keeps the newest BACKUP_KEEP. Nightly by default
# only on SQLite, the one-machine setup, where nothing else copies the database; on
# PostgreSQL the operator's own backup tooling usually runs (BACKUP_NIGHTLY=true adds ours).
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups"))).resolve()
BACKUP_KEEP = env.int("BACKUP_KEEP", default=7)
BACKUP_NIGHTLY = env.bool(
    "BACKUP_NIGHTLY", default=DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
)
# Celery's autodiscovery finds only tasks.py modules.
CELERY_IMPORTS = ["clinic.backup_tasks"]
if BACKUP_NIGHTLY:
    from celery.schedules import crontab

    CELERY_BEAT_SCHEDULE["backup-nightly"] = {
        "task": "clinic.backup_tasks.backup_nightly",
        # 03:00 in CELERY_TIMEZONE, which is UTC: the small hours in Europe, evening in
        # the Americas. Fine for a copy taken while the product runs.
        "schedule": crontab(hour=3, minute=0),
    }

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    # Phone apps send a knox token; the dashboard's own pages use the session (with CSRF).
    # Token first, so an unauthenticated request gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clinic.api.auth.RoleAwareTokenAuthentication",  # knox; staff tokens end when idle
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["clinic.api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PAGINATION_CLASS": "clinic.api.pagination.NewestFirstCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_RATE_PER_USER", default="300/min"),
        "login_ip": env.str("API_RATE_LOGIN_PER_IP", default="30/min"),
        "login_account": env.str("API_RATE_LOGIN_PER_ACCOUNT", default="10/min"),
    },
    "EXCEPTION_HANDLER": "clinic.api.errors.exception_handler",
    # How many proxies stand in front (nginx: 1). With 0, X-Forwarded-For is ignored,
    # so nobody can pick their own address to get round the login limit.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30)),
    # A token in use stays valid; one left alone expires after TOKEN_TTL.
    "AUTO_REFRESH": True,
    "MIN_REFRESH_INTERVAL": 3600,
    "AUTH_HEADER_PREFIX": "Token",
}
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=64 * 1024)
IDEMPOTENCY_KEY_TTL = timedelta(days=env.int("IDEMPOTENCY_KEY_TTL_DAYS", default=7))
CHECK_IN_MAX_AGE = timedelta(days=env.int("CHECK_IN_MAX_AGE_DAYS", default=30))
CHECK_IN_MAX_FUTURE = timedelta(minutes=5)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Several web nodes: the shared cache and sessions ------------------------------
# The API's throttles and the "forgot password" limits count in this cache. The default is
# each process's own memory, which is the whole count only with one web process; gunicorn
# with several workers, or several web nodes, share the count through Redis
# (CACHE_URL=redis://host:6379/1). Failed sign-ins count in the database (AXES_HANDLER).
_cache_url = env.str("CACHE_URL", default="locmemcache://")
CACHES = {
    "default": environ.Env.cache_url_config(
        _cache_url,
        # Django's own Redis backend, failing open (clinic.cache), not whichever one
        # django-environ would pick from what happens to be installed (it prefers
        # django-redis, whose options are spelled apart).
        backend=(
            "clinic.cache.CountsRedisCache"
            if _cache_url.split(":", 1)[0] in {"redis", "rediss", "rediscache"}
            else None
        ),
    )
}
# django-environ lower-cases every query option for Django's Redis backend, these too, and
# Django reads them upper-case only: ?key_prefix=... would be silently ignored.
for _name in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION"):
    if _name.lower() in CACHES["default"]:
        CACHES["default"][_name] = CACHES["default"].pop(_name.lower())
if CACHES["default"]["BACKEND"] == "clinic.cache.CountsRedisCache":
    # Every API request counts in the cache: a cache host that drops packets must cost it
    # a second or two, not the minutes of the system's TCP timeouts.
    # (django-environ upper-cases the URL's options for any backend but Django's own name;
    # redis-py, which receives them, spells them lower-case.)
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": 1,
        "socket_timeout": 2,
        **{name.lower(): value for name, value in CACHES["default"].get("OPTIONS", {}).items()},
    }
# Sessions live in the database every web node shares, so a sign-in on one node is valid on
# all of them (with one SECRET_KEY everywhere). Not in the cache: a Redis restart would sign
# everyone out, and a per-process cache would keep a session alive after its sign-out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

SPECTACULAR_SETTINGS = {
    "TITLE": "Clinic progress dashboard API",
    "DESCRIPTION": (
        "Clients send check-ins and exercise completions; therapists assign exercises and "
        'follow alerts. Errors have one shape: {"errors": [{"field", "code", "message"}]}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AssignmentStatusEnum": "clients.models.Assignment.Status",
        "ClientStatusEnum": "clients.models.Client.Status",
        "FocusAreasEnum": "clients.models.FocusArea",
        "TargetStatusEnum": "clients.emdr.models.Target.Status",
    },
}

# --- Logging --------------------------------------------------------------
# Request bodies and model values never go to logs: they may hold health information.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Query strings can name a client (an admin search): logged request lines drop them.
    "filters": {"drop_query_strings": {"()": "clinic.log_filters.DropQueryStrings"}},
    "formatters": {
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["drop_query_strings"]},
        "server": {
            "class": "logging.StreamHandler",
            "formatter": "server",
            "filters": ["drop_query_strings"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django logs to its own console handler too; once is enough.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # runserver's request lines.
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
}

# --- Production hardening -------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
