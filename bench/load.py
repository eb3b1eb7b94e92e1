"""Load benchmark: the portal's pages under gunicorn, at scale, against the goals of issue 7.

Run through ``bench/load`` (it starts a throwaway PostgreSQL and Redis) or directly with
``DATABASE_URL`` (and optionally ``REDIS_URL``) pointing at servers that are already running,
as the smoke test does: the benchmark always creates a database of its own on that server
(``portal_bench_<random>``), and a Redis database number of its own, and drops both after.

It seeds the database (``seed_scale``), counts each page's queries once with Django's test
client, starts gunicorn (two workers, production settings) on a free loopback port, warms
each page up, drives it with wrk (eight connections, bounded in time), posts vote toggles
as many signed-in users, times a full rescore after a weight change (alone, then while the
list is under load), reads the workers' peak memory, and writes the figures as Markdown
into ``docs/performance.md`` (between markers, so notes around them stay).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "lua"
START_MARK = "<!-- bench/load results: start -->"
END_MARK = "<!-- bench/load results: end -->"
SIMILAR_TEXT = "export dashboards to excel"
REDIS_DB = 11  # the test suite and a default deployment use 0


@dataclass
class Page:
    key: str
    label: str
    path: str
    cookie: str = ""
    queries: int | None = None
    queries_cut_short: bool = False  # the request failed (a statement timeout) part way


@dataclass
class Run:
    """One wrk run's figures (latencies in milliseconds)."""

    requests: int = 0
    seconds: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    errors: int = 0
    status: int = 0
    note: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Results:
    machine: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    pages: list[tuple[Page, Run]] = field(default_factory=list)
    votes: Run | None = None
    votes_net: int = 0
    vote_queries: str = ""
    rescore_alone: float = 0.0
    rescore_loaded: float = 0.0
    rescore_moved: int = 0
    list_during_rescore: Run | None = None
    worker_peak_mb: float = 0.0
    seed_seconds: float = 0.0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=10, help="Seconds of load per page.")
    parser.add_argument("--warmup", type=int, default=2, help="Seconds of warm-up per page.")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="Threads per gunicorn worker (above 1: gthread workers, as in production).",
    )
    parser.add_argument("--vote-users", type=int, default=400, help="Users toggling votes.")
    parser.add_argument(
        "--slow",
        type=float,
        default=2.0,
        help="A page whose single request takes longer is timed once, not loaded.",
    )
    parser.add_argument(
        "--statement-timeout",
        type=int,
        default=20,
        help="Seconds any one query may run once the data is in (keeps every run bounded).",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--keep-db", action="store_true", help="Do not drop the database.")
    return parser.parse_args(argv)


def with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


# --- The database of the run ------------------------------------------------------------


@contextmanager
def bench_database(server_url: str, keep: bool) -> Iterator[str]:
    """A new database on the server of ``server_url``; dropped afterwards."""
    import psycopg2

    name = f"portal_bench_{secrets.token_hex(4)}"
    admin = psycopg2.connect(server_url)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield with_path(server_url, f"/{name}")
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            log(f"kept the database {name}")
        else:
            with suppress(psycopg2.Error), admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def vacuum() -> None:
    """VACUUM (ANALYZE) the freshly seeded database. Millions of new rows set autovacuum
    off in the background for a minute or more; left alone, it ran during the first pages'
    load and took cores from them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def bound_queries(seconds: int) -> None:
    """From now on no query may run longer than ``seconds`` (the database's own setting, so
    gunicorn's connections get it too): a pathological page fails instead of holding a
    worker for minutes."""
    from django.db import connection, connections

    with connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"ALTER DATABASE {name} SET statement_timeout = '{int(seconds)}s'")
    connections.close_all()


def configure(database_url: str, redis_url: str, work: Path) -> dict[str, str]:
    """Production settings for this process and gunicorn alike: DEBUG off, plain HTTP on
    loopback, static files collected under the run's directory."""
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "PORTAL_VAR_DIR": str(work / "var"),
        "EMAIL_FILE_PATH": str(work / "mail"),
        "PORTAL_BENCH_REFERENCE": "1",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    for name in ("PORTAL_FAST_PASSWORD_HASHER", "DATABASE_CONN_MAX_AGE"):
        os.environ.pop(name, None)
    os.environ.update(env)
    if not redis_url:
        os.environ.pop("REDIS_URL")
    return {**os.environ}


# --- Preparing the pages --------------------------------------------------------------


def session_for(user_id: int) -> str:
    """A signed-in session, as django.contrib.auth.login would store it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from portal.models import User

    user = User.objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


def prepare(slug: str, work: Path, vote_users: int) -> tuple[list[Page], Path, dict[str, int]]:
    """The pages to measure (with a deep cursor computed by a query), sessions for a PM and
    a sales user, and the pool of voters' sessions for the writes."""
    import random

    from django.db.models import Count
    from django.utils.crypto import get_random_string

    from ideas.models import Idea, Status
    from ideas.selectors import Sort, encode_cursor
    from portal.models import Product, Role, User

    product = Product.objects.get(slug=slug)
    listed = Idea.objects.listed().filter(product=product)
    total = listed.count()
    deep_rank = min(50_000, total // 2)
    pm = User.objects.get(email=f"pm@{slug}.example")
    # /sales/ lists every request of the rep's accounts, unpaginated: measure the rep of
    # the accounts with the most users (the worst case) and the median rep.
    reps = list(
        User.objects.filter(role=Role.SALES, email__endswith=f"@{slug}.example")
        .annotate(
            users=Count("owned_accounts__users", distinct=True),
            accounts=Count("owned_accounts", distinct=True),
        )
        .order_by("users", "pk")
    )
    pm_cookie = f"sessionid={session_for(pm.pk)}"
    by_votes = listed.order_by("-vote_count", "-pk")
    top_idea = by_votes.values_list("pk", "vote_count")[0]
    typical = by_votes.values_list("pk", "vote_count")[total // 2]
    base = f"/p/{slug}/"
    pages = [
        Page("reference", "reference: base.html, one indexed query", f"/bench/reference/{slug}/")
    ]
    for sort, field_name in (
        (Sort.TOP, "vote_count"),
        (Sort.NEW, "created_at"),
        (Sort.TRENDING, "trending_score"),
    ):
        pages.append(Page(f"list_{sort}", f"public list, {sort}, page 1", f"{base}?sort={sort}"))
        ordered = listed.order_by(f"-{field_name}", "-pk")
        before = ordered.only("pk", field_name)[deep_rank - 1]
        query = urlencode({"sort": sort.value, "after": encode_cursor(before, sort)})
        pages.append(
            Page(f"deep_{sort}", f"public list, {sort}, rank {deep_rank:,}", f"{base}?{query}")
        )
    pages += [
        Page(
            "idea_top",
            f"idea page, most voted ({top_idea[1]:,} votes)",
            f"{base}ideas/{top_idea[0]}/",
        ),
        Page(
            "idea_typical",
            f"idea page, median ({typical[1]:,} votes)",
            f"{base}ideas/{typical[0]}/",
        ),
        Page(
            "similar",
            f"similar ideas: “{SIMILAR_TEXT}”",
            f"{base}ideas/similar/?title={quote(SIMILAR_TEXT)}",
        ),
        Page(
            "pm_scores",
            "PM scores, by score, open only (PM)",
            f"/pm/{slug}/scores/?sort=score&show=open",
            pm_cookie,
        ),
    ]
    sales_reps = [("sales", "busiest rep", reps[-1])]
    if len(reps) > 1:
        sales_reps.append(("sales_median", "median rep", reps[len(reps) // 2]))
    for key, who, rep in sales_reps:
        label = f"/sales/, {who} ({rep.accounts} accounts, {rep.users:,} users)"
        pages.append(Page(key, label, "/sales/", f"sessionid={session_for(rep.pk)}"))
    pages.append(Page("roadmap", "public roadmap", f"{base}roadmap/"))

    # The writes: voters from the customers, ideas from the top of the list (where people
    # vote) and from anywhere; every request its own user.
    rng = random.Random(11)  # noqa: S311 - benchmark choices
    customers = list(
        User.objects.filter(role=Role.CUSTOMER, email__contains=f".{slug}")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    voters = rng.sample(customers, min(vote_users, len(customers)))
    open_ideas = list(
        listed.exclude(status=Status.DECLINED).order_by("-vote_count").values_list("pk", flat=True)
    )
    ideas = open_ideas[:50] + rng.sample(open_ideas[50:], min(150, len(open_ideas[50:])))
    pool = work / "vote-pool.txt"
    with pool.open("w") as out:
        out.write(f"{slug}\n{' '.join(map(str, ideas))}\n")
        for user_id in voters:
            out.write(f"{session_for(user_id)} {get_random_string(32)}\n")
    info = {
        "deep_rank": deep_rank,
        "listed": total,
        "voters": len(voters),
        "vote_ideas": len(ideas),
    }
    return pages, pool, info


def count_queries(pages: list[Page], slug: str, slow: float) -> str:
    """Each page's queries (the second of two requests, so start-up caches do not count;
    only one for a slow page), and a vote and an unvote, with the test client in this
    process on the same database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ideas.models import Idea
    from portal.models import User

    # A page that fails is reported in the table; its traceback would only bury the log.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    clients: dict[str, Client] = {}
    for page in pages:
        client = clients.setdefault(
            page.cookie, Client(raise_request_exception=False, SERVER_NAME="127.0.0.1")
        )
        if page.cookie:
            client.cookies["sessionid"] = page.cookie.split("=", 1)[1]
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path)
        if response.status_code == 200 and time.perf_counter() - started < slow:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page.path)
        # A failed query is captured too: the count then says how far the page got.
        page.queries = len(queries)
        page.queries_cut_short = response.status_code != 200
    idea = Idea.objects.listed().filter(product__slug=slug).order_by("-vote_count").first()
    if idea is None:
        return ""
    # Someone who has not voted for it yet, so the vote is a real one.
    voter = (
        User.objects.filter(email__contains=f".{slug}")
        .exclude(votes__idea=idea)
        .order_by("-pk")
        .first()
    )
    if voter is None:
        return ""
    client = Client(raise_request_exception=False, SERVER_NAME="127.0.0.1", HTTP_HX_REQUEST="true")
    client.force_login(voter)
    path = f"/p/{slug}/ideas/{idea.pk}/vote/"
    counts = []
    for action in ("vote", "unvote"):
        with CaptureQueriesContext(connection) as queries:
            client.post(path, {"action": action})
        counts.append(len(queries))
    return f"{counts[0]} (vote), {counts[1]} (unvote), on the most voted idea"


# --- gunicorn and wrk ---------------------------------------------------------------


def worker_kind(threads: int) -> str:
    return "sync workers" if threads <= 1 else f"gthread workers, {threads} threads each"


@contextmanager
def gunicorn(
    env: dict[str, str], work: Path, workers: int, threads: int = 1
) -> Iterator[tuple[int, int]]:
    """gunicorn on a free loopback port; yields (port, master pid). Its command line names
    the run's directory, so the servers' clean-up trap finds it too."""
    port = free_port()
    log_file = (work / "gunicorn.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--workers",
            str(workers),
            *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
            "--bind",
            f"127.0.0.1:{port}",
            "--pid",
            str(work / "gunicorn.pid"),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {(work / 'gunicorn.log').read_text()}")
            with suppress(OSError):
                if get(port, "/healthz")[0] == 200 and len(worker_pids(process.pid)) == workers:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield port, process.pid
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log_file.close()


def get(port: int, path: str, cookie: str = "", timeout: float = 30) -> tuple[int, bytes]:
    connection = HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_rss_mb(pids: list[int]) -> float:
    """The largest VmHWM (peak resident set) among the processes, in MB."""
    peak = 0
    for pid in pids:
        with suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
    return peak / 1024


def wrk_command(
    port: int,
    path: str,
    seconds: int,
    connections: int,
    cookie: str = "",
    script: Path = LUA / "report.lua",
    script_args: tuple[str, ...] = (),
) -> list[str]:
    threads = min(2, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}{path}",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script_args:
        command += ["--", *script_args]
    return command


def parse_wrk(output: str) -> Run:
    match = re.search(r"^BENCH_JSON (.*)$", output, re.MULTILINE)
    if match is None:
        return Run(note=f"wrk printed no summary: {output[-300:]}")
    data = json.loads(match.group(1))
    return Run(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50=data["p50_us"] / 1000,
        p95=data["p95_us"] / 1000,
        p99=data["p99_us"] / 1000,
        errors=data["status_errors"]
        + data["connect_errors"]
        + data["read_errors"]
        + data["write_errors"]
        + data["timeouts"],
    )


def wrk(command: list[str], seconds: int) -> Run:
    result = subprocess.run(  # noqa: S603 - our own arguments
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    return parse_wrk(result.stdout + result.stderr)


def measure(port: int, page: Page, args: argparse.Namespace) -> Run:
    """One request first: a page that fails, or is too slow to load without queueing every
    later page behind it, is reported from that request alone. Else warm-up and wrk."""
    started = time.perf_counter()
    try:
        status, _ = get(port, page.path, page.cookie, timeout=args.statement_timeout + 15)
    except OSError as error:
        settle(port)
        return Run(errors=1, note=f"no answer: {error}")
    took = time.perf_counter() - started
    if status != 200:
        settle(port)
        return Run(status=status, errors=1, note=f"HTTP {status} after {took:.1f} s")
    if took > args.slow:
        single = took * 1000
        return Run(
            requests=1,
            seconds=took,
            p50=single,
            p95=single,
            p99=single,
            status=status,
            note=f"not loaded: one request took {took:.1f} s",
        )
    if args.warmup > 0:
        wrk(wrk_command(port, page.path, args.warmup, args.connections, page.cookie), args.warmup)
    run = wrk(
        wrk_command(port, page.path, args.duration, args.connections, page.cookie), args.duration
    )
    run.status = status
    settle(port)
    return run


def settle(port: int) -> None:
    """Wait until requests still queued in gunicorn (after wrk stopped) are served, so they
    do not slow the next page down."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with suppress(OSError):
            if get(port, "/healthz", timeout=60)[0] == 200 and time.perf_counter() - started < 0.2:
                return
        time.sleep(0.2)


def voters_votes(slug: str) -> int:
    """Votes on the product's ideas: how many the toggles left behind, as a check that the
    writes happened."""
    from ideas.models import Vote

    return Vote.objects.filter(idea__product__slug=slug).count()


def rescore(slug: str, weight: float) -> tuple[float, int]:
    """A PM changes a weight (the real service: the change is recorded and a rescore is
    queued), then the rescore the worker would run is timed here."""
    from portal.models import Product, User
    from scoring.models import Scorecard, ScoreEvent
    from scoring.services import product_rescore, scorecard_set_weights

    product = Product.objects.get(slug=slug)
    scorecard = Scorecard.objects.get(product=product, active=True)
    scorecard_set_weights(
        scorecard=scorecard,
        weights={"value": weight},
        by=User.objects.get(email=f"pm@{slug}.example"),
        note="bench/load",
    )
    started = time.perf_counter()
    moved = product_rescore(product=product, event=ScoreEvent.WEIGHTS)
    return time.perf_counter() - started, moved


# --- Facts for the report ---------------------------------------------------------------


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine_facts(threads: int) -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
        cursor.execute("SHOW shared_buffers")
        (shared_buffers,) = cursor.fetchone()
        cursor.execute("SHOW fsync")
        (fsync,) = cursor.fetchone()
        cursor.execute("SHOW synchronous_commit")
        (sync_commit,) = cursor.fetchone()
    from importlib.metadata import version

    import django

    meminfo = Path("/proc/meminfo").read_text()
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))  # type: ignore[union-attr]
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    wrk_version = subprocess.run(  # noqa: S603 - wrk's own path
        [shutil.which("wrk") or "wrk", "-v"], capture_output=True, text=True, check=False
    )
    return {
        "CPU": f"{os.cpu_count()} cores" + (f" ({model.group(1).strip()})" if model else ""),
        "memory": f"{mem_kb / 1024 / 1024:.1f} GB",
        "OS": platform.platform(terse=True),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "PostgreSQL": f"{pg_version} (shared_buffers {shared_buffers}, fsync {fsync}, "
        f"synchronous_commit {sync_commit})",
        "gunicorn": f"{version('gunicorn')}, {worker_kind(threads)}",
        "load average (1, 5, 15 min) before the load": load_average(),
        "wrk": (wrk_version.stdout + wrk_version.stderr).split("\n")[0].split(" Copyright")[0],
    }


def data_facts(slug: str, info: dict[str, int]) -> dict[str, str]:
    from django.db.models import Count

    from ideas.models import Comment, Idea, ProxyVote, Vote
    from portal.models import Account, User
    from roadmap.models import RoadmapItem
    from scoring.models import Rating

    ideas = Idea.objects.filter(product__slug=slug)
    counts = sorted(ideas.values_list("vote_count", flat=True), reverse=True)
    statuses = dict(ideas.values_list("status").annotate(n=Count("pk")).order_by())
    by_status = ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items()))
    return {
        "ideas": f"{len(counts):,} ({by_status})",
        "votes": f"{Vote.objects.filter(idea__product__slug=slug).count():,}: most voted "
        f"{counts[0]:,}, 100th {counts[min(99, len(counts) - 1)]:,}, median "
        f"{counts[len(counts) // 2]:,}",
        "users": f"{User.objects.count():,}",
        "accounts": f"{Account.objects.count():,}",
        "comments": f"{Comment.objects.filter(idea__product__slug=slug).count():,}",
        "proxy votes": f"{ProxyVote.objects.filter(idea__product__slug=slug).count():,}",
        "ratings": f"{Rating.objects.filter(idea__product__slug=slug).count():,}",
        "roadmap items": f"{RoadmapItem.objects.filter(product__slug=slug).count():,}",
        "deep page": f"rank {info['deep_rank']:,} of {info['listed']:,} listed ideas",
        "vote toggles": f"{info['voters']:,} users over {info['vote_ideas']} ideas "
        "(the 50 most voted and 150 others)",
    }


# --- The report ---------------------------------------------------------------------


def ms(value: float) -> str:
    if math.isinf(value):
        return "failed"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def p95_text(value: float) -> str:
    return "a page failed" if math.isinf(value) else f"p95 {ms(value)} ms"


def p95_of(run: Run) -> float:
    """A page that failed before any request was measured counts as infinitely slow."""
    return run.p95 if run.requests else math.inf


def verdict(ok: bool) -> str:
    return "pass" if ok else "**miss**"


def goals_table(r: Results) -> list[str]:
    by = {page.key: run for page, run in r.pages}
    ref = by.get("reference", Run()).rps or 1.0
    queries = {page.key: page.queries for page, _ in r.pages}
    firsts = [by[k] for k in ("list_top", "list_new", "list_trending") if k in by]
    deeps = [
        (by[f"deep_{s}"], by[f"list_{s}"])
        for s in ("top", "new", "trending")
        if f"deep_{s}" in by and f"list_{s}" in by
    ]
    rows = ["| what | floor | target | measured | floor | target |", "|---|---|---|---|---|---|"]
    if firsts:
        p95 = max(p95_of(run) for run in firsts)
        share = min(run.rps for run in firsts) / ref
        rows.append(
            f"| public list, page 1 (worst of top, new, trending) | p95 <= 40 ms "
            f"| p95 <= 20 ms and >= 50% of the reference | {p95_text(p95)}, "
            f"{share:.0%} of the reference | {verdict(p95 <= 40)} "
            f"| {verdict(p95 <= 20 and share >= 0.5)} |"
        )
    if deeps:
        ratio = max(p95_of(deep) / p95_of(first) for deep, first in deeps if first.p95)
        rows.append(
            f"| public list, deep page (p95 vs page 1, worst sort) | <= 3x | <= 1.5x "
            f"| {ratio:.2f}x | {verdict(ratio <= 3)} | {verdict(ratio <= 1.5)} |"
        )
    list_queries = [q for k, q in queries.items() if k.startswith(("list_", "deep_"))]
    if list_queries and None not in list_queries:
        most = max(q for q in list_queries if q is not None)
        idea_q = (queries.get("idea_top"), queries.get("idea_typical"))
        same = len(set(list_queries)) == 1 and idea_q[0] == idea_q[1]
        rows.append(
            f"| queries per page | constant in rows | <= 4 on the public list "
            f"| list {most} on every sort and depth; idea page {idea_q[0]} (most voted) "
            f"and {idea_q[1]} (median) | {verdict(same)} | {verdict(most <= 4)} |"
        )
    group = [
        by[k] for k in ("idea_top", "idea_typical", "sales", "sales_median", "roadmap") if k in by
    ]
    if group:
        p95 = max(p95_of(run) for run in group)
        rows.append(
            f"| idea page, /sales/, public roadmap (worst) | p95 <= 60 ms | p95 <= 30 ms "
            f"| {p95_text(p95)} | {verdict(p95 <= 60)} | {verdict(p95 <= 30)} |"
        )
    if "similar" in by:
        p95 = p95_of(by["similar"])
        rows.append(
            f"| similar ideas while typing | p95 <= 60 ms | p95 <= 25 ms "
            f"| {p95_text(p95)} | {verdict(p95 <= 60)} | {verdict(p95 <= 25)} |"
        )
    if "pm_scores" in by:
        p95 = p95_of(by["pm_scores"])
        rows.append(
            f"| PM dashboard sorted by score, with filters | p95 <= 150 ms "
            f"| p95 <= 60 ms | {p95_text(p95)} | {verdict(p95 <= 150)} "
            f"| {verdict(p95 <= 60)} |"
        )
    if r.votes is not None:
        v = r.votes
        rows.append(
            f"| vote toggles | >= 300/s, no error | >= 600/s | {v.rps:.0f}/s, "
            f"{v.errors} errors | {verdict(v.rps >= 300 and v.errors == 0)} "
            f"| {verdict(v.rps >= 600 and v.errors == 0)} |"
        )
    if r.rescore_alone:
        base = by.get("list_top")
        during = r.list_during_rescore
        slowdown = during.p95 / base.p95 if during and base and base.p95 else float("inf")
        rows.append(
            f"| rescore all ideas after a weight change | <= 30 s "
            f"| <= 5 s, list p95 at most 2x meanwhile | {r.rescore_alone:.1f} s alone, "
            f"{r.rescore_loaded:.1f} s under load; list p95 {slowdown:.1f}x meanwhile "
            f"| {verdict(r.rescore_alone <= 30)} "
            f"| {verdict(r.rescore_alone <= 5 and slowdown <= 2)} |"
        )
    if r.worker_peak_mb:
        mb = r.worker_peak_mb
        rows.append(
            f"| web worker memory (peak RSS) | <= 250 MB | <= 150 MB | {mb:.0f} MB "
            f"| {verdict(mb <= 250)} | {verdict(mb <= 150)} |"
        )
    return rows


def report(r: Results, args: argparse.Namespace) -> str:
    ref = next((run.rps for page, run in r.pages if page.key == "reference"), 0.0) or 1.0
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        START_MARK,
        f"## Last run: {when}",
        "",
        f"`bench/load --ideas {args.ideas} --votes {args.votes} --users {args.users} "
        f"--accounts {args.accounts} --duration {args.duration}"
        + (f" --threads {args.threads}" if args.threads > 1 else "")
        + "`: gunicorn with "
        f"{args.workers} {worker_kind(args.threads)} (DEBUG off), wrk with "
        f"{args.connections} connections "
        f"on loopback for {args.duration} s per page after {args.warmup} s of warm-up, all on "
        f"the same machine. Seeding took {r.seed_seconds:.0f} s.",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in r.machine.items()),
        "",
        "| data | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in r.data.items()),
        "",
        "| page | queries | req/s | vs reference | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for page, run in r.pages:
        errors = f"{run.errors} ({run.note})" if run.note else str(run.errors)
        queries = "?" if page.queries is None else str(page.queries)
        if page.queries_cut_short:
            queries += "+ (failed part way)"
        lines.append(
            f"| {page.label} | {queries} "
            f"| {run.rps:.0f} | {run.rps / ref:.0%} | {ms(run.p50)} | {ms(run.p95)} "
            f"| {ms(run.p99)} | {errors} |"
        )
    if r.votes is not None:
        v = r.votes
        errors = f"{v.errors} ({v.note})" if v.note else str(v.errors)
        lines.append(
            f"| vote toggles (POST, htmx), many users | {r.vote_queries} | {v.rps:.0f} "
            f"| {v.rps / ref:.0%} | {ms(v.p50)} | {ms(v.p95)} | {ms(v.p99)} | {errors} |"
        )
    if r.list_during_rescore is not None:
        d = r.list_during_rescore
        lines.append(
            f"| public list, top, page 1, during a full rescore | | {d.rps:.0f} "
            f"| {d.rps / ref:.0%} | {ms(d.p50)} | {ms(d.p95)} | {ms(d.p99)} | {d.errors} |"
        )
    lines += [
        "",
        f"Full rescore after a weight change (`scoring.services.product_rescore`, timed in "
        f"the benchmark's process as the worker runs it): {r.rescore_alone:.2f} s alone, "
        f"{r.rescore_loaded:.2f} s while the list is under load; {r.rescore_moved:,} totals "
        f"moved. Peak memory of a gunicorn worker (VmHWM): {r.worker_peak_mb:.0f} MB. "
        f"The vote toggles left {r.votes_net:+,} votes in the database (warm-up included).",
        "",
        "Goals of issue 7:",
        "",
        *goals_table(r),
        END_MARK,
    ]
    return "\n".join(lines) + "\n"


def write_report(path: Path, text: str) -> None:
    """Replace the results between the markers; keep everything else in the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_text() if path.exists() else "# Performance\n\n"
    if START_MARK in old and END_MARK in old:
        head, rest = old.split(START_MARK, 1)
        tail = rest.split(END_MARK, 1)[1]
        new = head + text.rstrip("\n") + tail
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new)


# --- The run ------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk; bench/load installs it)", file=sys.stderr)
        return 2
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at a PostgreSQL server", file=sys.stderr)
        return 2
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        redis_url = with_path(redis_url, f"/{REDIS_DB}")
    base = os.environ.get("WORK") or os.environ.get("PORTAL_TEST_WORK_DIR") or None
    work = Path(tempfile.mkdtemp(prefix="bench-load-", dir=base))
    slug = "scale"
    results = Results()
    try:
        with bench_database(server, args.keep_db) as database_url:
            env = configure(database_url, redis_url, work)
            run(args, env, work, slug, results)
    finally:
        if redis_url:
            import redis

            with suppress(redis.RedisError):
                redis.Redis.from_url(redis_url, socket_timeout=2).flushdb()
        shutil.rmtree(work, ignore_errors=True)
    text = report(results, args)
    write_report(args.output, text)
    print(text)
    log(f"written to {args.output}")
    return 0


def run(args: argparse.Namespace, env: dict[str, str], work: Path, slug: str, r: Results) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    log("migrating")
    call_command("migrate", verbosity=0)
    log(
        f"seeding {args.ideas:,} ideas, {args.votes:,} votes, {args.users:,} users, "
        f"{args.accounts:,} accounts"
    )
    started = time.perf_counter()
    call_command(
        "seed_scale",
        ideas=args.ideas,
        votes=args.votes,
        users=args.users,
        accounts=args.accounts,
        slug=slug,
    )
    r.seed_seconds = time.perf_counter() - started
    log("vacuuming (as a database in use would be, instead of autovacuum during the load)")
    vacuum()
    call_command("collectstatic", interactive=False, verbosity=0)
    pages, pool, info = prepare(slug, work, args.vote_users)
    bound_queries(args.statement_timeout)
    log("counting queries per page")
    r.vote_queries = count_queries(pages, slug, args.slow)
    r.machine = machine_facts(args.threads)
    r.data = data_facts(slug, info)
    from django.db import connections

    connections.close_all()  # gunicorn's workers get their own; keep none idle here

    with gunicorn(env, work, args.workers, args.threads) as (port, master):
        workers = worker_pids(master)
        for page in pages:
            log(f"{page.label}: {page.path}")
            r.pages.append((page, measure(port, page, args)))
        log("vote toggles")

        def votes(seconds: int) -> Run:
            command = wrk_command(
                port,
                f"/p/{slug}/",
                seconds,
                args.connections,
                script=LUA / "vote_toggle.lua",
                script_args=(str(pool), str(min(2, args.connections))),
            )
            return wrk(command, seconds)

        before = voters_votes(slug)
        if args.warmup > 0:
            votes(args.warmup)
        r.votes = votes(args.duration)
        r.votes_net = voters_votes(slug) - before
        log("rescore after a weight change, alone")
        r.rescore_alone, r.rescore_moved = rescore(slug, weight=4)
        log("rescore again while the list is under load")
        # About as long as the rescore takes alone: under load it takes longer, so nearly
        # every request of this run is served while it runs.
        seconds = max(2, math.ceil(r.rescore_alone))
        list_path = f"/p/{slug}/?sort=top"
        loader = subprocess.Popen(  # noqa: S603 - our own arguments
            wrk_command(port, list_path, seconds, args.connections),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(0.2)
        r.rescore_loaded, _ = rescore(slug, weight=3)
        output, _ = loader.communicate(timeout=seconds + 60)
        r.list_during_rescore = parse_wrk(output)
        connections.close_all()
        r.worker_peak_mb = peak_rss_mb(workers + worker_pids(master))
    # Other work on the machine skews every figure: say how busy it was.
    r.machine["load average after"] = load_average()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
