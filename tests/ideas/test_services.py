"""Submitting, confirming, voting, commenting: database outcomes of the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import signing
from django.core.mail import EmailMessage

from ideas import services
from ideas.models import Comment, Follow, Idea, OutboundEmail, Vote
from portal.models import Role
from tests.factories import make_account, make_category, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db

CaptureOnCommit = Callable[..., Any]


def test_idea_submit_counts_the_authors_vote_and_follows_it() -> None:
    account = make_account(domains=["acme.test"])
    author = make_user(email="ann@acme.test")
    product = make_product()
    idea = services.idea_submit(
        product=product, author=author, title="Dark mode", problem="Night shifts hurt."
    ).idea
    idea.refresh_from_db()
    assert idea.vote_count == 1
    assert idea.author_account == account
    assert idea.confirmed_at is not None
    assert Vote.objects.filter(idea=idea, user=author).exists()
    assert Follow.objects.filter(idea=idea, user=author).exists()


def test_idea_submit_emails_the_products_pms_after_commit(
    django_capture_on_commit_callbacks: CaptureOnCommit, mailoutbox: list[EmailMessage]
) -> None:
    pm = make_user(role=Role.PM, email="pm@vendor.test")
    product = make_product(team=[pm, make_user(role=Role.SALES)])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        idea = make_idea(product=product, title="Audit log export")
    assert len(callbacks) == 2  # the email delivery and the rescore of the new idea
    queued = OutboundEmail.objects.get(reason="idea_submitted")
    assert queued.to == "pm@vendor.test"
    # The settings of the test run point Celery at the test Redis, so .delay() only queues;
    # deliver it here as the worker would.
    assert services.outbox_deliver(email_id=queued.pk)
    assert [m.to for m in mailoutbox] == [["pm@vendor.test"]]
    assert "Audit log export" in mailoutbox[0].subject
    assert f"/p/{product.slug}/ideas/{idea.pk}/" in str(mailoutbox[0].body)
    queued.refresh_from_db()
    assert queued.state == OutboundEmail.State.SENT
    assert not services.outbox_deliver(email_id=queued.pk), "a sent email is never sent again"


def test_idea_submit_rejects_a_category_of_another_product() -> None:
    product = make_product()
    other = make_category(product=make_product())
    with pytest.raises(ValueError, match="another product"):
        services.idea_submit(
            product=product, author=make_user(), title="Title", problem="P", category=other
        )
    assert not Idea.objects.exists()


def test_anonymous_idea_stays_hidden_until_the_emailed_link_is_followed(
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    pm = make_user(role=Role.PM)
    product = make_product(allow_anonymous_ideas=True, team=[pm])
    with django_capture_on_commit_callbacks(execute=False):
        result = services.idea_submit(
            product=product,
            author=None,
            title="Bulk edit tasks",
            problem="Editing 40 tasks one by one takes an hour.",
            author_email="Visitor@Example.test",
        )
    assert result.needs_confirmation
    idea = result.idea
    assert not Idea.objects.listed().filter(pk=idea.pk).exists()
    confirm = OutboundEmail.objects.get(reason="idea_confirm")
    assert confirm.to == "visitor@example.test"
    assert not OutboundEmail.objects.filter(reason="idea_submitted").exists()

    token = confirm.body_text.split("/ideas/confirm/")[1].split("/")[0]
    services.idea_confirm(token=token)
    services.idea_confirm(token=token)  # a second click changes nothing
    assert Idea.objects.listed().filter(pk=idea.pk).exists()
    assert OutboundEmail.objects.filter(reason="idea_submitted", to=pm.email).count() == 1


def test_a_tampered_confirmation_link_is_refused() -> None:
    with pytest.raises(signing.BadSignature):
        services.idea_confirm(token="eyJpZGVhIjoxfQ:forged:signature")


def test_confirming_attaches_an_existing_user_with_that_email() -> None:
    user = make_user(email="known@example.test")
    product = make_product(allow_anonymous_ideas=True)
    idea = services.idea_submit(
        product=product, author=None, title="Gantt view", problem="P", author_email=user.email
    ).idea
    token = signing.dumps({"idea": idea.pk}, salt=services.CONFIRM_SALT)
    services.idea_confirm(token=token)
    idea.refresh_from_db()
    assert idea.author == user
    assert idea.vote_count == 1


def test_vote_cast_is_idempotent_for_the_same_user() -> None:
    idea = make_idea()
    voter = make_user()
    assert services.vote_cast(idea=idea, user=voter)
    assert not services.vote_cast(idea=idea, user=voter)
    idea.refresh_from_db()
    assert idea.vote_count == 2
    assert Vote.objects.filter(idea=idea).count() == 2


def test_withdrawing_twice_leaves_no_vote_and_an_exact_count() -> None:
    idea = make_idea()
    voter = make_user()
    services.vote_cast(idea=idea, user=voter)
    assert services.vote_withdraw(idea=idea, user=voter)
    assert not services.vote_withdraw(idea=idea, user=voter)
    idea.refresh_from_db()
    assert idea.vote_count == 1
    assert not Vote.objects.filter(idea=idea, user=voter).exists()


def test_voting_raises_trending_and_withdrawing_restores_it() -> None:
    idea = make_idea()
    before = Idea.objects.get(pk=idea.pk).trending_score
    voter = make_user()
    services.vote_cast(idea=idea, user=voter)
    raised = Idea.objects.get(pk=idea.pk).trending_score
    services.vote_withdraw(idea=idea, user=voter)
    after = Idea.objects.get(pk=idea.pk).trending_score
    assert raised > before
    assert after == pytest.approx(before)


def test_public_comments_are_counted_and_internal_ones_are_not() -> None:
    idea = make_idea()
    services.comment_add(idea=idea, author=make_user(), body="We need this for SOC 2.")
    services.comment_add(
        idea=idea, author=make_user(role=Role.PM), body="Check with legal.", is_internal=True
    )
    idea.refresh_from_db()
    assert idea.comment_count == 1
    assert Comment.objects.filter(idea=idea).count() == 2


def test_customers_cannot_write_internal_comments() -> None:
    with pytest.raises(PermissionError):
        services.comment_add(idea=make_idea(), author=make_user(), body="x", is_internal=True)


def test_counters_rebuild_repairs_drift() -> None:
    idea = make_idea()
    services.vote_cast(idea=idea, user=make_user())
    Idea.objects.filter(pk=idea.pk).update(vote_count=99, comment_count=7)
    assert services.idea_counters_rebuild(idea_ids=[idea.pk]) == 1
    idea.refresh_from_db()
    assert (idea.vote_count, idea.comment_count) == (2, 0)
    assert services.idea_counters_rebuild(idea_ids=[idea.pk]) == 0


def test_a_failing_mail_server_keeps_the_email_pending_for_the_sweep(
    settings: Any, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    pm = make_user(role=Role.PM)
    with django_capture_on_commit_callbacks(execute=False):
        make_idea(product=make_product(team=[pm]))
    email = OutboundEmail.objects.get(reason="idea_submitted")
    assert not services.outbox_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.PENDING
    assert email.attempts == 1
    assert "Connection" in email.last_error or "refused" in email.last_error.lower()
    assert email.pk in services.outbox_pending_ids(older_than_seconds=0)
