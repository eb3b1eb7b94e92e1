"""Fixtures shared by every test: the real Celery worker and the browser set-up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


WORKER_NAME = f"test-worker@{socket.gethostname()}"
_worker_state = {"running": False}


def _wait_until_worker_idle(timeout: float = 20) -> None:
    """Until the queue is empty and the worker runs nothing. A solo worker answers control
    messages only between tasks, so an answer listing no active task means idle."""
    import redis

    from portal.celery import app

    queue = redis.Redis.from_url(settings.REDIS_URL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not queue.llen("celery"):
            replies = app.control.inspect(timeout=1.0, destination=[WORKER_NAME], limit=1).active()
            if replies and not any(replies.values()):
                return
        time.sleep(0.05)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Once the worker runs, let it finish what a test queued before the test database is
    flushed: a task writing while the flush truncates tables deadlocks the two."""
    if _worker_state["running"]:
        _wait_until_worker_idle()
    yield


@pytest.fixture(scope="session")
def celery_worker(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker process on the test Redis, using the test database."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (the test command starts Redis)")
    from portal.celery import app

    app.control.purge()
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}"
            f"@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
    }
    work = Path(os.environ.get("PORTAL_TEST_WORK_DIR", "/tmp"))
    log = work / "celery-worker.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            f"--hostname={WORKER_NAME}",
            f"--logfile={log}",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            break
        if process.poll() is not None:
            pytest.fail(f"The Celery worker exited early; see {log}")
    else:
        process.kill()
        pytest.fail("The Celery worker did not answer within 30 s")
    _worker_state["running"] = True
    yield process
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Use the system Chromium (Playwright's own download is not available)."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }
