"""Background work on the real stack: a Celery worker on the test Redis."""

from __future__ import annotations

import os
import subprocess
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from ideas.models import Idea, OutboundEmail
from ideas.tasks import sweep_outbox
from portal.models import Account, Role
from portal.services import account_changed
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def _wait_until_sent(email: OutboundEmail, timeout: float = 20) -> OutboundEmail:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.state == OutboundEmail.State.SENT:
            return email
        time.sleep(0.1)
    pytest.fail(f"email {email.pk} still {email.state} after {timeout} s: {email.last_error}")


def _mail_files() -> list[Path]:
    """Emails the worker wrote (its settings come from the environment, not the test's)."""
    return sorted(Path(os.environ["EMAIL_FILE_PATH"]).glob("*.log"))


def test_a_new_idea_is_emailed_to_the_pms_by_the_worker(
    celery_worker: subprocess.Popen[bytes],
) -> None:
    before = len(_mail_files())
    pm = make_user(role=Role.PM, email="pm@vendor.test")
    idea = make_idea(product=make_product(team=[pm]), title="Worker delivered idea")
    email = _wait_until_sent(OutboundEmail.objects.get(reason="idea_submitted", to=pm.email))
    assert email.attempts == 1
    written = _mail_files()[before:]
    assert any("Worker delivered idea" in f.read_text() for f in written)
    assert f"/ideas/{idea.pk}/" in email.body_text


def test_the_sweep_sends_what_lost_its_task(celery_worker: subprocess.Popen[bytes]) -> None:
    # No task was ever queued for it, as when Redis was away; the sweep leaves the newest
    # emails to their own tasks, so this one is a minute old.
    email = OutboundEmail.objects.create(
        to="late@vendor.test",
        subject="Late",
        body_text="Body",
        reason="test",
        created_at=timezone.now() - timedelta(minutes=1),
    )
    sweep_outbox.apply_async(kwargs={}, countdown=0)
    _wait_until_sent(email)


def test_an_account_arr_change_reaches_its_ideas_through_the_worker(
    celery_worker: subprocess.Popen[bytes],
) -> None:
    account = make_account(domains=["acme.test"], arr=10_000)
    idea = make_idea(author=make_user(email="ann@acme.test"))
    assert Idea.objects.get(pk=idea.pk).revenue_at_stake == Decimal("10000")
    Account.objects.filter(pk=account.pk).update(arr=25_000)
    account_changed(account=account)  # outside a transaction: queued at once
    deadline = time.monotonic() + 20
    while Idea.objects.get(pk=idea.pk).revenue_at_stake != Decimal("25000"):
        if time.monotonic() > deadline:
            pytest.fail("the worker did not refresh the idea's revenue at stake")
        time.sleep(0.1)
