"""Reads for the roadmap pages: the board with each item's why, the public roadmap, the
changelog, and the weekly review's agenda. Each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ideas.models import Idea, ProxyVote, Status, StatusChange, Vote
from portal import cache
from portal.models import Account, Product, User
from roadmap.models import ChangelogEntry, Horizon, ItemStatus, Review, RoadmapEvent, RoadmapItem
from scoring.models import IdeaScore
from scoring.selectors import expand_components

SCORE_RULE = (
    "An item's score is the highest score among the ideas it delivers (an item is worth "
    "what its most valuable idea is worth), unless a PM has given it a score of its own."
)


@dataclass
class ItemWhy:
    """Why an item is on the roadmap: goals, score, what drives the score, demand."""

    score: float | None = None
    score_source: str = ""  # "pm" or the title of the idea that gives it
    top_metrics: list[dict[str, Any]] = field(default_factory=list)
    voters: int = 0
    accounts: list[Account] = field(default_factory=list)
    revenue: Decimal = Decimal(0)


def items_for_board(
    *, product: Product, filters: dict[str, str] | None = None
) -> QuerySet[RoadmapItem]:
    filters = filters or {}
    items = (
        RoadmapItem.objects.filter(product=product)
        .select_related("owner", "release")
        .prefetch_related("goals", "ideas")
    )
    if filters.get("goal", "").isdigit():
        items = items.filter(goals__pk=int(filters["goal"]))
    if filters.get("owner", "").isdigit():
        items = items.filter(owner_id=int(filters["owner"]))
    if filters.get("status") in ItemStatus.values:
        items = items.filter(status=filters["status"])
    return items.distinct()


def item_whys(items: list[RoadmapItem]) -> dict[int, ItemWhy]:
    """The why of many items in five queries: votes per item, the accounts that asked
    (voters' and proxy), those accounts, the open opportunities, and the best ideas'
    score details."""
    whys = {item.pk: ItemWhy() for item in items}
    if not items:
        return whys
    item_ids = list(whys)
    ideas_of = {item.pk: list(item.ideas.all()) for item in items}  # prefetched
    for row in (
        Vote.objects.filter(idea__roadmap_items__in=item_ids)
        .values("idea__roadmap_items")
        .annotate(voters=Count("user", distinct=True))
    ):
        whys[row["idea__roadmap_items"]].voters = row["voters"]
    pairs = set(
        Vote.objects.filter(idea__roadmap_items__in=item_ids, user__account__isnull=False)
        .order_by()  # the default ordering would make DISTINCT keep every vote
        .values_list("idea__roadmap_items", "user__account_id")
        .distinct()
    ) | set(
        ProxyVote.objects.filter(idea__roadmap_items__in=item_ids)
        .order_by()
        .values_list("idea__roadmap_items", "account_id")
        .distinct()
    )
    accounts = {a.pk: a for a in Account.objects.filter(pk__in={a for _, a in pairs})}
    today = timezone.localdate()
    opportunities: dict[int, Decimal] = defaultdict(Decimal)
    for item_id, value in ProxyVote.objects.filter(
        Q(expected_close_date__isnull=True) | Q(expected_close_date__gte=today),
        idea__roadmap_items__in=item_ids,
        opportunity_value__isnull=False,
    ).values_list("idea__roadmap_items", "opportunity_value"):
        opportunities[item_id] += value or Decimal(0)
    for item_id, account_id in pairs:
        whys[item_id].accounts.append(accounts[account_id])
    best: dict[int, Idea] = {}
    for item in items:
        why = whys[item.pk]
        why.accounts.sort(key=lambda a: (-a.arr, a.name))
        why.revenue = sum((a.arr for a in why.accounts), Decimal(0)) + opportunities[item.pk]
        candidates = [i for i in ideas_of[item.pk] if i.status != Status.MERGED]
        if candidates:
            best[item.pk] = max(candidates, key=lambda i: i.score)
        if item.pm_score is not None:
            why.score, why.score_source = item.pm_score, "pm"
        elif item.pk in best:
            why.score, why.score_source = best[item.pk].score, best[item.pk].title
    details = {
        d.idea_id: d
        for d in IdeaScore.objects.filter(idea__in=list(best.values()))
        .select_related("scorecard")
        .prefetch_related("scorecard__metrics")
    }
    for item_id, idea in best.items():
        detail = details.get(idea.pk)
        if detail is not None:
            expanded = expand_components(detail, list(detail.scorecard.metrics.all()))
            whys[item_id].top_metrics = sorted(
                (c for c in expanded if c["contribution"]), key=lambda c: -c["contribution"]
            )[:3]
    return whys


@dataclass
class Board:
    columns: list[tuple[str, str, list[RoadmapItem]]]
    whys: dict[int, ItemWhy]
    releases: list[tuple[Any, list[RoadmapItem]]]
    score_rule: str = SCORE_RULE


def board(*, product: Product, filters: dict[str, str] | None = None) -> Board:
    """Now / Next / Later columns (shipped items last in Now), and a timeline by release."""
    items = list(items_for_board(product=product, filters=filters))
    columns = [(h.value, h.label, [i for i in items if i.horizon == h.value]) for h in Horizon]
    for _, _, column in columns:
        column.sort(key=lambda i: (i.status == ItemStatus.SHIPPED, i.position, i.pk))
    by_release: dict[Any, list[RoadmapItem]] = defaultdict(list)
    for item in items:
        by_release[item.release].append(item)
    releases = sorted(
        by_release.items(),
        key=lambda pair: (
            pair[0] is None,
            getattr(pair[0], "target_date", None) or datetime.max.date(),
        ),
    )
    return Board(columns=columns, whys=item_whys(items), releases=releases)


def public_items(*, product: Product) -> QuerySet[RoadmapItem]:
    """The items the public roadmap shows: public and not yet shipped (shipped ones go to
    the changelog), with only the fields customers may read."""
    return (
        RoadmapItem.objects.filter(product=product, is_public=True)
        .exclude(status=ItemStatus.SHIPPED)
        .order_by("position", "pk")
        .only(
            "pk", "title", "public_title", "public_description", "horizon", "status", "product_id"
        )
    )


ASKED_CACHE_SECONDS = 60


def asked_counts(items: list[RoadmapItem]) -> dict[int, int]:
    """How many people asked for each item (distinct voters on its ideas).

    Counted in one query for the items not in the cache, and kept there for a minute:
    counting the distinct voters of a busy roadmap's items read every one of their
    votes on every view of the public roadmap."""
    return cache.get_or_compute_many(
        {item.pk: f"roadmap:asked:{item.pk}" for item in items}, _count_asked, ASKED_CACHE_SECONDS
    )


def _count_asked(item_ids: list[int]) -> dict[int, int]:
    counts = dict.fromkeys(item_ids, 0)
    for row in (
        Vote.objects.filter(idea__roadmap_items__in=item_ids)
        .values("idea__roadmap_items")
        .annotate(n=Count("user", distinct=True))
    ):
        counts[row["idea__roadmap_items"]] = row["n"]
    return counts


def public_roadmap(*, product: Product) -> list[tuple[str, str, list[tuple[RoadmapItem, int]]]]:
    """Public items by horizon, each with how many people asked (distinct voters). Never
    notes, scores, accounts or revenue."""
    items = list(public_items(product=product))
    asked = asked_counts(items)
    return [
        (h.value, h.label, [(i, asked.get(i.pk, 0)) for i in items if i.horizon == h.value])
        for h in Horizon
    ]


def followable_ideas(items: list[RoadmapItem]) -> dict[int, int]:
    """The idea a visitor follows to hear about each item (its most-voted listed one), as
    item id to idea id: one query of three numbers per idea, no idea loaded."""
    best: dict[int, tuple[int, int]] = {}
    for item_id, idea_id, votes in (
        Idea.objects.listed()
        .filter(roadmap_items__in=items)
        .order_by()
        .values_list("roadmap_items", "pk", "vote_count")
    ):
        if item_id not in best or (votes, idea_id) > best[item_id]:
            best[item_id] = (votes, idea_id)
    return {item_id: idea_id for item_id, (_, idea_id) in best.items()}


def changelog(*, product: Product, limit: int = 50) -> list[ChangelogEntry]:
    """What shipped, newest first; never items kept off the public roadmap."""
    return list(
        ChangelogEntry.objects.filter(product=product).exclude(item__is_public=False)[:limit]
    )


def sales_accounts_per_item(*, user: User, items: list[RoadmapItem]) -> dict[int, list[Account]]:
    """For a sales user: which of the accounts they own asked for each item."""
    owned = {a.pk: a for a in Account.objects.filter(owner=user)}
    if not owned or not items:
        return {}
    pairs = set(
        Vote.objects.filter(idea__roadmap_items__in=items, user__account_id__in=owned)
        .order_by()  # the default ordering would make DISTINCT keep every vote
        .values_list("idea__roadmap_items", "user__account_id")
        .distinct()
    ) | set(
        ProxyVote.objects.filter(idea__roadmap_items__in=items, account_id__in=owned)
        .order_by()
        .values_list("idea__roadmap_items", "account_id")
        .distinct()
    )
    result: dict[int, list[Account]] = defaultdict(list)
    for item_id, account_id in sorted(pairs):
        result[item_id].append(owned[account_id])
    return dict(result)


# --- The weekly review --------------------------------------------------------------------

REVIEW_DEFAULT_WINDOW = timedelta(days=7)


def review_since(*, product: Product, now: datetime | None = None) -> datetime:
    """The agenda covers what changed since the last review held before ``now`` (or, when
    there is none, the week before ``now``)."""
    now = now or timezone.now()
    last = Review.objects.filter(product=product, held_at__lte=now).order_by("-held_at").first()
    return last.held_at if last else now - REVIEW_DEFAULT_WINDOW


@dataclass
class Agenda:
    since: str
    until: str
    status_changes: list[dict[str, Any]]
    moves: list[dict[str, Any]]
    shipped: list[dict[str, Any]]
    score_movers: list[dict[str, Any]]
    new_ideas: list[dict[str, Any]]
    accounts: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_empty(self) -> bool:
        return not any(
            [self.status_changes, self.moves, self.shipped, self.score_movers, self.new_ideas]
        )


def review_agenda(*, product: Product, since: datetime, until: datetime | None = None) -> Agenda:
    """What changed between ``since`` and ``until``: ideas whose status changed (with the
    decision and reason), items moved between horizons, newly shipped, the biggest score
    movers and why they moved, new ideas with the most demand, and the accounts affected.
    Plain data, so a held review keeps it as it was."""
    from scoring.models import ScoreHistory

    until = until or timezone.now()
    window = {"at__gt": since, "at__lte": until}
    changes = list(
        StatusChange.objects.filter(idea__product=product, **window)
        .select_related("idea", "by")
        .prefetch_related("idea__decisions")
        .order_by("at")
    )
    moves = list(
        RoadmapEvent.objects.filter(item__product=product, kind=RoadmapEvent.Kind.MOVED, **window)
        .select_related("item")
        .order_by("at")
    )
    shipped = list(
        RoadmapItem.objects.filter(product=product, shipped_at__gt=since, shipped_at__lte=until)
    )
    history = list(
        ScoreHistory.objects.filter(idea__product=product, previous__isnull=False, **window)
        .select_related("idea")
        .order_by("at")
    )
    first: dict[int, ScoreHistory] = {}
    last: dict[int, ScoreHistory] = {}
    for row in history:
        first.setdefault(row.idea_id, row)
        last[row.idea_id] = row
    movers = sorted(
        (
            {
                "idea_id": idea_id,
                "title": last[idea_id].idea.title,
                "from": round(first[idea_id].previous or 0, 1),
                "to": round(last[idea_id].total, 1),
                "change": round(last[idea_id].total - (first[idea_id].previous or 0), 1),
                "why": sorted({r.get_event_display() for r in history if r.idea_id == idea_id}),
            }
            for idea_id in last
            if abs(last[idea_id].total - (first[idea_id].previous or 0)) >= 0.05
        ),
        key=lambda m: -abs(float(str(m["change"]))),
    )[:10]
    new_ideas = list(
        Idea.objects.listed()
        .filter(product=product, created_at__gt=since, created_at__lte=until)
        .order_by("-vote_count", "-account_count", "-pk")[:10]
    )
    touched = {c.idea_id for c in changes} | {i.pk for i in new_ideas}
    touched |= set(
        Idea.objects.filter(
            roadmap_items__in=[*(i.pk for i in shipped), *(m.item_id for m in moves)]
        ).values_list("pk", flat=True)
    )
    affected = (
        Account.objects.filter(Q(proxy_votes__idea__in=touched) | Q(users__votes__idea__in=touched))
        .distinct()
        .order_by("-arr", "name")[:25]
    )

    def decision_of(change: StatusChange) -> dict[str, str]:
        if change.to_status != Status.DECLINED:
            return {}
        decisions = [
            d
            for d in change.idea.decisions.all()
            if d.decided_at <= change.at + timedelta(seconds=1)
        ]
        if not decisions:
            return {}
        d = max(decisions, key=lambda x: x.decided_at)
        return {"kind": d.get_kind_display(), "reason": d.reason, "workaround": d.workaround}

    return Agenda(
        since=since.isoformat(),
        until=until.isoformat(),
        status_changes=[
            {
                "idea_id": c.idea_id,
                "title": c.idea.title,
                "from": c.get_from_status_display(),
                "to": c.get_to_status_display(),
                "note": c.note,
                "by": c.by.display_name if c.by else "",
                "at": c.at.isoformat(),
                "decision": decision_of(c),
            }
            for c in changes
        ],
        moves=[
            {
                "item_id": m.item_id,
                "title": m.item.title,
                "from": Horizon(m.from_value).label
                if m.from_value in Horizon.values
                else m.from_value,
                "to": Horizon(m.to_value).label if m.to_value in Horizon.values else m.to_value,
                "at": m.at.isoformat(),
            }
            for m in moves
        ],
        shipped=[{"item_id": i.pk, "title": i.title} for i in shipped],
        score_movers=movers,
        new_ideas=[
            {
                "idea_id": i.pk,
                "title": i.title,
                "votes": i.vote_count,
                "accounts": i.account_count,
                "revenue": str(i.revenue_at_stake),
            }
            for i in new_ideas
        ],
        accounts=[{"id": a.pk, "name": a.name, "arr": str(a.arr)} for a in affected],
    )
