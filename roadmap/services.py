"""Writes for the roadmap: promoting ideas into items, moving them, shipping them, and
holding the weekly review. Idea statuses change through the ideas services, so everyone
who asked hears about it (the outbox) exactly as for any other status change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from ideas.models import Idea, Status
from ideas.services import emit_item_shipped, idea_set_status
from portal.access import is_product_pm
from portal.models import Product, User
from portal.services import audit_record
from roadmap.models import (
    ChangelogEntry,
    Horizon,
    ItemStatus,
    Release,
    Review,
    RoadmapEvent,
    RoadmapItem,
)
from scoring.models import Goal

# What an item's status means for the ideas it delivers.
IDEA_STATUS = {
    ItemStatus.PLANNED: Status.PLANNED,
    ItemStatus.IN_PROGRESS: Status.IN_PROGRESS,
    ItemStatus.SHIPPED: Status.SHIPPED,
}
# Ideas that a roadmap change may move (a decline or a merge is a decision of its own).
MOVABLE = {Status.NEW, Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS}


def _require_pm(user: User, product: Product) -> None:
    if not is_product_pm(user, product):
        raise PermissionDenied("Only the product's PMs and admins change its roadmap.")


def _move_ideas(item: RoadmapItem, status: str, by: User) -> int:
    """Move the item's open ideas to the status its own status means, telling those who
    asked. Returns how many moved."""
    idea_status = IDEA_STATUS[ItemStatus(status)]
    notes = {
        Status.PLANNED: f"Planned: “{item.shown_title}” is on our roadmap "
        f"({item.get_horizon_display()}).",
        Status.IN_PROGRESS: f"We have started building “{item.shown_title}”.",
        Status.SHIPPED: f"Shipped: “{item.shown_title}” is live. Thank you for asking for it.",
    }
    moved = 0
    for idea in item.ideas.select_related("product").filter(status__in=MOVABLE):
        if idea.status != idea_status:
            moved += (
                idea_set_status(idea=idea, status=idea_status, by=by, note=notes[idea_status])
                is not None
            )
    return moved


def _next_position(product: Product, horizon: str) -> int:
    top = RoadmapItem.objects.filter(product=product, horizon=horizon).aggregate(
        top=Max("position")
    )["top"]
    return (top or 0) + 1


def item_promote(
    *,
    product: Product,
    ideas: Sequence[Idea],
    by: User,
    title: str = "",
    horizon: str = Horizon.NEXT,
    public_description: str = "",
) -> RoadmapItem:
    """Create a roadmap item from one or more ideas; they become planned."""
    _require_pm(by, product)
    if not ideas:
        raise ValidationError("Pick at least one idea to promote.")
    if any(idea.product_id != product.pk for idea in ideas):
        raise ValidationError("Every idea must belong to this product.")
    if any(idea.status not in MOVABLE for idea in ideas):
        raise ValidationError("Declined, merged or shipped ideas cannot be promoted.")
    if horizon not in Horizon.values:
        raise ValidationError(f"Unknown horizon {horizon!r}.")
    title = " ".join((title or ideas[0].title).split())[:140]
    with transaction.atomic():
        item = RoadmapItem.objects.create(
            product=product,
            title=title,
            public_title=title,
            public_description=public_description or ideas[0].problem[:2000],
            horizon=horizon,
            owner=by,
            position=_next_position(product, horizon),
        )
        item.ideas.set(ideas)
        goal_ids = set(
            Goal.objects.filter(
                idea_links__idea__in=ideas, idea_links__strength__gte=2
            ).values_list("pk", flat=True)
        )
        item.goals.set(goal_ids)
        RoadmapEvent.objects.create(
            item=item, kind=RoadmapEvent.Kind.CREATED, to_value=horizon, by=by
        )
        audit_record(
            actor=by,
            action="roadmap.promote",
            product=product,
            target=item,
            summary=f"“{item.title}” promoted to the roadmap ({item.get_horizon_display()}) "
            f"from {len(ideas)} idea{'s' if len(ideas) != 1 else ''}",
            data={"ideas": [idea.pk for idea in ideas], "horizon": horizon},
        )
        _move_ideas(item, ItemStatus.PLANNED, by)
    return item


def item_update(
    *,
    item: RoadmapItem,
    by: User,
    title: str,
    public_title: str = "",
    public_description: str = "",
    is_public: bool = True,
    internal_notes: str = "",
    release: Release | None = None,
    owner: User | None = None,
    pm_score: float | None = None,
    goals: Iterable[Goal] = (),
    ideas: Iterable[Idea] | None = None,
) -> RoadmapItem:
    _require_pm(by, item.product)
    if not title.strip():
        raise ValidationError("Give the item a title.")
    if pm_score is not None and not 0 <= pm_score <= 100:
        raise ValidationError("A PM score is between 0 and 100.")
    if release is not None and release.product_id != item.product_id:
        raise ValidationError("The release belongs to another product.")
    with transaction.atomic():
        item.title, item.public_title = title.strip(), public_title.strip()
        item.public_description, item.is_public = public_description, is_public
        item.internal_notes, item.release, item.owner = internal_notes, release, owner
        item.pm_score = pm_score
        item.save()
        item.goals.set([g for g in goals if g.product_id == item.product_id])
        if ideas is not None:
            wanted = [i for i in ideas if i.product_id == item.product_id]
            item.ideas.set(wanted)
            _move_ideas(item, item.status, by)
    return item


def item_move(
    *, item: RoadmapItem, horizon: str, by: User, before: RoadmapItem | None = None
) -> RoadmapItem:
    """Move an item to a horizon, before another item of that column (or to its end)."""
    _require_pm(by, item.product)
    if horizon not in Horizon.values:
        raise ValidationError(f"Unknown horizon {horizon!r}.")
    with transaction.atomic():
        locked = RoadmapItem.objects.select_for_update().get(pk=item.pk)
        if before is not None and before.product_id == item.product_id and before.pk != item.pk:
            RoadmapItem.objects.filter(
                product=item.product, horizon=horizon, position__gte=before.position
            ).update(position=F("position") + 1)
            position = before.position
        else:
            position = _next_position(item.product, horizon)
        if locked.horizon != horizon:
            RoadmapEvent.objects.create(
                item=item,
                kind=RoadmapEvent.Kind.MOVED,
                from_value=locked.horizon,
                to_value=horizon,
                by=by,
            )
            audit_record(
                actor=by,
                action="roadmap.move",
                product=item.product,
                target=item,
                summary=f"“{locked.title}” moved from {Horizon(locked.horizon).label} "
                f"to {Horizon(horizon).label}",
                data={"from": locked.horizon, "to": horizon},
            )
        RoadmapItem.objects.filter(pk=item.pk).update(horizon=horizon, position=position)
        item.horizon, item.position = horizon, position
    return item


def item_set_status(*, item: RoadmapItem, status: str, by: User) -> RoadmapItem:
    """Planned, in progress or shipped: its ideas move too and everyone who asked hears.
    Shipping adds the item to the product's changelog."""
    _require_pm(by, item.product)
    if status not in ItemStatus.values:
        raise ValidationError(f"Unknown status {status!r}.")
    with transaction.atomic():
        locked = RoadmapItem.objects.select_for_update().get(pk=item.pk)
        if locked.status == status:
            return locked
        # Work from the row as stored, not the caller's copy: titles may have changed.
        item = locked
        RoadmapEvent.objects.create(
            item=item,
            kind=RoadmapEvent.Kind.STATUS,
            from_value=locked.status,
            to_value=status,
            by=by,
        )
        audit_record(
            actor=by,
            action="roadmap.status",
            product=item.product,
            target=item,
            summary=f"“{item.title}”: {ItemStatus(locked.status).label} → "
            f"{ItemStatus(status).label}",
            data={"from": locked.status, "to": status},
        )
        now = timezone.now()
        item.status = status
        item.shipped_at = now if status == ItemStatus.SHIPPED else None
        if status == ItemStatus.SHIPPED:
            item.horizon = Horizon.NOW
        item.save(update_fields=["status", "shipped_at", "horizon", "updated_at"])
        if status == ItemStatus.SHIPPED and item.is_public:
            ChangelogEntry.objects.update_or_create(
                item=item,
                defaults={
                    "product": item.product,
                    "title": item.shown_title,
                    "body": item.public_description,
                    "shipped_at": now,
                },
            )
        _move_ideas(item, status, by)
        if status == ItemStatus.SHIPPED:
            emit_item_shipped(
                product=item.product,
                item_id=item.pk,
                title=item.shown_title,
                shipped_at=now,
                ideas=list(item.ideas.order_by("pk")),
            )
    return item


def release_save(
    *, product: Product, by: User, name: str, target_date: date | None = None
) -> Release:
    _require_pm(by, product)
    if not name.strip():
        raise ValidationError("Give the release a name.")
    return Release.objects.create(product=product, name=name.strip(), target_date=target_date)


def review_hold(
    *, product: Product, by: User, notes: str = "", attendees: str = "", now: datetime | None = None
) -> Review:
    """Record the weekly review as held, keeping its agenda as it was."""
    from roadmap.selectors import review_agenda, review_since

    _require_pm(by, product)
    now = now or timezone.now()
    with transaction.atomic():
        # One review at a time per product: a double click waits, then finds this one.
        Product.objects.select_for_update().get(pk=product.pk)
        recent = Review.objects.filter(
            product=product, held_at__gt=now - timedelta(minutes=5), held_at__lte=now
        ).first()
        if recent is not None:
            return recent
        since = review_since(product=product, now=now)
        agenda = review_agenda(product=product, since=since, until=now)
        review = Review.objects.create(
            product=product,
            since=since,
            held_at=now,
            held_by=by,
            notes=notes.strip(),
            attendees=attendees.strip(),
            agenda=agenda.as_json(),
        )
        audit_record(
            actor=by,
            action="review.hold",
            product=product,
            target=review,
            summary=f"Weekly review held ({now:%-d %b %Y})",
        )
        return review


def item_create(
    *, product: Product, by: User, title: str, horizon: str = Horizon.NEXT
) -> RoadmapItem:
    """An item no idea asked for yet (work the team plans on its own initiative). It starts
    off the public roadmap: nobody asked, and its title is the team's own; the PM publishes
    it from the item's page once it has a public title and description."""
    _require_pm(by, product)
    title = " ".join(title.split())[:140]
    if not title:
        raise ValidationError("Give the item a title.")
    if horizon not in Horizon.values:
        raise ValidationError(f"Unknown horizon {horizon!r}.")
    with transaction.atomic():
        item = RoadmapItem.objects.create(
            product=product,
            title=title,
            is_public=False,
            horizon=horizon,
            owner=by,
            position=_next_position(product, horizon),
        )
        RoadmapEvent.objects.create(
            item=item, kind=RoadmapEvent.Kind.CREATED, to_value=horizon, by=by
        )
        audit_record(
            actor=by,
            action="roadmap.create",
            product=product,
            target=item,
            summary=f"“{item.title}” added to the roadmap ({item.get_horizon_display()})",
            data={"horizon": horizon},
        )
    return item
