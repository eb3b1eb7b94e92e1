"""Suggested themes, computed in the background and kept in the cache for the page.

Celery's ``autodiscover_tasks`` imports only ``ideas.tasks``: a worker knows this task
once ``ideas.tasks`` imports this module.
"""

from __future__ import annotations

import time

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from ideas import theme_selectors
from ideas.theme_selectors import CachedGroup, CachedSuggestions
from ideas.themes import suggest_groups


def theme_suggestions_refresh(*, product_id: int) -> CachedSuggestions:
    """Group the product's open ideas by what they say, note the accounts behind each
    group, and cache the result for the suggestions page. Safe to run twice: the second
    run replaces the first. About ten seconds for 100,000 ideas (see bench/)."""
    started = time.perf_counter()
    texts = list(theme_selectors.suggestion_texts(product_id=product_id))
    groups = suggest_groups(texts)
    asked = theme_selectors.accounts_by_idea(product_id=product_id) if groups else {}
    group_accounts = [
        {account for pk in group.ids for account in asked.get(pk, ())} for group in groups
    ]
    order = {
        pk: n
        for n, pk in enumerate(
            theme_selectors.accounts_by_arr(account_ids=set().union(*group_accounts))
        )
    }
    cached: list[CachedGroup] = [
        {
            "key": theme_selectors.group_key(group.ids),
            "name": group.name,
            "terms": list(group.terms),
            "idea_ids": list(group.ids),
            "account_ids": sorted(accounts, key=order.__getitem__),
        }
        for group, accounts in zip(groups, group_accounts, strict=True)
    ]
    result: CachedSuggestions = {
        "version": theme_selectors.CACHE_VERSION,
        "computed_at": timezone.now(),
        "seconds": round(time.perf_counter() - started, 2),
        "ideas_considered": len(texts),
        "groups": cached,
    }
    cache.set(
        theme_selectors.suggestions_cache_key(product_id), result, theme_selectors.CACHE_SECONDS
    )
    cache.delete(theme_selectors.suggestions_queued_key(product_id))
    return result


def theme_suggestions_request(*, product_id: int) -> bool:
    """Ask a worker to recompute the product's suggestions, and note when it was asked
    so the page can say so until the result is in. True when the result is already in
    (the embedded mode, without Redis, runs tasks in the web process)."""
    asked_at = timezone.now()
    cache.set(theme_selectors.suggestions_queued_key(product_id), asked_at, 15 * 60)
    compute_theme_suggestions.delay(product_id)
    done = theme_selectors.cached_suggestions(product_id=product_id)
    return done is not None and done["computed_at"] >= asked_at


# Longer limits than the default: a product with 100,000 ideas needs tens of seconds, and
# the hard limit stays under the broker's visibility timeout so the task is not re-sent.
@shared_task(
    name="ideas.theme_tasks.compute_theme_suggestions",
    ignore_result=True,
    soft_time_limit=180,
    time_limit=240,
)
def compute_theme_suggestions(product_id: int) -> int:
    """Recompute a product's suggested themes. Returns how many groups were found."""
    return len(theme_suggestions_refresh(product_id=product_id)["groups"])
