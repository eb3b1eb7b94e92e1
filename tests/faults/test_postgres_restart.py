"""PostgreSQL restarted under light load: requests during the outage fail quickly and
kindly (503 with Retry-After, never a 500 or a hang), and the same web server processes
serve normally again once it is back, without being restarted.

The database is a throwaway cluster of this test's own, loaded with a copy of the test
database; the suite's PostgreSQL is never stopped."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings

from tests.factories import make_idea, make_product
from tests.faults.servers import (
    PG_BIN,
    Http,
    Postgres,
    Processes,
    base_env,
    scratch_dir,
    session_for,
    start_gunicorn,
    wait_for,
    worker_pids,
)

pytestmark = pytest.mark.django_db(transaction=True)

CONNECT_TIMEOUT = 2


@dataclass
class Result:
    started: float
    ended: float
    status: int
    body: bytes


@dataclass
class Site:
    pg: Postgres
    port: int
    master: int
    slug: str
    idea_id: int
    session: str


@pytest.fixture
def site(transactional_db: None) -> Iterator[Site]:
    idea = make_idea(product=make_product(slug="restart"))
    assert idea.author_id is not None
    session = session_for(idea.author_id)
    processes = Processes()
    with scratch_dir() as work:
        pg = Postgres(work)
        try:
            pg.start()
            db = settings.DATABASES["default"]
            subprocess.run(
                [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U",
                 "postgres", "portal"],
                check=True, timeout=30,
            )  # fmt: skip
            # A copy of the test database (schema, the idea above, the session).
            dump = subprocess.run(
                [str(PG_BIN / "pg_dump"), "--no-owner", "--no-privileges", "-h", db["HOST"],
                 "-p", str(db["PORT"]), "-U", db["USER"], db["NAME"]],
                check=True, capture_output=True, timeout=60,
            )  # fmt: skip
            subprocess.run(
                [str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                 "-p", str(pg.port), "-U", "postgres", "portal"],
                input=dump.stdout, check=True, capture_output=True, timeout=60,
            )  # fmt: skip
            env = base_env(
                DATABASE_URL=pg.url("portal"), DATABASE_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT)
            )
            env.pop("REDIS_URL", None)  # background work in process: this test is about the DB
            master, port = start_gunicorn(processes, work, env, workers=2, threads=2)
            yield Site(pg, port, master.pid, "restart", idea.pk, session)
        finally:
            processes.close()
            pg.close()


def test_requests_fail_kindly_while_postgres_restarts_and_the_same_processes_recover(
    site: Site,
) -> None:
    results: list[Result] = []
    stop = threading.Event()

    def light_load() -> None:
        http = Http(site.port, site.session, timeout=30)
        paths = [f"/p/{site.slug}/", f"/p/{site.slug}/ideas/{site.idea_id}/"]
        n = 0
        while not stop.is_set():
            n += 1
            started = time.monotonic()
            if n % 3 == 0:
                status, body = http.request(
                    "POST", f"/p/{site.slug}/ideas/{site.idea_id}/vote/",
                    {"action": "unvote" if n % 2 else "vote"},
                )  # fmt: skip
            else:
                status, body = http.request("GET", paths[n % 2])
            results.append(Result(started, time.monotonic(), status, body))
            time.sleep(0.05)
        http.close()

    load = threading.Thread(target=light_load)
    wait_for(lambda: len(worker_pids(site.master)) == 2, 20, "gunicorn's two workers")
    pids = worker_pids(site.master)
    warm = Http(site.port, site.session)
    for _ in range(4):  # each worker loads the application on its first request
        assert warm.request("GET", f"/p/{site.slug}/")[0] == 200
        warm.close()
    load.start()
    try:
        time.sleep(1.5)
        down_from = time.monotonic()
        site.pg.stop("fast")  # what a restart or failover does to open connections
        time.sleep(2)
        site.pg.start()
        up_at = time.monotonic()
        recovered = wait_for(
            lambda: any(r.started > up_at and r.status in (200, 302) for r in results),
            20,
            "the first good answer after the restart",
        )
        time.sleep(2)
    finally:
        stop.set()
        load.join(timeout=60)

    assert not load.is_alive()
    before = [r for r in results if r.ended < down_from]
    during = [r for r in results if down_from <= r.started < up_at]
    after = [r for r in results if r.started > up_at + recovered]
    timeline = [(round(r.started - down_from, 2), r.status) for r in results]
    assert before, timeline
    assert during, timeline
    assert after, timeline
    assert {r.status for r in before} <= {200, 302}
    assert {r.status for r in after} <= {200, 302}, [r.status for r in after]
    # During the outage: either served (a request that beat the shutdown) or a kind 503.
    assert {r.status for r in during} <= {200, 302, 503}, [r.status for r in during]
    unavailable = [r for r in results if r.status == 503]
    assert unavailable, "no request noticed the outage"
    assert all(b"Back in a moment" in r.body for r in unavailable)
    assert 500 not in {r.status for r in results}
    slowest = max(r.ended - r.started for r in results)
    assert slowest < CONNECT_TIMEOUT + 2, f"a request took {slowest:.1f} s"
    assert worker_pids(site.master) == pids, "gunicorn had to restart a worker"
    print(
        f"{len(results)} requests; {len(unavailable)} answered 503 during the outage; "
        f"served again {recovered:.2f} s after PostgreSQL was back; slowest {slowest:.2f} s"
    )
