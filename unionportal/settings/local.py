"""Settings for the quick start (`make run`) on a developer's or an office's machine."""

from .base import *

DEBUG = env_bool("DEBUG", False)  # off unless DEBUG=true is set
if not SECRET_KEY:
    # `make run` writes a random key into var/secret_key (untracked) on first start.
    _key_file = BASE_DIR / "var" / "secret_key"
    if not _key_file.exists():
        raise ImproperlyConfigured(
            "SECRET_KEY is not set and var/secret_key is missing: run `make run`."
        )
    SECRET_KEY = _key_file.read_text().strip()

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
