"""
Search engines behind one interface (`base.SearchEngine`).

`get_engine()` returns the engine named by `settings.PORTAL_SEARCH["ENGINE"]`, one instance per
process and per settings value.
"""

from django.conf import settings
from django.utils.module_loading import import_string

_engines = {}


def get_engine(config=None):
    """Return the engine configured in `config` (default: `settings.PORTAL_SEARCH`)."""
    config = dict(config or settings.PORTAL_SEARCH)
    key = tuple(sorted((name, str(value)) for name, value in config.items()))
    engine = _engines.get(key)
    if engine is None:
        engine_class = import_string(config["ENGINE"])
        engine = engine_class(config)
        _engines[key] = engine
    return engine


def reset_engines():
    """Forget the engine instances, for tests that change settings."""
    _engines.clear()
