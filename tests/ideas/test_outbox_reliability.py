"""The outbox on the real stack: emails go out exactly once, with racing workers and when
Redis is away while people keep submitting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from ideas.models import Idea, OutboundEmail
from ideas.tasks import deliver_email
from portal.models import Role
from tests.factories import make_idea, make_product, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(redis_url: str) -> dict[str, str]:
    db = settings.DATABASES["default"]
    return {
        **os.environ,
        "REDIS_URL": redis_url,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}"
            f"@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
    }


def _manage(env: dict[str, str], code: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _wait(predicate: object, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting")
        time.sleep(0.1)


@pytest.fixture
def second_worker(celery_worker: subprocess.Popen[bytes]) -> Iterator[None]:
    """Another worker on the test Redis, racing the session's one."""
    work = Path(os.environ.get("PORTAL_TEST_WORK_DIR", "/tmp"))
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "-n", "second@%h",
         f"--logfile={work / 'second-worker.log'}"],
        cwd=ROOT,
        env=_env(os.environ["REDIS_URL"]),
    )  # fmt: skip
    from portal.celery import app

    _wait(lambda: len(app.control.ping(timeout=0.5) or []) >= 2, timeout=30)
    yield
    process.terminate()
    process.wait(timeout=10)


def test_two_workers_racing_on_the_same_email_send_it_once(second_worker: None) -> None:
    mail_dir = Path(os.environ["EMAIL_FILE_PATH"])
    before = set(mail_dir.glob("*.log"))
    pm = make_user(role=Role.PM, email="racing-pm@vendor.test")
    make_idea(product=make_product(team=[pm]))
    email = OutboundEmail.objects.get(to="racing-pm@vendor.test")
    for _ in range(10):  # a duplicate task for each worker to grab
        deliver_email.delay(email.pk)

    def sent() -> bool:
        email.refresh_from_db()
        return email.state == OutboundEmail.State.SENT

    _wait(sent)
    time.sleep(1)  # let the duplicates run too
    email.refresh_from_db()
    assert email.attempts == 1
    written = [
        f for f in set(mail_dir.glob("*.log")) - before if "racing-pm@vendor.test" in f.read_text()
    ]
    assert len(written) == 1


def test_with_redis_away_ideas_still_save_and_emails_go_out_once_it_returns(
    tmp_path: Path,
) -> None:
    """A web process whose Redis is down keeps working; nothing is lost; the sweep sends
    every pending email exactly once when Redis is back."""
    pm = make_user(role=Role.PM, email="pm@vendor.test")
    product = make_product(team=[pm])
    author = make_user(email="ann@customer.test")
    port = _free_port()  # nothing listens here yet: Redis is "down"
    env = _env(f"redis://127.0.0.1:{port}/0")
    out = _manage(
        env,
        "from ideas.services import idea_submit\n"
        "from portal.models import Product, User\n"
        f"p = Product.objects.get(pk={product.pk}); u = User.objects.get(pk={author.pk})\n"
        "for n in range(3):\n"
        "    idea_submit(product=p, author=u, title=f'Offline idea {n}', problem='Saved anyway')\n"
        "print('submitted')\n",
    )
    assert "submitted" in out
    assert Idea.objects.filter(title__startswith="Offline idea").count() == 3
    pending = OutboundEmail.objects.filter(to="pm@vendor.test")
    assert pending.count() == 3
    assert set(pending.values_list("state", flat=True)) == {OutboundEmail.State.PENDING}
    # The sweep leaves the newest emails to their own tasks; these are minutes old by now.
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=5))

    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "-n", "recovery@%h",
         f"--logfile={tmp_path / 'worker.log'}"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        for _ in range(2):  # the periodic sweep, twice: the second finds nothing to send
            _manage(env, "from ideas.tasks import sweep_outbox; sweep_outbox.delay()")
        _wait(lambda: not pending.filter(state=OutboundEmail.State.PENDING).exists(), timeout=30)
        time.sleep(1)
        assert list(pending.values_list("attempts", flat=True)) == [1, 1, 1]
    finally:
        worker.terminate()
        worker.wait(timeout=10)
        redis.terminate()
        redis.wait(timeout=10)
