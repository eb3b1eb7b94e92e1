"""Keeping spam out without bothering people: a honeypot field and per-address limits."""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "website"
IDEAS_PER_HOUR = 10
COMMENTS_PER_HOUR = 30


def is_bot(data: object) -> bool:
    """A person never fills the hidden honeypot field; form-filling bots do."""
    getter = getattr(data, "get", None)
    return bool(getter and str(getter(HONEYPOT_FIELD, "") or "").strip())


def over_limit(*, kind: str, who: str, limit: int, window_seconds: int = 3600) -> bool:
    """Count one more action of ``kind`` by ``who`` (an address or user id) in a window;
    True when it is past ``limit``. When the cache is unreachable, let the person through:
    losing what they typed would be worse than a little spam."""
    key = f"ratelimit:{kind}:{who.lower()}"
    try:
        cache.add(key, 0, window_seconds)
        count = cache.incr(key)
    except Exception:  # Redis away
        logger.warning("Rate limit cache unreachable; allowing %s by %s", kind, who)
        return False
    return int(count) > limit
