"""Submitting and confirming ideas, votes, comments and follows."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core import signing
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ideas import ranking
from ideas.models import (
    CUSTOMER_IMPORTANCE,
    Category,
    Comment,
    Follow,
    Idea,
    Importance,
    Vote,
)
from ideas.services.demand import (
    DEMAND_FIELD,
    DemandChange,
    LockedIdea,
    idea_demand_refresh,
    vote_demand_change,
)
from ideas.services.notifications import notify_comment
from ideas.services.outbox import email_enqueue
from ideas.services.webhooks import emit_comment, emit_idea_created, emit_vote
from ideas.signals import demand_changed
from portal.models import Account, Product, Role, User
from portal.services import account_for_email

logger = logging.getLogger(__name__)


CONFIRM_SALT = "ideas.anonymous-idea-confirm"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 7

# --- Ideas -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmittedIdea:
    idea: Idea
    needs_confirmation: bool


def idea_submit(
    *,
    product: Product,
    author: User | None,
    title: str,
    problem: str,
    importance: str = Importance.IMPORTANT,
    workaround: str = "",
    category: Category | None = None,
    author_email: str = "",
) -> SubmittedIdea:
    """Create an idea. A signed-in author votes for and follows it at once; an anonymous
    one gets a confirmation link, and the idea stays hidden until it is followed."""
    if category is not None and category.product_id != product.pk:
        raise ValueError("The category belongs to another product")
    if author is None and not author_email:
        raise ValueError("An anonymous idea needs an email address")
    now = timezone.now()
    with transaction.atomic():
        idea = Idea.objects.create(
            product=product,
            title=title.strip(),
            problem=problem.strip(),
            importance=importance,
            workaround=workaround.strip(),
            category=category,
            author=author,
            author_email=author.email if author else author_email.lower(),
            author_account=author.account if author else account_for_email(author_email),
            confirmed_at=now if author else None,
            created_at=now,
            trending_score=ranking.with_event(ranking.EMPTY, now),
        )
        if author is not None:
            _vote_insert(idea=idea, user=author)
            Follow.objects.get_or_create(idea=idea, user=author)
            _notify_pms_of_new_idea(idea)
            emit_idea_created(idea)
        else:
            token = signing.dumps({"idea": idea.pk}, salt=CONFIRM_SALT)
            email_enqueue(
                to=idea.author_email,
                template="confirm_idea",
                context={
                    "idea": idea,
                    "product": product,
                    "confirm_path": reverse("ideas:confirm", args=[product.slug, token]),
                },
                reason="idea_confirm",
            )
    return SubmittedIdea(idea=idea, needs_confirmation=author is None)


def idea_confirm(*, token: str) -> Idea:
    """Publish an anonymous idea whose author followed the emailed link. Idempotent.

    Raises ``signing.BadSignature`` (or ``SignatureExpired``) for a bad link and
    ``Idea.DoesNotExist`` when the idea is gone.
    """
    data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    with transaction.atomic():
        idea = Idea.objects.select_for_update().select_related("product").get(pk=data["idea"])
        if idea.confirmed_at is not None:
            return idea
        idea.confirmed_at = timezone.now()
        user = User.objects.filter(email__iexact=idea.author_email).first()
        if user is not None:
            idea.author = user
        if idea.product.moderate_first_anonymous_ideas:
            # A first-time submitter's idea waits for a PM; a known address goes straight on.
            idea.is_approved = Idea.objects.filter(
                product=idea.product,
                author_email__iexact=idea.author_email,
                is_approved=True,
                confirmed_at__isnull=False,
            ).exists()
        idea.save(update_fields=["confirmed_at", "author", "is_approved", "updated_at"])
        if user is not None:
            _vote_insert(idea=idea, user=user)
            Follow.objects.get_or_create(idea=idea, user=user)
        _notify_pms_of_new_idea(idea)
        emit_idea_created(idea)
    return idea


def _notify_pms_of_new_idea(idea: Idea) -> None:
    pms = User.objects.filter(products=idea.product, role__in=[Role.PM, Role.ADMIN], is_active=True)
    if idea.author_id is not None:
        pms = pms.exclude(pk=idea.author_id)
    for pm in pms:
        email_enqueue(
            to=pm.email,
            template="new_idea",
            context={"idea": idea, "product": idea.product, "recipient": pm},
            reason="idea_submitted",
        )


# --- Votes -----------------------------------------------------------------------------


# A vote is the portal's most frequent write, so its statements are written out here
# rather than built by the ORM (building them took longer than running them). They run
# on PostgreSQL and SQLite alike.
_IDEA = Idea._meta.db_table
_LOCK_SQL = f"SELECT id, product_id, status, vote_count, trending_score FROM {_IDEA} WHERE id = %s"  # noqa: S608 - table names only
_COUNTERS_SQL = (
    f"UPDATE {_IDEA} SET vote_count = vote_count + %s, trending_score = %s, "  # noqa: S608 - table names only
    "account_count = account_count + %s, revenue_at_stake = revenue_at_stake + %s * "
    f"COALESCE((SELECT arr FROM {Account._meta.db_table} WHERE id = %s), 0)"
    + "".join(f", {name} = {name} + %s" for name in DEMAND_FIELD.values())
    + " WHERE id = %s"
)


def _idea_lock(idea_id: int) -> LockedIdea:
    """Lock the idea's row (concurrent votes on it queue up) and read its counters."""
    suffix = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL + suffix, [idea_id])
        row = cursor.fetchone()
    if row is None:
        raise Idea.DoesNotExist(f"No idea {idea_id}")
    return LockedIdea(*row)


def _counters_update(
    *, idea_id: int, votes: int, trending_score: float, change: DemandChange
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            _COUNTERS_SQL,
            [
                votes,
                trending_score,
                change.account,
                change.account,
                change.account_id,
                *(change.by_importance.get(name, 0) for name in DEMAND_FIELD.values()),
                idea_id,
            ],
        )


def _vote_insert(*, idea: Idea, user: User, importance: str = "") -> bool:
    """Insert the vote if missing and keep the idea's counters exact. Caller holds a
    transaction; the idea row is locked first, so concurrent votes on it queue up.
    An existing vote gets the new importance, when one is given."""
    locked = _idea_lock(idea.pk)
    idea.vote_count = locked.vote_count
    now = timezone.now()
    vote_id = _vote_row_insert(idea_id=idea.pk, user_id=user.pk, importance=importance, at=now)
    if vote_id is None:  # already voted
        existing = Vote.objects.get(idea=idea, user=user)
        if importance and existing.importance != importance:
            old_importance, existing.importance = existing.importance, importance
            existing.save(update_fields=["importance"])
            change = vote_demand_change(
                idea=locked, user=user, sign=0, importance=importance, old_importance=old_importance
            )
            _counters_update(
                idea_id=idea.pk, votes=0, trending_score=locked.trending_score, change=change
            )
            demand_changed.send(sender=Idea, idea_ids=[idea.pk])
        return False
    change = vote_demand_change(idea=locked, user=user, sign=1, importance=importance)
    _counters_update(
        idea_id=idea.pk,
        votes=1,
        trending_score=ranking.with_event(locked.trending_score, now),
        change=change,
    )
    idea.vote_count = locked.vote_count + 1
    demand_changed.send(sender=Idea, idea_ids=[idea.pk])
    emit_vote(idea=idea, vote_id=vote_id, user=user, action="cast")
    return True


def _vote_row_insert(*, idea_id: int, user_id: int, importance: str, at: datetime) -> int | None:
    """Insert a vote unless the user has one: one statement either way (the unique
    constraint decides). Returns the new vote's id, or None when there was one."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Vote._meta.db_table} (idea_id, user_id, importance, created_at) "  # noqa: S608 - the table name
            "VALUES (%s, %s, %s, %s) ON CONFLICT (idea_id, user_id) DO NOTHING RETURNING id",
            [idea_id, user_id, importance, connection.ops.adapt_datetimefield_value(at)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _follow_insert(*, idea_id: int, user_id: int) -> None:
    """Follow the idea unless the user does: one statement either way."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Follow._meta.db_table} (idea_id, user_id, created_at) "  # noqa: S608 - the table name
            "VALUES (%s, %s, %s) ON CONFLICT (idea_id, user_id) DO NOTHING",
            [idea_id, user_id, connection.ops.adapt_datetimefield_value(timezone.now())],
        )


def vote_cast(*, idea: Idea, user: User, importance: str = "") -> bool:
    """Vote for an idea (and follow it), optionally saying how important it is.
    Returns False if the user had already voted (the importance is still updated).
    The idea's ``vote_count`` is the new one afterwards."""
    if importance and importance not in dict(CUSTOMER_IMPORTANCE):
        raise ValueError(f"Unknown importance {importance!r}")
    with transaction.atomic():
        created = _vote_insert(idea=idea, user=user, importance=importance)
        if created:
            _follow_insert(idea_id=idea.pk, user_id=user.pk)
    return created


def vote_withdraw(*, idea: Idea, user: User) -> bool:
    """Withdraw a vote. Returns False if there was none. The idea's ``vote_count`` is
    the new one afterwards."""
    with transaction.atomic():
        locked = _idea_lock(idea.pk)
        idea.vote_count = locked.vote_count
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {Vote._meta.db_table} WHERE idea_id = %s AND user_id = %s "  # noqa: S608 - the table name
                "RETURNING id, importance, created_at",
                [idea.pk, user.pk],
            )
            row = cursor.fetchone()
        if row is None:
            return False
        vote_id, importance, created_at = row
        if isinstance(created_at, str):  # SQLite may return the stored text
            created_at = parse_datetime(created_at)
        if timezone.is_naive(created_at):  # ... and always without its zone, UTC
            created_at = timezone.make_aware(created_at, UTC)
        change = vote_demand_change(idea=locked, user=user, sign=-1, importance=importance)
        _counters_update(
            idea_id=idea.pk,
            votes=-1,
            trending_score=ranking.without_event(locked.trending_score, created_at),
            change=change,
        )
        idea.vote_count = locked.vote_count - 1
        demand_changed.send(sender=Idea, idea_ids=[idea.pk])
        emit_vote(idea=idea, vote_id=vote_id, user=user, action="withdrawn")
    return True


def idea_counters_rebuild(*, idea_ids: list[int]) -> int:
    """Recompute stored vote and comment counts and trending scores from the rows.

    Used after bulk loads and to repair drift. Returns how many ideas changed."""
    changed = 0
    for idea_id in idea_ids:
        with transaction.atomic():
            idea = Idea.objects.select_for_update().get(pk=idea_id)
            times = [
                idea.created_at,
                *Vote.objects.filter(idea=idea).values_list("created_at", flat=True),
            ]
            counts = {
                "vote_count": len(times) - 1,
                "comment_count": Comment.objects.filter(idea=idea, is_internal=False).count(),
                "trending_score": ranking.from_events(times),
            }
            if any(getattr(idea, k) != v for k, v in counts.items()):
                Idea.objects.filter(pk=idea_id).update(**counts)
                changed += 1
    idea_demand_refresh(idea_ids=idea_ids)
    return changed


# --- Comments and follows --------------------------------------------------------------


def comment_add(*, idea: Idea, author: User, body: str, is_internal: bool = False) -> Comment:
    if is_internal and not author.is_team_member:
        raise PermissionError("Only the product team can write internal comments")
    with transaction.atomic():
        comment = Comment.objects.create(
            idea=idea, author=author, body=body.strip(), is_internal=is_internal
        )
        if not is_internal:
            Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
        Follow.objects.get_or_create(idea=idea, user=author)
        notify_comment(comment=comment)
        emit_comment(comment)
    return comment


def follow_set(*, idea: Idea, user: User, following: bool) -> bool:
    """Follow or stop following an idea. Returns the new state."""
    if following:
        Follow.objects.get_or_create(idea=idea, user=user)
    else:
        Follow.objects.filter(idea=idea, user=user).delete()
    return following
