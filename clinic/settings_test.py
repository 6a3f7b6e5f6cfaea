"""Test settings: the same module, with fast hashing, eager Celery and mail kept in memory."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
# A fixed data key, inherited by the worker and server processes that tests start.
os.environ.setdefault("DATA_KEYS", "dGVzdC1vbmx5LWRhdGEta2V5LW5vdC1zZWNyZXQtMzI=")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Throttling has its own tests; elsewhere it would only make tests order-dependent.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {  # noqa: F405
    "user": "100000/min",
    "login_ip": "100000/min",
    "login_account": "100000/min",
}
# Clinics in tests ask for no second factor unless a test says so (tests of it set the field).
TWO_FACTOR_REQUIRED_DEFAULT = False
