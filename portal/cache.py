"""The cache as a help, never a dependency: when Redis is away, pages work without it.

Counts, ranks and lists kept in the cache can always be read from the database again.
A failed cache call counts as a miss (or does nothing), and after one failure this
process leaves the cache alone for a few seconds, so a page never waits out one refused
connection per cached value.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = 5.0
_down_until = 0.0


def _available() -> bool:
    return time.monotonic() >= _down_until


def _failed(operation: str) -> None:
    global _down_until
    _down_until = time.monotonic() + BACKOFF_SECONDS
    logger.warning(
        "The cache failed (%s); reading from the database for %.0f s",
        operation,
        BACKOFF_SECONDS,
    )


def get_many(keys: Iterable[str]) -> dict[str, Any]:
    """The cached values of ``keys`` that are there; none when the cache is away."""
    if not _available():
        return {}
    try:
        return cache.get_many(list(keys))
    except Exception:  # Redis away or failing: a miss
        _failed("get")
        return {}


def get(key: str) -> Any:
    return get_many([key]).get(key)


def set_many(values: Mapping[str, Any], timeout: float) -> None:
    if not values or not _available():
        return
    try:
        cache.set_many(dict(values), timeout)
    except Exception:  # Redis away or failing: the next reader reads the database
        _failed("set")


def add(key: str, value: Any, timeout: float) -> bool:
    """Set ``key`` unless it is there: True when this call set it, and also when the cache
    is away (the caller then goes ahead as if it were the first)."""
    if not _available():
        return True
    try:
        return bool(cache.add(key, value, timeout))
    except Exception:  # Redis away or failing: go ahead
        _failed("add")
        return True


def delete_many(keys: Iterable[str]) -> None:
    """Forget values. Tried even during a backoff: a stale value is worse than a wait."""
    keys = list(keys)
    if not keys:
        return
    try:
        cache.delete_many(keys)
    except Exception:  # Redis away: they come back empty or expire
        _failed("delete")


def delete(key: str) -> None:
    delete_many([key])


def get_or_compute_many[K, V](
    keys: Mapping[K, str], compute: Callable[[list[K]], Mapping[K, V]], timeout: float
) -> dict[K, V]:
    """The value for each of ``keys`` (a thing -> its cache key): from the cache where it
    is there, and from one call of ``compute`` for all the missing ones, which are then
    kept for ``timeout`` seconds."""
    cached = get_many(keys.values())
    found: dict[K, V] = {k: cached[key] for k, key in keys.items() if key in cached}
    missing = [k for k in keys if k not in found]
    if missing:
        fresh = compute(missing)
        set_many({keys[k]: v for k, v in fresh.items()}, timeout)
        found.update(fresh)
    return found
