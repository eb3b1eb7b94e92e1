"""Reads for the themes pages: per-theme demand and trend, and the suggested themes.

The themes page costs five queries whatever the number of themes, ideas and votes; the
suggestions page three. Suggested groups are computed in the background
(``ideas.theme_tasks``) and kept in Django's cache, one entry per product.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypedDict, cast

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from ideas.models import Idea, ProxyVote, Status, Theme, Vote
from ideas.themes import MIN_GROUP_SIZE, IdeaText
from portal.models import Account, Product

TREND_WEEKS = 12
# The trend chart, in SVG user units: one bar per week.
CHART_WIDTH, CHART_HEIGHT, BAR_STEP, BAR_WIDTH = 120, 32, 10, 7
# Ideas that get no suggestion: they are settled, or were merged into another.
SETTLED = (Status.MERGED, Status.DECLINED, Status.SHIPPED)
SUGGESTIONS_SHOWN = 30
TITLES_SHOWN = 5
ACCOUNTS_SHOWN = 6
CACHE_VERSION = 1
# Suggestions stay a week; a recompute replaces them sooner.
CACHE_SECONDS = 7 * 24 * 3600

ThemeIdea = Idea.themes.through


# --- Themes and their demand -----------------------------------------------------------


@dataclass(frozen=True)
class TrendWeek:
    """One bar of the trend chart: votes cast in the week starting ``starts``."""

    starts: date
    votes: int
    x: int
    y: float
    height: float


@dataclass
class ThemeRow:
    theme: Theme
    ideas: int = 0
    voters: int = 0
    accounts: int = 0
    revenue_at_stake: Decimal = Decimal(0)
    trend: list[TrendWeek] = field(default_factory=list)

    @property
    def trend_total(self) -> int:
        return sum(week.votes for week in self.trend)

    @property
    def trend_peak(self) -> int:
        return max((week.votes for week in self.trend), default=0)


def _listed_links(product: Product) -> QuerySet[Any]:
    """(idea, theme) links of the product whose idea is listed: confirmed, approved and
    not merged away (its votes moved to the survivor)."""
    return (
        ThemeIdea.objects.filter(
            theme__product=product, idea__confirmed_at__isnull=False, idea__is_approved=True
        )
        .exclude(idea__status=Status.MERGED)
        .order_by()
    )


def trend_weeks(today: date) -> list[date]:
    """The Mondays of the last ``TREND_WEEKS`` weeks, the current week last."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]


def _bars(weeks: list[date], votes: dict[date, int]) -> list[TrendWeek]:
    peak = max(votes.values(), default=0)
    bars = []
    for n, starts in enumerate(weeks):
        count = votes.get(starts, 0)
        # An empty week still shows a hairline, so the 12 slots read as a time axis.
        height = max(1.0, round(count / peak * (CHART_HEIGHT - 2), 1)) if peak else 1.0
        bars.append(
            TrendWeek(
                starts=starts, votes=count, x=n * BAR_STEP, y=CHART_HEIGHT - height, height=height
            )
        )
    return bars


def _accounts_and_arr(links: QuerySet[Any]) -> dict[int, tuple[int, Decimal]]:
    """Per theme: the distinct accounts that asked (its voters' accounts and the accounts
    of proxy votes, each once) and the sum of their ARR. One query: a UNION of the two
    (theme, account) sets, counted and summed by the database."""
    voters = links.filter(idea__votes__user__account__isnull=False).values(
        t=F("theme_id"),
        a=F("idea__votes__user__account_id"),
        arr=F("idea__votes__user__account__arr"),
    )
    proxies = links.filter(idea__proxy_votes__isnull=False).values(
        t=F("theme_id"),
        a=F("idea__proxy_votes__account_id"),
        arr=F("idea__proxy_votes__account__arr"),
    )
    union_sql, params = voters.union(proxies).query.sql_with_params()
    sql = f"SELECT u.t, COUNT(*), SUM(u.arr) FROM ({union_sql}) AS u GROUP BY u.t"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            theme_id: (count, Decimal(str(arr or 0))) for theme_id, count, arr in cursor.fetchall()
        }


def theme_rows(*, product: Product, today: date | None = None) -> list[ThemeRow]:
    """Every theme of the product with its demand and its weekly votes, largest revenue
    at stake first. Five queries whatever the number of themes, ideas and votes."""
    today = today or timezone.localdate()
    links = _listed_links(product)
    listed = Q(
        ideas__confirmed_at__isnull=False,
        ideas__is_approved=True,
        ideas__status__in=[s for s in Status.values if s != Status.MERGED],
    )
    rows = {
        theme.pk: ThemeRow(theme=theme, ideas=theme.idea_count)
        for theme in Theme.objects.filter(product=product).annotate(
            idea_count=Count("ideas", filter=listed)
        )
    }
    for theme_id, voters in (
        links.values("theme_id")
        .annotate(n=Count("idea__votes__user_id", distinct=True))
        .values_list("theme_id", "n")
    ):
        rows[theme_id].voters = voters
    for theme_id, (accounts, arr) in _accounts_and_arr(links).items():
        rows[theme_id].accounts = accounts
        rows[theme_id].revenue_at_stake = arr
    open_opportunity = Q(idea__proxy_votes__opportunity_value__isnull=False) & (
        Q(idea__proxy_votes__expected_close_date__isnull=True)
        | Q(idea__proxy_votes__expected_close_date__gte=today)
    )
    for theme_id, opportunities in (
        links.values("theme_id")
        .annotate(total=Sum("idea__proxy_votes__opportunity_value", filter=open_opportunity))
        .values_list("theme_id", "total")
    ):
        rows[theme_id].revenue_at_stake += opportunities or Decimal(0)
    weeks = trend_weeks(today)
    since = timezone.make_aware(datetime.combine(weeks[0], time.min))
    votes: dict[int, dict[date, int]] = {pk: {} for pk in rows}
    for theme_id, week, count in (
        links.filter(idea__votes__created_at__gte=since)
        .annotate(week=TruncWeek("idea__votes__created_at"))
        .values("theme_id", "week")
        .annotate(n=Count("idea__votes__id"))
        .values_list("theme_id", "week", "n")
    ):
        votes[theme_id][timezone.localtime(week).date()] = count
    for theme_id, row in rows.items():
        row.trend = _bars(weeks, votes[theme_id])
    return sorted(
        rows.values(),
        key=lambda r: (-r.revenue_at_stake, -r.voters, -r.ideas, r.theme.name.lower()),
    )


# --- Suggested themes ------------------------------------------------------------------


class CachedGroup(TypedDict):
    key: str
    name: str
    terms: list[str]
    idea_ids: list[int]
    # Accounts that asked for the group's ideas when it was computed, most ARR first.
    account_ids: list[int]


class CachedSuggestions(TypedDict):
    version: int
    computed_at: datetime
    seconds: float
    ideas_considered: int
    groups: list[CachedGroup]


def suggestions_cache_key(product_id: int) -> str:
    return f"ideas:theme-suggestions:{product_id}"


def suggestions_queued_key(product_id: int) -> str:
    return f"ideas:theme-suggestions:{product_id}:queued"


def group_key(idea_ids: Iterable[int]) -> str:
    """A name for a group that stays the same while its ideas do, across recomputes."""
    text = ",".join(str(pk) for pk in sorted(idea_ids))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _open_ideas(product_id: int) -> QuerySet[Idea]:
    """Ideas a theme is suggested for: listed, not settled, and not yet in a theme."""
    return (
        Idea.objects.listed()
        .filter(product_id=product_id, themes__isnull=True)
        .exclude(status__in=SETTLED)
    )


def suggestion_texts(*, product_id: int) -> Iterator[IdeaText]:
    """The open ideas of the product as texts to group, most-voted first."""
    rows = (
        _open_ideas(product_id)
        .order_by("-vote_count", "-pk")
        .values_list("pk", "title", "problem")
        .iterator(chunk_size=5000)
    )
    for pk, title, problem in rows:
        yield IdeaText(id=pk, title=title, body=problem)


def accounts_by_idea(*, product_id: int) -> dict[int, set[int]]:
    """For each open idea that somebody asked for: the accounts behind it (voters'
    accounts and proxy votes). Two queries; for the background job, not for pages."""
    ideas = _open_ideas(product_id).values("pk")
    asked: dict[int, set[int]] = {}
    for idea_id, account_id in (
        Vote.objects.filter(idea__in=ideas, user__account__isnull=False)
        .values_list("idea_id", "user__account_id")
        .distinct()
        .iterator(chunk_size=20000)
    ):
        asked.setdefault(idea_id, set()).add(account_id)
    for idea_id, account_id in (
        ProxyVote.objects.filter(idea__in=ideas)
        .values_list("idea_id", "account_id")
        .iterator(chunk_size=20000)
    ):
        asked.setdefault(idea_id, set()).add(account_id)
    return asked


def accounts_by_arr(*, account_ids: Iterable[int]) -> list[int]:
    """These accounts, most ARR first (one query)."""
    return list(
        Account.objects.filter(pk__in=set(account_ids))
        .order_by("-arr", "name", "pk")
        .values_list("pk", flat=True)
    )


def cached_suggestions(*, product_id: int) -> CachedSuggestions | None:
    value = cache.get(suggestions_cache_key(product_id))
    if not isinstance(value, dict) or value.get("version") != CACHE_VERSION:
        return None
    return cast(CachedSuggestions, value)


@dataclass(frozen=True)
class SuggestedIdea:
    pk: int
    title: str
    vote_count: int


@dataclass
class SuggestedGroup:
    key: str
    name: str
    terms: list[str]
    size: int
    ideas: list[SuggestedIdea]
    account_count: int
    accounts: list[Account]
    # Ideas of the group that were themed, merged or settled since it was computed.
    gone: int = 0

    @property
    def more_ideas(self) -> int:
        return self.size - len(self.ideas)

    @property
    def more_accounts(self) -> int:
        return self.account_count - len(self.accounts)


@dataclass
class SuggestionsPage:
    computed_at: datetime | None
    seconds: float = 0.0
    ideas_considered: int = 0
    groups: list[SuggestedGroup] = field(default_factory=list)
    # Smaller groups not shown yet: they move up as the shown ones are accepted.
    more_groups: int = 0
    queued_at: datetime | None = None

    @property
    def recompute_pending(self) -> bool:
        """A recompute was asked for after the suggestions shown were computed."""
        if self.queued_at is None:
            return False
        return self.computed_at is None or self.queued_at > self.computed_at


def _current_groups(
    product: Product, cached: CachedSuggestions, limit: int
) -> list[tuple[CachedGroup, list[SuggestedIdea]]]:
    """The largest ``limit`` cached groups, each with its ideas that are still open (in
    the cached order, most-voted first). One query."""
    chosen = cached["groups"][:limit]
    wanted = {pk for group in chosen for pk in group["idea_ids"]}
    still_open = {
        pk: SuggestedIdea(pk=pk, title=title, vote_count=votes)
        for pk, title, votes in _open_ideas(product.pk)
        .filter(pk__in=wanted)
        .values_list("pk", "title", "vote_count")
    }
    return [
        (group, [still_open[pk] for pk in group["idea_ids"] if pk in still_open])
        for group in chosen
    ]


def suggestions_page(*, product: Product) -> SuggestionsPage:
    """The cached suggested themes of the product, as the page shows them: each group's
    size now, its first ideas, and the accounts that asked. Three queries at most:
    ideas still open, accounts to name, and none at all when nothing is cached."""
    queued_at = cache.get(suggestions_queued_key(product.pk))
    cached = cached_suggestions(product_id=product.pk)
    if cached is None:
        return SuggestionsPage(computed_at=None, queued_at=queued_at)
    groups = [
        (group, ideas)
        for group, ideas in _current_groups(product, cached, SUGGESTIONS_SHOWN)
        if len(ideas) >= MIN_GROUP_SIZE
    ]
    named = {pk for group, _ in groups for pk in group["account_ids"][:ACCOUNTS_SHOWN]}
    accounts = {a.pk: a for a in Account.objects.filter(pk__in=named)} if named else {}
    return SuggestionsPage(
        computed_at=cached["computed_at"],
        seconds=cached["seconds"],
        ideas_considered=cached["ideas_considered"],
        more_groups=max(0, len(cached["groups"]) - SUGGESTIONS_SHOWN),
        queued_at=queued_at,
        groups=[
            SuggestedGroup(
                key=group["key"],
                name=group["name"],
                terms=group["terms"],
                size=len(ideas),
                ideas=ideas[:TITLES_SHOWN],
                account_count=len(group["account_ids"]),
                accounts=[
                    accounts[pk] for pk in group["account_ids"][:ACCOUNTS_SHOWN] if pk in accounts
                ],
                gone=len(group["idea_ids"]) - len(ideas),
            )
            for group, ideas in groups
        ],
    )


def suggested_ideas(*, product: Product, key: str) -> list[Idea] | None:
    """The ideas of one cached suggestion that are still open, to tag them; None when no
    such suggestion is cached (it was recomputed away, or the cache expired)."""
    cached = cached_suggestions(product_id=product.pk)
    if cached is None:
        return None
    group = next((g for g in cached["groups"] if g["key"] == key), None)
    if group is None:
        return None
    order = {pk: n for n, pk in enumerate(group["idea_ids"])}
    ideas = list(_open_ideas(product.pk).filter(pk__in=order).only("pk", "product_id", "title"))
    return sorted(ideas, key=lambda idea: order[idea.pk])
