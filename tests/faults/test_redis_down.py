"""Redis stopped while people submit ideas and PMs change statuses, through a real web
server (gunicorn) and a real worker with its beat: every request still succeeds and
saves; once Redis is back, every email written meanwhile goes out exactly once.

The web server, worker and Redis are this test's own (the suite's Redis keeps running)."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from ideas.models import Idea, OutboundEmail, Status, StatusChange
from ideas.services import vote_cast
from ideas.services.outbox import outbox_message_id
from portal.models import Role
from tests.factories import make_idea, make_product, make_user
from tests.faults.servers import (
    Http,
    Processes,
    Redis,
    base_env,
    scratch_dir,
    session_for,
    start_gunicorn,
    start_worker,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

# A request may spend this long finding Redis away (a refused connection, retried twice
# within half a second by the publish retry policy); anything near the gunicorn timeout
# would be a hang.
SLOW_REQUEST = 5.0


@pytest.fixture
def stack(transactional_db: None) -> Iterator[tuple[Processes, Path, Redis, int]]:
    processes = Processes()
    with scratch_dir() as work:
        try:
            redis = Redis(processes, work)
            redis.start()
            (work / "mail").mkdir()
            env = base_env(
                REDIS_URL=redis.url,
                EMAIL_FILE_PATH=str(work / "mail"),
                OUTBOX_SWEEP_INTERVAL="1",
                OUTBOX_RETRY_AFTER="1",
            )
            start_worker(processes, work, "mailer", env, beat=True)
            _, port = start_gunicorn(processes, work, env, workers=1, threads=4)
            yield processes, work, redis, port
        finally:
            processes.close()


def _mails_by_message_id(mail_dir: Path) -> Counter[str]:
    found: Counter[str] = Counter()
    for path in mail_dir.iterdir():
        found.update(re.findall(r"^Message-ID: (<[^>]+>)", path.read_text(), re.MULTILINE))
    return found


def test_with_redis_stopped_requests_save_and_every_email_goes_out_once_it_returns(
    stack: tuple[Processes, Path, Redis, int],
) -> None:
    _, work, redis, port = stack
    pm = make_user(role=Role.PM, email="pm@vendor.test")
    product = make_product(slug="offline", team=[pm])
    customers = [make_user(email=f"c{n}@customer.test") for n in range(3)]
    asked = [make_idea(product=product, author=customers[n]) for n in range(3)]
    for idea in asked:
        vote_cast(idea=idea, user=customers[(asked.index(idea) + 1) % 3])
    # A popular idea: its status change writes an email to each of 40 more voters.
    for n in range(40):
        vote_cast(idea=asked[2], user=make_user(email=f"fan{n}@customer.test"))
    wait_for(  # what the set-up wrote is sent while Redis is still there
        lambda: not OutboundEmail.objects.filter(state=OutboundEmail.State.PENDING).exists(),
        20,
        "the set-up's emails",
    )
    before = set(OutboundEmail.objects.values_list("pk", flat=True))
    pm_http = Http(port, session_for(pm.pk))
    customer_http = [Http(port, session_for(c.pk)) for c in customers]

    redis.stop()

    slowest = 0.0
    for n, http in enumerate(customer_http):
        started = time.monotonic()
        status, body = http.request(
            "POST",
            "/p/offline/ideas/new/",
            {"title": f"Offline idea {n}", "problem": "Submitted while Redis was away.",
             "importance": "important", "workaround": "", "category": "", "website": ""},
        )  # fmt: skip
        slowest = max(slowest, time.monotonic() - started)
        assert status == 302, body[:2000]
    for idea, to in zip(
        asked, [Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS], strict=True
    ):
        started = time.monotonic()
        status, body = pm_http.request(
            "POST",
            f"/pm/offline/ideas/{idea.pk}/status/",
            {"status": to, "note": "Moving it along while Redis is down."},
        )
        slowest = max(slowest, time.monotonic() - started)
        assert status == 302, body[:2000]
    status, _ = customer_http[0].request("GET", "/p/offline/")
    assert status == 200
    status, _ = customer_http[0].request("GET", "/healthz")
    assert status == 503  # the load balancer hears of it; the pages keep working
    assert slowest < SLOW_REQUEST, f"a request took {slowest:.1f} s with Redis away"

    # Everything was saved, and every email is waiting in the outbox.
    assert Idea.objects.filter(product=product, title__startswith="Offline idea").count() == 3
    assert StatusChange.objects.filter(idea__in=asked).count() == 3
    written = OutboundEmail.objects.exclude(pk__in=before)
    assert Counter(written.values_list("reason", flat=True)) == {
        "idea_submitted": 3,  # the PM hears of each new idea
        "idea_status": 46,  # each moved idea's author and voters
    }
    assert set(written.values_list("state", flat=True)) == {OutboundEmail.State.PENDING}

    redis.start()  # same port: the worker and the web server find it again by themselves
    waited = wait_for(
        lambda: not written.filter(state=OutboundEmail.State.PENDING).exists(),
        60,
        "every pending email to go out after Redis returned",
    )
    time.sleep(2)  # two more sweeps, which must find nothing to send
    assert set(written.values_list("state", flat=True)) == {OutboundEmail.State.SENT}
    assert set(written.values_list("attempts", flat=True)) == {1}
    sent = _mails_by_message_id(work / "mail")
    for email in written:
        assert sent[outbox_message_id(email)] == 1, email
    print(f"emails out {waited:.1f} s after Redis returned; slowest request {slowest:.2f} s")
