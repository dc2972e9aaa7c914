"""Settings for the museum emotion analytics site.

Everything a deployment changes comes from the environment (see the README's
configuration table); the defaults run embedded: a SQLite file next to the
code, no broker, no server to install.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from museum_site.env import env_bool, env_date, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# Runtime state (SQLite file, logs, model artifacts trained locally, demo media).
VAR_DIR = Path(env_str("MUSEUM_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or DEBUG=true "
            "for a local, non-public run."
        )
    SECRET_KEY = "insecure-dev-only-key-set-SECRET_KEY-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "cameras",
    "devices",
    "emotions",
    "analytics",
    "worker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "analytics.privacy_audit.AuditActorMiddleware",  # who changed a privacy setting, for the audit log
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "museum_site.urls"
WSGI_APPLICATION = "museum_site.wsgi.application"
ASGI_APPLICATION = "museum_site.asgi.application"

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

# Database: DATABASE_URL in the usual forms (postgres://user@host:5432/db,
# sqlite:///absolute/path.sqlite3); unset means the embedded SQLite file.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'museum.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet; SQLite can't create the folder itself.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Camera workers and the site write at the same time: wait for the lock
    # instead of failing, and use WAL so readers never block the writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The prototype's museum is in Rome; legacy CSV timestamps are naive local times
# read in this zone.
TIME_ZONE = env_str("TIME_ZONE", "Europe/Rome")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Chart library for the reports page, installed by `npm ci` (package.json) and
# served from here: no CDN, museum networks can be offline.
STATICFILES_DIRS: list = [
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/chartjs-chart-matrix", BASE_DIR / "node_modules" / "chartjs-chart-matrix" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve from the app folders in development without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/reports/"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token auth whose wrong tokens count as failed sign-ins of the address (see below).
        "museum_site.login_throttle.ThrottledTokenAuthentication",
        # Edge devices: `Authorization: Device <token>`, one camera's reads and writes (devices/).
        "devices.authentication.DeviceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Adds the error responses every route can give (analytics/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "analytics.api.schema.MuseumAutoSchema",
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 JSON, not Django's HTML 400 (analytics/api/request_limits.py).
    "EXCEPTION_HANDLER": "analytics.api.request_limits.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Museum emotion analytics API",
    "DESCRIPTION": "Visitor emotion analytics for dashboards (Node-RED) and edge devices.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Choice sets used by more than one field get one name (imported lazily, by drf-spectacular).
    "ENUM_NAME_OVERRIDES": {
        "EmotionEnum": "analytics.api.serializers.LEGACY_EMOTION_CHOICES",
        "StateEnum": "cameras.models.Camera.State",
        "DeviceStateEnum": "devices.models.Device.State",
        "DeviceHeartbeatStateEnum": "devices.models.HEARTBEAT_STATES",
    },
}

# Celery: only the production mode (camera_workers) needs a broker;
# embedded mode runs the pipeline in-process (`manage.py run_camera`).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Camera workers reconnect to a returned broker within a second (Celery's own
# retry waits 2, 4, 6 ... 30 s); see worker/broker.py.
CELERY_WORKER_CONSUMER = "worker.broker:CameraWorkerConsumer"
# Redis broker: a segment taken by a worker that died without acking goes back
# to its queue after `visibility_timeout` seconds. It must exceed the longest
# task (CELERY_TASK_TIME_LIMIT), or a running segment would be delivered twice.
# Any running worker sweeps for such messages every `unacked_restore_interval` s.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 60),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": 1,
}

# Emotion model: trained artifacts live in folders; the active ModelVersion
# row says which one the classifier loads. The shipped default lives in the repo.
MODEL_ARTIFACTS_DIR = Path(env_str("MODEL_ARTIFACTS_DIR", str(VAR_DIR / "models")))
SHIPPED_MODEL_DIR = BASE_DIR / "worker" / "ml" / "shipped_model"
# LiteRT threads per process. 2 is fastest on the 2-core reference server
# (docs/model.md); with several camera workers sharing few cores, 1 each avoids
# oversubscribing them.
EMOTION_MODEL_THREADS = env_int("EMOTION_MODEL_THREADS", 2)
# Mirror test-time augmentation (two model passes per face): "auto" follows the
# model's spec.json, "on"/"off" force it.
EMOTION_MODEL_TTA = env_str("EMOTION_MODEL_TTA", "auto").strip().lower()
if EMOTION_MODEL_TTA not in {"auto", "on", "off"}:
    raise ValueError(f"EMOTION_MODEL_TTA={EMOTION_MODEL_TTA!r} must be auto, on or off")
if EMOTION_MODEL_THREADS < 1:
    raise ValueError(f"EMOTION_MODEL_THREADS={EMOTION_MODEL_THREADS} must be at least 1")
# A track's logged emotion (events' label, confidence, scores) is its classifier scores averaged
# over about this many seconds of its own frames' time (worker/pipeline/smoother.py), so one odd
# frame does not become an event; visits keep the mean of the unsmoothed scores. 0 = off.
EMOTION_SMOOTHING_SECONDS = env_float("EMOTION_SMOOTHING_SECONDS", 1.0)
if not 0 <= EMOTION_SMOOTHING_SECONDS <= 60:
    raise ValueError(f"EMOTION_SMOOTHING_SECONDS={EMOTION_SMOOTHING_SECONDS} must be between 0 (off) and 60")

# Privacy: no frame, face crop or embedding is stored anywhere unless this is on
# (debug snapshots, written under DEBUG_SNAPSHOT_DIR).
DEBUG_SNAPSHOTS = env_bool("DEBUG_SNAPSHOTS", False)
DEBUG_SNAPSHOT_DIR = Path(env_str("DEBUG_SNAPSHOT_DIR", str(VAR_DIR / "snapshots")))

# Pipeline settings; detection settings and the event rate are per camera, in admin.
PIPELINE_FLUSH_SECONDS = env_float("PIPELINE_FLUSH_SECONDS", 2.0)
# OpenCV threads per camera process: every camera already has a thread (and every core a camera
# or several), so more threads only spin against each other (1 thread: ~18 % less CPU per analysed
# 1080p frame, benchmarks/profile_frame.py).
PIPELINE_OPENCV_THREADS = env_int("PIPELINE_OPENCV_THREADS", 1)
# A live camera's frames wait at most this long to be analysed (a worker held up for a moment by a
# busy CPU catches up; older frames are dropped). Frames keep the time they were read.
PIPELINE_MAX_LAG_SECONDS = env_float("PIPELINE_MAX_LAG_SECONDS", 0.5)
if PIPELINE_OPENCV_THREADS < 1:
    raise ValueError(f"PIPELINE_OPENCV_THREADS={PIPELINE_OPENCV_THREADS} must be at least 1")
PIPELINE_SEGMENT_SECONDS = env_float("PIPELINE_SEGMENT_SECONDS", 30.0)
# camera_workers puts up to this many cameras in one worker process (a thread each, one shared
# model). Measured with 10 cameras at 1080p: 93-95 MB RSS / 68-70 MB PSS per camera at 2,
# 64 / 50 at 4, 174-176 / 122-124 at 1 (a process per camera); at 4, under heavy outside CPU
# load, cameras missed 9-10 % of their analyses where 1 and 2 held. 1 also isolates every
# camera (a crash takes one camera down).
CAMERAS_PER_WORKER = env_int("CAMERAS_PER_WORKER", 2)
if CAMERAS_PER_WORKER < 1:
    raise ValueError(f"CAMERAS_PER_WORKER={CAMERAS_PER_WORKER} must be at least 1")
PIPELINE_RECONNECT_AFTER_SECONDS = env_float("PIPELINE_RECONNECT_AFTER_SECONDS", 5.0)
# A live source that cannot be opened is probed again after 0.5, 1, 2 ... up to this many
# seconds (low, so a stream that comes back is used within about this long).
PIPELINE_RECONNECT_MAX_BACKOFF_SECONDS = env_float("PIPELINE_RECONNECT_MAX_BACKOFF_SECONDS", 2.0)
# A live source failing this long puts its camera in `error` (it keeps retrying).
PIPELINE_SOURCE_ERROR_AFTER_SECONDS = env_float("PIPELINE_SOURCE_ERROR_AFTER_SECONDS", 30.0)
# A running camera whose worker showed no progress (heartbeat) for this long is `stalled`
# (admin, camera status API, /healthz).
CAMERA_STALL_SECONDS = env_float("CAMERA_STALL_SECONDS", 20.0)
# Face detector: "haar" (OpenCV's cascade, the default: best recall measured here), or
# "blazeface-short"/"blazeface-full" (needs mediapipe==0.10.21 installed --no-deps; docs/pipeline.md).
PIPELINE_DETECTOR = env_str("PIPELINE_DETECTOR", "haar")

# Bounds on event times (emotions/time_bounds.py): ingest, CSV import and date
# filters refuse times before this local date or this far ahead of the server's clock.
EARLIEST_EVENT_DATE = env_date("EARLIEST_EVENT_DATE", date(2000, 1, 1))
MAX_CLOCK_SKEW_SECONDS = env_int("MAX_CLOCK_SKEW_SECONDS", 300)
if MAX_CLOCK_SKEW_SECONDS < 0:
    raise ValueError(f"MAX_CLOCK_SKEW_SECONDS={MAX_CLOCK_SKEW_SECONDS} must not be negative")

# Bulk ingest (POST /api/events/): more items or bytes than this get 413. Django
# refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (default 2.5 MB) with a bare
# HTML 400 before any view runs, so that limit follows the ingest's.
INGEST_MAX_ITEMS = env_int("INGEST_MAX_ITEMS", 10_000)
INGEST_MAX_BYTES = env_int("INGEST_MAX_BYTES", 8 * 1024 * 1024)
if INGEST_MAX_ITEMS < 1 or INGEST_MAX_BYTES < 1:
    raise ValueError(f"INGEST_MAX_ITEMS={INGEST_MAX_ITEMS} and INGEST_MAX_BYTES={INGEST_MAX_BYTES} must be positive")
DATA_UPLOAD_MAX_MEMORY_SIZE = max(2_621_440, INGEST_MAX_BYTES)

# Privacy (docs/privacy.md). Raw events and visits older than these are purged by
# `manage.py purge_expired` (daily: Celery beat or cron); their counts live on in rollups.
RETENTION_EVENTS_DAYS = env_int("RETENTION_EVENTS_DAYS", 90)
RETENTION_VISITS_DAYS = env_int("RETENTION_VISITS_DAYS", 365)
if RETENTION_EVENTS_DAYS < 1 or RETENTION_VISITS_DAYS < 1:
    raise ValueError("RETENTION_EVENTS_DAYS and RETENTION_VISITS_DAYS must be at least 1")
# Report cells and breakdown values backed by fewer visits than this are shown as suppressed.
MIN_GROUP_SIZE = env_int("MIN_GROUP_SIZE", 5)
# The staff preview (every face blurred): where it is held, and for how long after the last refresh.
PRIVACY_PREVIEW_URL = env_str("PRIVACY_PREVIEW_URL", "")  # empty: the broker; "memory://": this process
PRIVACY_PREVIEW_SECONDS = env_int("PRIVACY_PREVIEW_SECONDS", 30)
# Celery beat (production): the daily purge. Run `celery -A museum_site beat` beside the workers.
CELERY_BEAT_SCHEDULE = {
    "purge-expired-daily": {"task": "emotions.tasks.purge_expired", "schedule": 24 * 3600.0},
}

# MQTT (analytics/mqtt_publisher.py, `manage.py mqtt_publish`): retained JSON per location
# for Node-RED and home automation. Off while MQTT_URL is empty.
MQTT_URL = env_str("MQTT_URL")  # mqtt://[user:password@]host[:1883], mqtts://... for TLS (port 8883)
MQTT_USERNAME = env_str("MQTT_USERNAME")  # over the URL's user, if set
MQTT_PASSWORD = env_str("MQTT_PASSWORD")
MQTT_CA_FILE = env_str("MQTT_CA_FILE")  # mqtts: the broker's CA (default: the system's)
MQTT_TOPIC_PREFIX = env_str("MQTT_TOPIC_PREFIX", "museum").strip("/")
MQTT_SUMMARY_SECONDS = env_float("MQTT_SUMMARY_SECONDS", 60.0)  # every retained message again this often
MQTT_POLL_SECONDS = env_float("MQTT_POLL_SECONDS", 5.0)  # how often changes are looked for
MQTT_THRESHOLD = env_float("MQTT_THRESHOLD", 0.6)  # the summaries' confidence threshold, as the REST default
MQTT_PUBLISH_VISITS = env_bool("MQTT_PUBLISH_VISITS", False)  # <prefix>/<location>/visit per finished visit
# A visit is finished once no flush has extended it for this long (a camera flushes every 2 s).
MQTT_VISIT_QUIET_SECONDS = env_float("MQTT_VISIT_QUIET_SECONDS", 10.0)
if MQTT_POLL_SECONDS <= 0 or MQTT_SUMMARY_SECONDS <= 0 or not 0.0 <= MQTT_THRESHOLD <= 1.0:
    raise ValueError("MQTT_POLL_SECONDS and MQTT_SUMMARY_SECONDS must be positive, MQTT_THRESHOLD within 0..1")

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# ---- Security ---------------------------------------------------------------------

# Failed sign-ins (site login, admin login, API tokens) are throttled per client
# address and per user name with django-axes: after LOGIN_FAILURE_LIMIT failures
# the address / user name is locked for LOGIN_LOCKOUT_MINUTES after the last one
# (museum_site/login_throttle.py).
AUTHENTICATION_BACKENDS = [
    "museum_site.login_throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
LOGIN_LOCKOUT_MINUTES = env_float("LOGIN_LOCKOUT_MINUTES", 15.0)
if LOGIN_FAILURE_LIMIT < 1 or LOGIN_LOCKOUT_MINUTES <= 0:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT must be at least 1 and LOGIN_LOCKOUT_MINUTES positive")
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = "museum_site.login_throttle.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "museum_site.login_throttle.client_address"
AXES_LOCKOUT_CALLABLE = "museum_site.login_throttle.lockout_response"
# Tries during a lockout do not extend it: it ends when Retry-After says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# No start-up banner on every manage.py command; failures and lockouts are still logged.
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy's address: with
# TRUSTED_PROXY_COUNT=n the client address is the n-th from the right of
# X-Forwarded-For (the one the outermost trusted proxy saw). 0 = the connection's
# address; a header nobody trusted is never read (clients can forge it).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# One switch for a site served over HTTPS by the museum's reverse proxy (which must
# set X-Forwarded-Proto): HSTS, plain HTTP redirected to HTTPS, cookies sent only
# over HTTPS. With it, a real SECRET_KEY and DEBUG off, `check --deploy` is clean.
SECURE_HTTPS = env_bool("SECURE_HTTPS", False)
SECURE_SSL_REDIRECT = SECURE_HTTPS
# Monitoring probes /healthz over plain HTTP on the inside network: answer, don't redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if SECURE_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000) if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a browser-vendor list a public domain opts into by hand; a museum's
    # internal host name cannot be on it, so its absence is a decision, not a warning.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# SECURE_COOKIES is the older, cookies-only switch; still honoured.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_HTTPS or env_bool("SECURE_COOKIES", False)

# Content-Security-Policy (django-csp 4): only this site's own files run and style
# the pages; no inline script or style anywhere (Swagger UI's start-up script and
# page style are files, the admin's plots are data: images). Nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
