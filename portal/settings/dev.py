"""Settings for a developer's machine and for `make demo`: debug on, local hosts only."""

import os

from .base import *  # noqa: F403

DEBUG = True
# A fixed key is fine here: dev settings never serve the public. production.py requires its own.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-key-not-for-production-3c5e1f2a")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")  # noqa: F405

try:
    from .local import *  # noqa: F403
except ImportError:
    pass
