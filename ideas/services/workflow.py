"""The status workflow: statuses, decisions, merges, assignment and themes."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from ideas.models import (
    Idea,
    Status,
    StatusChange,
)
from portal.models import User

logger = logging.getLogger(__name__)


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
