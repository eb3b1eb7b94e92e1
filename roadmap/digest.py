"""The Monday email to each product's PMs with the weekly review's agenda, and the agenda
shaped for templates (the review pages and this email read it the same way).

The agenda is plain JSON (``Agenda.as_json()``, kept on a held ``Review``): dates as ISO
strings, money as decimal strings. ``agenda_shown`` turns either into what a template
needs, so a held review renders from its stored JSON exactly as the live agenda does.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from ideas.models import OutboundEmail, Status
from ideas.services import email_enqueue
from portal.models import Product, Role, User
from roadmap.models import Review
from roadmap.selectors import review_agenda, review_since

logger = logging.getLogger(__name__)

PM_ROLES = (Role.PM, Role.ADMIN)
_STATUS_BY_LABEL = {label: value for value, label in Status.choices}


@dataclass
class ShownAgenda:
    """An agenda ready for a template: datetimes parsed, money as Decimal, each status
    change with the status values its badges need. Built from JSON only: no queries."""

    since: datetime | None
    until: datetime | None
    status_changes: list[dict[str, Any]] = field(default_factory=list)
    moves: list[dict[str, Any]] = field(default_factory=list)
    shipped: list[dict[str, Any]] = field(default_factory=list)
    score_movers: list[dict[str, Any]] = field(default_factory=list)
    new_ideas: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def decisions(self) -> list[dict[str, Any]]:
        return [c for c in self.status_changes if c["decision"]]

    @property
    def change_count(self) -> int:
        """What there is to talk about (the accounts follow from these)."""
        return (
            len(self.status_changes)
            + len(self.moves)
            + len(self.shipped)
            + len(self.score_movers)
            + len(self.new_ideas)
        )

    @property
    def is_empty(self) -> bool:
        return self.change_count == 0

    @property
    def summary(self) -> str:
        """“2 status changes, 1 shipped”: what is on it, in a few words."""
        parts = [
            (len(self.status_changes), "status change", "status changes"),
            (len(self.moves), "move", "moves"),
            (len(self.shipped), "shipped", "shipped"),
            (len(self.score_movers), "score mover", "score movers"),
            (len(self.new_ideas), "new idea", "new ideas"),
        ]
        words = [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]
        return ", ".join(words) or "Nothing changed"


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _money(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def _rows(data: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    rows = data.get(key) or []
    return [dict(row) for row in rows if isinstance(row, Mapping)]


def agenda_shown(data: Mapping[str, Any]) -> ShownAgenda:
    """The agenda JSON (live or as stored on a held review) shaped for templates.
    Tolerates keys missing from agendas stored by older code."""
    changes = _rows(data, "status_changes")
    for change in changes:
        change["at"] = _when(change.get("at"))
        change["from_status"] = _STATUS_BY_LABEL.get(change.get("from", ""), "")
        change["to_status"] = _STATUS_BY_LABEL.get(change.get("to", ""), "")
        change["decision"] = dict(change.get("decision") or {})
    moves = _rows(data, "moves")
    for move in moves:
        move["at"] = _when(move.get("at"))
    movers = _rows(data, "score_movers")
    for mover in movers:
        mover["why"] = list(mover.get("why") or [])
    new_ideas = _rows(data, "new_ideas")
    for idea in new_ideas:
        idea["revenue"] = _money(idea.get("revenue", 0))
    accounts = _rows(data, "accounts")
    for account in accounts:
        account["arr"] = _money(account.get("arr", 0))
    return ShownAgenda(
        since=_when(data.get("since")),
        until=_when(data.get("until")),
        status_changes=changes,
        moves=moves,
        shipped=_rows(data, "shipped"),
        score_movers=movers,
        new_ideas=new_ideas,
        accounts=accounts,
    )


# --- The Monday digest ------------------------------------------------------------------


def product_pms(*, product: Product) -> QuerySet[User]:
    """The product's team members who manage it: PMs and admins, active."""
    return User.objects.filter(products=product, role__in=PM_ROLES, is_active=True).order_by(
        "email"
    )


def products_with_pms() -> QuerySet[Product]:
    return (
        Product.objects.filter(team__role__in=PM_ROLES, team__is_active=True)
        .distinct()
        .order_by("pk")
    )


def review_digest_send(*, product: Product, now: datetime | None = None) -> list[OutboundEmail]:
    """Email each of the product's PMs the agenda since the last review held (or the last
    week). Nothing is sent when nothing changed; at most one digest per PM per product per
    ISO week, so running it twice sends nothing twice."""
    now = now or timezone.now()
    since = review_since(product=product, now=now)
    agenda = review_agenda(product=product, since=since, until=now)
    if agenda.is_empty:
        return []
    pms = list(product_pms(product=product))
    if not pms:
        return []
    last_review = Review.objects.filter(product=product).select_related("held_by").first()
    year, week, _ = timezone.localtime(now).isocalendar()
    context: dict[str, object] = {
        "product": product,
        "agenda": agenda_shown(agenda.as_json()),
        "last_review": last_review,
        "review_path": reverse("review:current", args=[product.slug]),
    }
    with transaction.atomic():
        return [
            email_enqueue(
                to=pm.email,
                template="pm_digest",
                context={**context, "recipient": pm},
                reason="pm_digest",
                dedupe_key=f"pm-digest:{product.pk}:{pm.pk}:{year}-W{week:02d}",
            )
            for pm in pms
        ]


def review_digests_send_all(*, now: datetime | None = None) -> int:
    """Every product with PMs gets its digest. One product failing does not stop the
    others; what it did not send is sent when the task runs again (deduplicated)."""
    sent = 0
    for product in products_with_pms():
        try:
            sent += len(review_digest_send(product=product, now=now))
        except Exception:
            logger.exception("The review digest of product %s failed", product.pk)
    return sent
