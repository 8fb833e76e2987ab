"""The client's address behind trusted reverse proxies, and per-client counters in the cache."""

import functools
import hashlib
import ipaddress
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=8)
def _trusted_networks(proxies):
    networks = []
    for entry in proxies:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            logger.error("PORTAL_TRUSTED_PROXIES entry %r is not an IP address or network; it is ignored", entry)
    return tuple(networks)


def _is_trusted(address, networks):
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def client_address(request):
    """
    Return the client's IP address.

    X-Forwarded-For is read only when the direct peer (REMOTE_ADDR) is a proxy listed in
    PORTAL_TRUSTED_PROXIES (addresses or networks, empty by default). The client is then the
    last address in the header that is not a trusted proxy, because each proxy appends the
    address it saw. A client that connects directly cannot choose its address with the header.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _trusted_networks(tuple(settings.PORTAL_TRUSTED_PROXIES))
    if not networks or not _is_trusted(remote, networks):
        return remote

    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address, networks):
            return address
    return remote


def cache_key(prefix, value):
    """Return a cache key for `value` that does not contain it (addresses and codes are personal data)."""
    return f"{prefix}:{hashlib.sha256(value.encode()).hexdigest()}"


def add_to_counter(key, amount, window):
    """Add `amount` to the counter `key`, which starts at zero and expires `window` seconds after its first use; return the total."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key, amount)
    except ValueError:
        # The key expired between add() and incr(): this is the first use of a new window.
        cache.set(key, amount, timeout=window)
        return amount
