"""Writes for ideas: submit, confirm, vote, comment, follow, and the email outbox."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, F, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ideas import ranking
from ideas.models import (
    CUSTOMER_IMPORTANCE,
    Category,
    Comment,
    Follow,
    Idea,
    Importance,
    OutboundEmail,
    ProxyVote,
    ProxyVoteRevision,
    Source,
    Status,
    StatusChange,
    Vote,
)
from portal.access import can_view_product
from portal.models import Account, Product, Role, User
from portal.services import account_for_email

logger = logging.getLogger(__name__)

CONFIRM_SALT = "ideas.anonymous-idea-confirm"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 7


# --- Outbox ----------------------------------------------------------------------------


def email_enqueue(
    *,
    to: str,
    template: str,
    context: dict[str, object],
    reason: str,
    dedupe_key: str = "",
) -> OutboundEmail:
    """Write an email to the outbox; it is sent by a task once the transaction commits.

    ``template`` names ``templates/emails/<template>-subject.txt``, ``-body.txt`` and
    ``-body.html``. With a ``dedupe_key``, an email already written under that key is
    returned instead of writing a second one.
    """
    if dedupe_key:
        existing = OutboundEmail.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    context = {**context, "site_url": settings.SITE_URL}
    subject = " ".join(render_to_string(f"emails/{template}-subject.txt", context).split())
    body_text = render_to_string(f"emails/{template}-body.txt", context)
    body_html = render_to_string(f"emails/{template}-body.html", context)
    email = OutboundEmail.objects.create(
        to=to,
        subject=subject[:255],
        body_text=body_text,
        body_html=body_html,
        reason=reason,
        dedupe_key=dedupe_key,
    )
    transaction.on_commit(lambda: _schedule_delivery(email.pk), robust=True)
    return email


def _schedule_delivery(email_id: int) -> None:
    from ideas.tasks import deliver_email

    try:
        deliver_email.delay(email_id)
    except Exception:  # Redis away: the outbox sweep sends it later.
        logger.warning("Could not queue email %s; the outbox sweep will send it", email_id)


def outbox_deliver(*, email_id: int) -> bool:
    """Send one pending email. Returns True if this call sent it.

    The row is locked while sending, so two workers never send the same email.
    """
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, state=OutboundEmail.State.PENDING)
            .first()
        )
        if email is None:
            return False
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts = F("attempts") + 1
        try:
            message.send()
        except Exception as exc:
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            email.save(update_fields=["attempts", "last_error"])
            logger.warning("Sending email %s failed: %s", email_id, exc)
            return False
        email.state = OutboundEmail.State.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "state", "sent_at", "last_error"])
        return True


def outbox_pending_ids(*, older_than_seconds: int = 30, limit: int = 500) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        OutboundEmail.objects.filter(state=OutboundEmail.State.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


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
        idea.save(update_fields=["confirmed_at", "author", "updated_at"])
        if user is not None:
            _vote_insert(idea=idea, user=user)
            Follow.objects.get_or_create(idea=idea, user=user)
        _notify_pms_of_new_idea(idea)
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


def _vote_insert(*, idea: Idea, user: User, importance: str = "") -> bool:
    """Insert the vote if missing and keep the idea's counters exact. Caller holds a
    transaction; the idea row is locked first, so concurrent votes on it queue up.
    An existing vote gets the new importance, when one is given."""
    locked = Idea.objects.select_for_update().only("pk", "trending_score").get(pk=idea.pk)
    existing = Vote.objects.filter(idea=idea, user=user).first()
    if existing is not None:
        if importance and existing.importance != importance:
            existing.importance = importance
            existing.save(update_fields=["importance"])
            idea_demand_refresh(idea_ids=[idea.pk])
        return False
    vote = Vote.objects.create(idea=idea, user=user, importance=importance)
    Idea.objects.filter(pk=idea.pk).update(
        vote_count=F("vote_count") + 1,
        trending_score=ranking.with_event(locked.trending_score, vote.created_at),
    )
    idea_demand_refresh(idea_ids=[idea.pk])
    return True


def vote_cast(*, idea: Idea, user: User, importance: str = "") -> bool:
    """Vote for an idea (and follow it), optionally saying how important it is.
    Returns False if the user had already voted (the importance is still updated)."""
    if importance and importance not in dict(CUSTOMER_IMPORTANCE):
        raise ValueError(f"Unknown importance {importance!r}")
    with transaction.atomic():
        created = _vote_insert(idea=idea, user=user, importance=importance)
        if created:
            Follow.objects.get_or_create(idea=idea, user=user)
    return created


def vote_withdraw(*, idea: Idea, user: User) -> bool:
    """Withdraw a vote. Returns False if there was none."""
    with transaction.atomic():
        locked = Idea.objects.select_for_update().only("pk", "trending_score").get(pk=idea.pk)
        vote = Vote.objects.filter(idea=idea, user=user).first()
        if vote is None:
            return False
        vote.delete()
        Idea.objects.filter(pk=idea.pk).update(
            vote_count=F("vote_count") - 1,
            trending_score=ranking.without_event(locked.trending_score, vote.created_at),
        )
        idea_demand_refresh(idea_ids=[idea.pk])
    return True


# --- Demand: accounts, revenue at stake, importance --------------------------------------


def idea_demand_refresh(*, idea_ids: Iterable[int]) -> None:
    """Recompute the stored demand of these ideas from votes and proxy votes.

    An account counts once per idea however many of its users voted and whether or not
    sales also recorded a proxy vote for it. Revenue at stake is the ARR of those accounts
    plus the value of open opportunities (no close date, or one not yet passed)."""
    today = timezone.localdate()
    for idea_id in idea_ids:
        voter_accounts = set(
            Vote.objects.filter(idea_id=idea_id, user__account__isnull=False)
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
        idea_demand_refresh(idea_ids=[idea.pk])
    return proxy


def proxy_vote_withdraw(*, proxy_vote: ProxyVote, by: User) -> None:
    """Withdraw a proxy vote: by the team, or by the customer named as its contact."""
    if not (by.is_team_member or proxy_vote.contact_id == by.pk):
        raise PermissionDenied("Only the team or the named contact can withdraw this.")
    with transaction.atomic():
        Idea.objects.select_for_update().only("pk").get(pk=proxy_vote.idea_id)
        _proxy_revision(proxy_vote, ProxyVoteRevision.Action.WITHDRAWN, by=by)
        proxy_vote.delete()
        idea_demand_refresh(idea_ids=[proxy_vote.idea_id])


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
    return comment


def follow_set(*, idea: Idea, user: User, following: bool) -> bool:
    """Follow or stop following an idea. Returns the new state."""
    if following:
        Follow.objects.get_or_create(idea=idea, user=user)
    else:
        Follow.objects.filter(idea=idea, user=user).delete()
    return following


# --- Status -----------------------------------------------------------------------------


def idea_set_status(*, idea: Idea, status: str, by: User, note: str = "") -> StatusChange | None:
    """Move an idea to another status and record who, when, from, to and why.
    Returns None when the idea already has that status."""
    if status not in Status.values or status == Status.MERGED:
        raise ValueError(f"Cannot set status {status!r} here")
    if status == Status.DECLINED and not note.strip():
        raise ValueError("Declining needs a reason in plain words")
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if locked.status == status:
            return None
        change = StatusChange.objects.create(
            idea=locked, from_status=locked.status, to_status=status, by=by, note=note.strip()
        )
        Idea.objects.filter(pk=idea.pk).update(status=status, updated_at=timezone.now())
        idea.status = status
    return change


# --- Sales digest -----------------------------------------------------------------------

DIGEST_UNSUBSCRIBE_SALT = "ideas.sales-digest-unsubscribe"


def sales_digest_unsubscribe_token(user: User) -> str:
    return signing.dumps({"user": user.pk}, salt=DIGEST_UNSUBSCRIBE_SALT)


def sales_digest_unsubscribe(*, token: str) -> User:
    """Turn off the weekly digest for the user the signed token names (idempotent)."""
    data = signing.loads(token, salt=DIGEST_UNSUBSCRIBE_SALT)
    user = User.objects.get(pk=data["user"])
    if user.sales_digest:
        user.sales_digest = False
        user.save(update_fields=["sales_digest"])
    return user


def sales_digest_send(*, user: User, now: datetime | None = None) -> OutboundEmail | None:
    """Email a sales user what changed in the last week for their accounts' ideas.
    Nothing is sent when nothing changed; at most one digest per user per ISO week."""
    from ideas.selectors import sales_digest_items

    now = now or timezone.now()
    if not user.sales_digest or not user.is_active:
        return None
    items = sales_digest_items(user=user, since=now - timedelta(days=7))
    if not items:
        return None
    year, week, _ = now.isocalendar()
    with transaction.atomic():
        return email_enqueue(
            to=user.email,
            template="sales_digest",
            context={
                "recipient": user,
                "items": items,
                "unsubscribe_path": reverse(
                    "sales:digest_unsubscribe", args=[sales_digest_unsubscribe_token(user)]
                ),
            },
            reason="sales_digest",
            dedupe_key=f"sales-digest:{user.pk}:{year}-W{week:02d}",
        )


def sales_digests_send_all(*, now: datetime | None = None) -> int:
    sent = 0
    for user in User.objects.filter(
        is_active=True, sales_digest=True, owned_accounts__isnull=False
    ).distinct():
        sent += sales_digest_send(user=user, now=now) is not None
    return sent
