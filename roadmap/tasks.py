"""Background work for the roadmap. Tasks are thin: they call one service."""

from __future__ import annotations

from celery import shared_task

from roadmap import digest


@shared_task(name="roadmap.tasks.send_review_digests", ignore_result=True)
def send_review_digests() -> int:
    """Monday morning: each product's PMs get the agenda since their last review held.
    Safe to run twice: one digest per PM per product per ISO week."""
    return digest.review_digests_send_all()
