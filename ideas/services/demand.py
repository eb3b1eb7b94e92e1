"""Demand on ideas: proxy votes, accounts that asked, revenue at stake."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from ideas.models import (
    Follow,
    Idea,
    Importance,
    ProxyVote,
    ProxyVoteRevision,
    Source,
    Vote,
)
from ideas.services.requests import (
    request_vote_added,
    request_vote_importance_changed,
    request_vote_removed,
    requests_refresh,
)
from ideas.signals import demand_changed
from portal.access import can_view_product
from portal.models import Account, User

logger = logging.getLogger(__name__)


# --- Demand: accounts, revenue at stake, importance --------------------------------------


def idea_demand_refresh(
    *, idea_ids: Iterable[int], request_accounts: Iterable[int] | None = None
) -> None:
    """Recompute the stored demand of these ideas from votes and proxy votes.

    An account counts once per idea however many of its users voted and whether or not
    sales also recorded a proxy vote for it. Revenue at stake is the ARR of those accounts
    plus the value of open opportunities (no close date, or one not yet passed).

    The ideas' requests per account are rebuilt too: every account's, or with
    ``request_accounts`` only those accounts' (none when it is empty)."""
    idea_ids = list(idea_ids)
    today = timezone.localdate()
    for idea_id in idea_ids:
        voter_accounts = set(
            Vote.objects.filter(idea_id=idea_id, user__account__isnull=False)
            .order_by()  # the default ordering would make DISTINCT keep every vote
            .values_list("user__account_id", flat=True)
            .distinct()
        )
        proxies = list(
            ProxyVote.objects.filter(idea_id=idea_id).only(
                "account_id", "importance", "opportunity_value", "expected_close_date"
            )
        )
        accounts = voter_accounts | {p.account_id for p in proxies}
        arr = Account.objects.filter(pk__in=accounts).aggregate(total=Sum("arr"))["total"]
        opportunities = sum(
            (p.opportunity_value or Decimal(0) for p in proxies if p.opportunity_is_open(today)),
            start=Decimal(0),
        )
        counts = dict.fromkeys(Importance.values, 0)
        for row in (
            Vote.objects.filter(idea_id=idea_id)
            .exclude(importance="")
            .values("importance")
            .annotate(n=Count("pk"))
        ):
            counts[row["importance"]] += row["n"]
        for proxy in proxies:
            counts[proxy.importance] += 1
        Idea.objects.filter(pk=idea_id).update(
            account_count=len(accounts),
            revenue_at_stake=(arr or Decimal(0)) + opportunities,
            demand_nice_to_have=counts[Importance.NICE_TO_HAVE],
            demand_important=counts[Importance.IMPORTANT],
            demand_critical=counts[Importance.CRITICAL],
            demand_deal_blocker=counts[Importance.DEAL_BLOCKER],
        )
    requests_refresh(idea_ids=idea_ids, account_ids=request_accounts)
    if idea_ids:
        demand_changed.send(sender=Idea, idea_ids=list(idea_ids))


DEMAND_FIELD = {
    Importance.NICE_TO_HAVE: "demand_nice_to_have",
    Importance.IMPORTANT: "demand_important",
    Importance.CRITICAL: "demand_critical",
    Importance.DEAL_BLOCKER: "demand_deal_blocker",
}


class LockedIdea(NamedTuple):
    """What a vote reads of its idea under the idea's row lock."""

    pk: int
    product_id: int
    status: str
    vote_count: int
    trending_score: float


@dataclass
class DemandChange:
    """What one vote changes in its idea's stored demand: how many more (or fewer)
    voters said each importance, and whether the voter's account starts (1) or stops
    (-1) asking, its ARR coming or going with it."""

    by_importance: dict[str, int] = field(default_factory=dict)  # demand field -> change
    account: int = 0
    account_id: int | None = None


def vote_demand_change(
    *, idea: LockedIdea, user: User, sign: int, importance: str, old_importance: str = ""
) -> DemandChange:
    """What one customer vote cast (``sign`` 1) or withdrawn (-1) changes in the idea's
    stored demand; the caller holds the idea's row lock (``idea`` as read under it) and
    has already inserted or deleted the vote. Exact, and the same as idea_demand_refresh
    would store, without recounting the idea's votes: the voter's account's request row
    (kept here) says whether the account starts or stops asking, and only then do the
    account count and its ARR change. ``old_importance`` is for a vote whose importance
    changed (``sign`` 0)."""
    change = DemandChange(account_id=user.account_id)
    if importance:
        change.by_importance[DEMAND_FIELD[Importance(importance)]] = sign or 1
    if old_importance:
        change.by_importance[DEMAND_FIELD[Importance(old_importance)]] = -1
    if user.account_id is None:
        return change
    if not sign:
        request_vote_importance_changed(
            idea_id=idea.pk, account_id=user.account_id, old=old_importance, new=importance
        )
    elif sign > 0 and request_vote_added(
        idea_id=idea.pk,
        product_id=idea.product_id,
        status=idea.status,
        account_id=user.account_id,
        importance=importance,
    ):
        change.account = 1
    elif sign < 0 and request_vote_removed(
        idea_id=idea.pk, account_id=user.account_id, importance=importance
    ):
        change.account = -1
    return change


def ideas_with_opportunities_closed_since(*, days: int) -> list[int]:
    today = timezone.localdate()
    return sorted(
        set(
            ProxyVote.objects.filter(
                opportunity_value__isnull=False,
                expected_close_date__lt=today,
                expected_close_date__gte=today - timedelta(days=days),
            ).values_list("idea_id", flat=True)
        )
    )


def proxy_vote_record(
    *,
    idea: Idea,
    account: Account,
    recorded_by: User,
    importance: str,
    source: str,
    note: str = "",
    opportunity_value: Decimal | None = None,
    expected_close_date: date | None = None,
    contact: User | None = None,
    contact_name: str = "",
    contact_email: str = "",
) -> ProxyVote:
    """Record (or update) that an account wants an idea. Sales, support, PMs and admins
    only; the previous version is kept in the history."""
    if not recorded_by.is_team_member:
        raise PermissionDenied("Only sales, support and product managers record proxy votes.")
    if not can_view_product(recorded_by, idea.product):
        raise PermissionDenied("You cannot see this product.")
    if importance not in Importance.values:
        raise ValueError(f"Unknown importance {importance!r}")
    if source not in Source.values:
        raise ValueError(f"Unknown source {source!r}")
    if opportunity_value is not None and opportunity_value < 0:
        raise ValueError("The opportunity value cannot be negative.")
    if contact is not None and contact.account_id != account.pk:
        raise ValueError("The contact is not a user of this account.")
    now = timezone.now()
    fields = {
        "recorded_by": recorded_by,
        "importance": importance,
        "source": source,
        "note": note.strip(),
        "opportunity_value": opportunity_value,
        "expected_close_date": expected_close_date,
        "contact": contact,
        "contact_name": contact_name.strip() or (contact.display_name if contact else ""),
        "contact_email": (contact_email.strip() or (contact.email if contact else "")).lower(),
        "updated_at": now,
    }
    with transaction.atomic():
        Idea.objects.select_for_update().only("pk").get(pk=idea.pk)
        proxy, created = ProxyVote.objects.update_or_create(
            idea=idea,
            account=account,
            defaults=fields,
            create_defaults={**fields, "created_at": now},
        )
        _proxy_revision(
            proxy,
            ProxyVoteRevision.Action.RECORDED if created else ProxyVoteRevision.Action.UPDATED,
            by=recorded_by,
        )
        if contact is not None:
            Follow.objects.get_or_create(idea=idea, user=contact)
        Follow.objects.get_or_create(idea=idea, user=recorded_by)
        idea_demand_refresh(idea_ids=[idea.pk], request_accounts=[account.pk])
    return proxy


def proxy_vote_withdraw(*, proxy_vote: ProxyVote, by: User) -> None:
    """Withdraw a proxy vote: by the team, or by the customer named as its contact."""
    if not (by.is_team_member or proxy_vote.contact_id == by.pk):
        raise PermissionDenied("Only the team or the named contact can withdraw this.")
    with transaction.atomic():
        Idea.objects.select_for_update().only("pk").get(pk=proxy_vote.idea_id)
        _proxy_revision(proxy_vote, ProxyVoteRevision.Action.WITHDRAWN, by=by)
        proxy_vote.delete()
        idea_demand_refresh(idea_ids=[proxy_vote.idea_id], request_accounts=[proxy_vote.account_id])


def _proxy_revision(proxy: ProxyVote, action: str, *, by: User) -> None:
    ProxyVoteRevision.objects.create(
        idea_id=proxy.idea_id,
        account_id=proxy.account_id,
        action=action,
        by=by,
        importance=proxy.importance,
        opportunity_value=proxy.opportunity_value,
        expected_close_date=proxy.expected_close_date,
        source=proxy.source,
        note=proxy.note,
        contact_name=proxy.contact_name,
        contact_email=proxy.contact_email,
    )
