"""A Celery worker killed (SIGKILL) in the middle of sending an email: after recovery the
email has gone out exactly once, within the configured timeouts.

Each test has its own Redis, its own workers and an SMTP server standing in for the mail
provider, so killing a worker disturbs nothing else in the suite."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ideas.models import OutboundEmail
from ideas.services.outbox import outbox_message_id
from tests.faults.servers import (
    FakeSmtp,
    Processes,
    Redis,
    base_env,
    publish,
    scratch_dir,
    start_worker,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

VISIBILITY_TIMEOUT = 3
RESTORE_INTERVAL = 1


@dataclass
class Rig:
    processes: Processes
    work: Path
    redis: Redis

    def worker(self, name: str, smtp: FakeSmtp, *, beat: bool = False) -> subprocess.Popen[bytes]:
        env = base_env(
            REDIS_URL=self.redis.url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp.port),
            EMAIL_USE_TLS="false",
            EMAIL_TIMEOUT="5",
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            CELERY_UNACKED_RESTORE_INTERVAL=str(RESTORE_INTERVAL),
            OUTBOX_SWEEP_INTERVAL="1",
            OUTBOX_RETRY_AFTER="1",
        )
        return start_worker(self.processes, self.work, name, env, beat=beat)


@pytest.fixture
def rig(transactional_db: None) -> Iterator[Rig]:
    processes = Processes()
    with scratch_dir() as work:
        try:
            redis = Redis(processes, work)
            redis.start()
            yield Rig(processes, work, redis)
        finally:
            processes.close()


@pytest.fixture
def smtp_stalling_at(request: pytest.FixtureRequest) -> Iterator[FakeSmtp]:
    server = FakeSmtp(stall_at=request.param)
    try:
        yield server
    finally:
        server.close()


def _pending_email() -> OutboundEmail:
    # Written as email_enqueue writes it, minus its on-commit task: the test queues the
    # task itself, on its own Redis.
    return OutboundEmail.objects.create(
        to="ann@customer.test",
        subject="Your idea is planned",
        body_text="Good news.",
        reason="status_changed",
    )


@pytest.mark.parametrize("smtp_stalling_at", ["data"], indirect=True)
def test_a_worker_killed_before_the_server_accepted_the_email_sends_it_once_after_recovery(
    rig: Rig, smtp_stalling_at: FakeSmtp
) -> None:
    smtp = smtp_stalling_at
    first = rig.worker("first", smtp)
    email = _pending_email()
    publish(rig.redis.url, "ideas.tasks.deliver_email", email.pk)
    wait_for(smtp.stalled.is_set, 20, "the worker to be in the middle of sending")

    rig.processes.kill(first)  # SIGKILL, mid-conversation with the mail server
    killed_at = time.monotonic()
    smtp.release.set()

    email.refresh_from_db()
    assert email.state == OutboundEmail.State.PENDING  # its lock died with the worker
    assert smtp.message_ids() == []
    rig.worker("second", smtp)  # no sweep: the re-delivered task alone recovers it

    def sent() -> bool:
        email.refresh_from_db()
        return email.state == OutboundEmail.State.SENT

    wait_for(sent, 30, "the email to be sent after recovery")
    recovery = time.monotonic() - killed_at
    # Bounded by the configured timeouts: the message waits out the visibility timeout,
    # then the next restore check hands it over (worker start-up counted in the slack).
    assert recovery < VISIBILITY_TIMEOUT + RESTORE_INTERVAL + 10, recovery
    wait_for(rig.redis.queue_is_drained, 20, "the re-delivered task to be acknowledged")
    assert smtp.message_ids() == [outbox_message_id(email)]
    assert email.attempts == 1


@pytest.mark.parametrize("smtp_stalling_at", ["quit"], indirect=True)
def test_a_worker_killed_after_the_server_accepted_the_email_never_sends_it_again(
    rig: Rig, smtp_stalling_at: FakeSmtp
) -> None:
    """The server has the message, the worker dies saying goodbye: the row already says
    sent, so neither the re-delivered task nor the sweep sends a second copy."""
    smtp = smtp_stalling_at
    first = rig.worker("first", smtp)
    email = _pending_email()
    publish(rig.redis.url, "ideas.tasks.deliver_email", email.pk)
    wait_for(smtp.stalled.is_set, 20, "the worker to be saying goodbye to the server")

    rig.processes.kill(first)
    smtp.release.set()

    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT
    assert smtp.message_ids() == [outbox_message_id(email)]
    # Recovery with both paths on: the task comes back after the visibility timeout, and
    # the sweep runs every second.
    rig.worker("second", smtp, beat=True)
    wait_for(rig.redis.queue_is_drained, 30, "the re-delivered task to be acknowledged")

    def sweeps_run() -> int:
        log = (rig.work / "second.log").read_text()
        return sum("sweep_outbox[" in line and "received" in line for line in log.splitlines())

    wait_for(lambda: sweeps_run() >= 2, 20, "the sweep to run twice")
    email.refresh_from_db()
    assert email.attempts == 1
    assert smtp.message_ids() == [outbox_message_id(email)]
