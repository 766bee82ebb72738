"""Settings for the test suite: the real PostgreSQL (and Redis when REDIS_URL is set)."""

from .base import *

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PRIVATE_ROOT = BASE_DIR / "var" / "test-private"
MEDIA_ROOT = PRIVATE_ROOT
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Tasks run in-process in ordinary tests, so a test never waits on a worker that is not there;
# the tests that need a real worker start Celery's test worker against REDIS_URL themselves.
CELERY_TASK_ALWAYS_EAGER = True
