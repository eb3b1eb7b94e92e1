"""The status workflow: statuses, decisions, merges, assignment, themes and moderation.

Every change is recorded (who, when, from, to, why) and told to everyone who asked,
through the outbox, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ideas.models import (
    Decision,
    DecisionKind,
    Follow,
    Idea,
    Merge,
    ProxyVote,
    Status,
    StatusChange,
    Theme,
    Vote,
)
from ideas.services.intake import idea_counters_rebuild
from ideas.services.notifications import notify_merge, notify_status_change
from ideas.services.webhooks import emit_decision, emit_status_changed
from portal.access import is_product_pm
from portal.models import Product, User
from portal.services import audit_record

# Statuses a PM sets directly. Declining needs a decision; merging needs a survivor.
SETTABLE = [Status.NEW, Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS, Status.SHIPPED]


def _require_pm(user: User, product: Product) -> None:
    if not is_product_pm(user, product):
        raise PermissionDenied("Only the product's PMs and admins manage its ideas.")


def _record_change(idea: Idea, to_status: str, by: User | None, note: str) -> StatusChange:
    """Lock the idea, move it, and record the move. Caller holds a transaction."""
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    change = StatusChange.objects.create(
        idea=locked, from_status=locked.status, to_status=to_status, by=by, note=note.strip()
    )
    Idea.objects.filter(pk=idea.pk).update(status=to_status, updated_at=timezone.now())
    idea.status = to_status
    change.idea = idea
    emit_status_changed(change)
    return change


def idea_set_status(
    *, idea: Idea, status: str, by: User, note: str = "", notify: bool = True
) -> StatusChange | None:
    """Move an idea to another status, record it and tell everyone who asked.
    Returns None when the idea already has that status."""
    _require_pm(by, idea.product)
    if status not in SETTABLE:
        raise ValidationError(
            "Declining needs a decision record and merging a surviving idea."
            if status in {Status.DECLINED, Status.MERGED}
            else f"Unknown status {status!r}."
        )
    with transaction.atomic():
        if Idea.objects.select_for_update().get(pk=idea.pk).status == status:
            return None
        change = _record_change(idea, status, by, note)
        before = change.from_status
        audit_record(
            actor=by,
            action="idea.status",
            product=idea.product,
            target=idea,
            summary=f"#{idea.pk} “{idea.title}”: {Status(before).label} → {Status(status).label}",
            data={"from": before, "to": status, "note": note.strip()},
        )
        if notify:
            notify_status_change(change=change, actor=by)
    return change


def idea_decline(
    *,
    idea: Idea,
    by: User,
    kind: str,
    reason: str,
    workaround: str = "",
    workaround_url: str = "",
    revisit_on: date | None = None,
) -> Decision:
    """Decline with a decision record: the kind, the reason in plain words, a workaround
    where one exists, and an optional date on which the idea returns to the inbox."""
    _require_pm(by, idea.product)
    if kind not in DecisionKind.values:
        raise ValidationError(f"Unknown decision kind {kind!r}.")
    if not reason.strip():
        raise ValidationError("Say why, in plain words: everyone who asked will read it.")
    if revisit_on is not None and revisit_on <= timezone.localdate():
        raise ValidationError("The revisit date must be in the future.")
    if idea.status == Status.MERGED:
        raise ValidationError("A merged idea cannot be declined; decide on the surviving one.")
    with transaction.atomic():
        decision = Decision.objects.create(
            idea=idea,
            kind=kind,
            reason=reason.strip(),
            workaround=workaround.strip(),
            workaround_url=workaround_url.strip(),
            revisit_on=revisit_on,
            decided_by=by,
        )
        change = _record_change(idea, Status.DECLINED, by, reason)
        audit_record(
            actor=by,
            action="idea.decline",
            product=idea.product,
            target=idea,
            summary=f"#{idea.pk} “{idea.title}” declined: {DecisionKind(kind).label}",
            data={
                "from": change.from_status,
                "kind": kind,
                "reason": decision.reason,
                "workaround": decision.workaround,
                "revisit_on": revisit_on,
            },
        )
        notify_status_change(change=change, actor=by)
        emit_decision(decision)
    return decision


def decisions_revisit_due(*, today: date | None = None) -> list[int]:
    """Ideas whose revisit date has come go back to the inbox (status new). Idempotent."""
    today = today or timezone.localdate()
    reopened = []
    due = Decision.objects.filter(revisit_on__lte=today, revisited_at__isnull=True)
    for decision in due.select_related("idea", "idea__product"):
        with transaction.atomic():
            locked = Decision.objects.select_for_update().get(pk=decision.pk)
            if locked.revisited_at is not None:
                continue
            locked.revisited_at = timezone.now()
            locked.save(update_fields=["revisited_at"])
            if decision.idea.status == Status.DECLINED:
                _record_change(
                    decision.idea,
                    Status.NEW,
                    None,
                    f"Back for review: the revisit date of {today:%-d %b %Y} has come.",
                )
                reopened.append(decision.idea_id)
    return reopened


def idea_merge(*, source: Idea, target: Idea, by: User) -> Merge:
    """Merge a duplicate into a surviving idea. Votes, proxy votes and follows move unless
    the same voter, account or follower is already on the survivor (one counts once);
    comments stay on the merged idea. What moved is recorded for an exact unmerge."""
    _require_pm(by, source.product)
    if source.pk == target.pk:
        raise ValidationError("An idea cannot be merged into itself.")
    if source.product_id != target.product_id:
        raise ValidationError("Ideas of different products cannot be merged.")
    with transaction.atomic():
        first, second = sorted([source.pk, target.pk])
        locked = {i.pk: i for i in Idea.objects.select_for_update().filter(pk__in=[first, second])}
        if locked[target.pk].status == Status.MERGED:
            raise ValidationError("That idea was itself merged; merge into the surviving one.")
        if locked[source.pk].status == Status.MERGED:
            raise ValidationError("This idea is already merged.")
        votes = list(
            Vote.objects.filter(idea=source)
            .exclude(user_id__in=Vote.objects.filter(idea=target).values("user_id"))
            .values_list("pk", flat=True)
        )
        proxies = list(
            ProxyVote.objects.filter(idea=source)
            .exclude(account_id__in=ProxyVote.objects.filter(idea=target).values("account_id"))
            .values_list("pk", flat=True)
        )
        follows = list(
            Follow.objects.filter(idea=source)
            .exclude(user_id__in=Follow.objects.filter(idea=target).values("user_id"))
            .values_list("pk", flat=True)
        )
        Vote.objects.filter(pk__in=votes).update(idea=target)
        ProxyVote.objects.filter(pk__in=proxies).update(idea=target)
        Follow.objects.filter(pk__in=follows).update(idea=target)
        merge = Merge.objects.create(
            source=source,
            target=target,
            source_status=locked[source.pk].status,
            moved_vote_ids=votes,
            moved_proxy_vote_ids=proxies,
            moved_follow_ids=follows,
            by=by,
        )
        _record_change(source, Status.MERGED, by, f"Merged into “{target.title}”.")
        Idea.objects.filter(pk=source.pk).update(merged_into=target)
        source.merged_into = target
        idea_counters_rebuild(idea_ids=[source.pk, target.pk])
        audit_record(
            actor=by,
            action="idea.merge",
            product=source.product,
            target=source,
            summary=f"#{source.pk} “{source.title}” merged into #{target.pk} “{target.title}”",
            data={
                "merge": merge.pk,
                "into": target.pk,
                "votes_moved": len(votes),
                "proxy_votes_moved": len(proxies),
                "follows_moved": len(follows),
            },
        )
        notify_merge(merge=merge, actor=by)
    return merge


def idea_unmerge(*, merge: Merge, by: User) -> Idea:
    """Put back exactly what a merge moved, and the duplicate's earlier status."""
    _require_pm(by, merge.source.product)
    with transaction.atomic():
        locked = Merge.objects.select_for_update().get(pk=merge.pk)
        if locked.undone_at is not None:
            raise ValidationError("This merge was already undone.")
        source = locked.source
        Vote.objects.filter(pk__in=locked.moved_vote_ids, idea=locked.target).update(idea=source)
        ProxyVote.objects.filter(pk__in=locked.moved_proxy_vote_ids, idea=locked.target).update(
            idea=source
        )
        Follow.objects.filter(pk__in=locked.moved_follow_ids, idea=locked.target).update(
            idea=source
        )
        _record_change(source, locked.source_status, by, "Unmerged: this is its own idea again.")
        Idea.objects.filter(pk=source.pk).update(merged_into=None)
        source.merged_into = None
        locked.undone_at = timezone.now()
        locked.undone_by = by
        locked.save(update_fields=["undone_at", "undone_by"])
        idea_counters_rebuild(idea_ids=[source.pk, locked.target_id])
        audit_record(
            actor=by,
            action="idea.unmerge",
            product=merge.source.product,
            target=source,
            summary=f"#{source.pk} “{source.title}” unmerged from #{locked.target_id}",
            data={"merge": locked.pk, "from": locked.target_id, "status": locked.source_status},
        )
    return source


def idea_assign(*, idea: Idea, assignee: User | None, by: User) -> Idea:
    _require_pm(by, idea.product)
    if assignee is not None and not is_product_pm(assignee, idea.product):
        raise ValidationError(f"{assignee} is not a PM of {idea.product}.")
    with transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(assignee=assignee, updated_at=timezone.now())
        audit_record(
            actor=by,
            action="idea.assign",
            product=idea.product,
            target=idea,
            summary=f"#{idea.pk} “{idea.title}” assigned to "
            + (assignee.email if assignee else "nobody"),
            data={"assignee": assignee.pk if assignee else None},
        )
    idea.assignee = assignee
    return idea


def idea_approve(*, idea: Idea, by: User) -> Idea:
    """Let a held first-time anonymous idea show on the portal."""
    _require_pm(by, idea.product)
    with transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(is_approved=True, updated_at=timezone.now())
        audit_record(
            actor=by,
            action="idea.approve",
            product=idea.product,
            target=idea,
            summary=f"#{idea.pk} “{idea.title}” approved for the portal",
        )
    idea.is_approved = True
    return idea


def theme_create(*, product: Product, name: str, by: User, description: str = "") -> Theme:
    _require_pm(by, product)
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the theme a name.")
    slug = slugify(name, allow_unicode=True)[:80] or "theme"
    theme, _ = Theme.objects.get_or_create(
        product=product, slug=slug, defaults={"name": name[:80], "description": description}
    )
    return theme


def ideas_tag(*, ideas: Iterable[Idea], theme: Theme, by: User, add: bool = True) -> int:
    """Tag (or untag) ideas with a theme of their product, in two queries whatever their
    number. Returns how many actually changed."""
    _require_pm(by, theme.product)
    ideas = list(ideas)
    if any(idea.product_id != theme.product_id for idea in ideas):
        raise ValidationError("A theme belongs to one product.")
    through = Idea.themes.through
    ids = [idea.pk for idea in ideas]
    with transaction.atomic():
        tagged = set(
            through.objects.filter(theme=theme, idea_id__in=ids).values_list("idea_id", flat=True)
        )
        if not add:
            through.objects.filter(theme=theme, idea_id__in=tagged).delete()
            return len(tagged)
        through.objects.bulk_create(
            [through(idea_id=pk, theme=theme) for pk in ids if pk not in tagged],
            ignore_conflicts=True,
        )
    return len(set(ids) - tagged)


def ideas_bulk_set_status(*, ideas: Iterable[Idea], status: str, by: User, note: str = "") -> int:
    changed = 0
    with transaction.atomic():
        for idea in ideas:
            changed += idea_set_status(idea=idea, status=status, by=by, note=note) is not None
    return changed


def ideas_bulk_assign(*, ideas: Iterable[Idea], assignee: User | None, by: User) -> int:
    count = 0
    with transaction.atomic():
        for idea in ideas:
            idea_assign(idea=idea, assignee=assignee, by=by)
            count += 1
    return count


def ideas_bulk_merge(*, ideas: Iterable[Idea], target: Idea, by: User) -> list[Merge]:
    with transaction.atomic():
        return [
            idea_merge(source=idea, target=target, by=by) for idea in ideas if idea.pk != target.pk
        ]
