"""Throwaway servers for the fault tests: each test gets its own Redis, Celery workers,
web server (gunicorn), SMTP server or PostgreSQL cluster, so it can stop, kill or restart
them without touching the servers the rest of the suite shares. Every process runs in its
own process group and is killed, with its temporary directory removed, even when the test
fails (see ``Processes``)."""

from __future__ import annotations

import email
import http.client
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email.message import Message
from pathlib import Path
from typing import Any

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Callable[[], object], timeout: float, what: str) -> float:
    """Poll until ``predicate`` is true; returns the seconds it took."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)
    return time.monotonic() - started


def database_url() -> str:
    """The database the tests use (pytest-django's test database), for subprocesses."""
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )


@contextmanager
def scratch_dir() -> Iterator[Path]:
    """A temporary directory under the test run's work directory, removed afterwards."""
    base = os.environ.get("PORTAL_TEST_WORK_DIR") or None
    path = Path(tempfile.mkdtemp(prefix="faults-", dir=base))
    path.chmod(0o755)  # the postgres user enters it for a throwaway cluster
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


class Processes:
    """The subprocesses a test started: each in its own process group, all killed at the
    end whatever happened."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []

    def spawn(self, args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            process = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        self.started.append(process)
        return process

    @staticmethod
    def kill(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)

    @staticmethod
    def stop(process: subprocess.Popen[bytes]) -> None:
        """SIGTERM, then SIGKILL if it is still there after ten seconds."""
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            Processes.kill(process)

    def close(self) -> None:
        for process in reversed(self.started):
            if process.poll() is None:
                self.kill(process)


def base_env(**overrides: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1"}
    env.update(overrides)
    return env


# --- Redis -------------------------------------------------------------------------------


class Redis:
    """A redis-server of our own, on a fixed port so it can be stopped and come back."""

    def __init__(self, processes: Processes, work: Path) -> None:
        self.processes = processes
        self.work = work
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = self.processes.spawn(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.work)],
            env=dict(os.environ), log=self.work / "redis.log",
        )  # fmt: skip
        wait_for(self.answers, 10, "Redis to start")

    def stop(self) -> None:
        assert self.process is not None
        Processes.kill(self.process)
        self.process = None

    def answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:  # redis.ConnectionError and friends
            return False

    def client(self) -> Any:
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=2)

    def queue_is_drained(self) -> bool:
        """No task waiting and none delivered but unacknowledged."""
        c = self.client()
        return bool(c.llen("celery") == 0 and c.hlen("unacked") == 0)


# --- Celery ------------------------------------------------------------------------------


def start_worker(
    processes: Processes, work: Path, name: str, env: dict[str, str], *, beat: bool = False
) -> subprocess.Popen[bytes]:
    log = work / f"{name}.log"
    args = [
        sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo",
        "--without-gossip", "--without-mingle", "--loglevel=INFO", f"--hostname={name}@%h",
    ]  # fmt: skip
    if beat:
        args += ["--beat", f"--schedule={work / f'{name}-beat-schedule'}"]
    process = processes.spawn(args, env=env, log=log)
    wait_for(
        lambda: " ready." in log.read_text(errors="replace") or process.poll() is not None,
        40,
        f"the worker {name} to start",
    )
    assert process.poll() is None, log.read_text(errors="replace")
    return process


def publish(redis_url: str, task: str, *args: object) -> None:
    """Queue a task on that Redis, as the web process would."""
    from celery import Celery

    app = Celery("faults", broker=redis_url, set_as_current=False)
    try:
        app.send_task(task, args=list(args))
    finally:
        app.close()


# --- Web server --------------------------------------------------------------------------


def start_gunicorn(
    processes: Processes, work: Path, env: dict[str, str], *, workers: int = 2, threads: int = 8
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = processes.spawn(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
         "--timeout", "60", "--graceful-timeout", "5", "--backlog", "512"],
        env=env, log=work / "gunicorn.log",
    )  # fmt: skip

    def up() -> bool:
        if process.poll() is not None:
            return True
        with suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        return False

    wait_for(up, 40, "gunicorn to listen")
    assert process.poll() is None, (work / "gunicorn.log").read_text()
    return process, port


def worker_pids(master: int) -> set[int]:
    """The gunicorn worker processes of a master (its children)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


class Http:
    """A keep-alive HTTP client for one user: its session cookie and CSRF token."""

    def __init__(self, port: int, session_key: str = "", timeout: float = 30) -> None:
        self.port = port
        self.timeout = timeout
        self.csrf = "x" * 32  # any 32 characters work as a CSRF cookie and token pair
        self.cookie = f"csrftoken={self.csrf}"
        if session_key:
            self.cookie += f"; sessionid={session_key}"
        self.conn: http.client.HTTPConnection | None = None
        self.htmx = False  # send requests as htmx does (HX-Request), for partial responses

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        from urllib.parse import urlencode

        headers = {"Cookie": self.cookie, "Host": "127.0.0.1"}
        if self.htmx:
            headers["HX-Request"] = "true"
        body = None
        if method == "POST":
            body = urlencode(form or {})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.csrf
            headers["Referer"] = f"http://127.0.0.1:{self.port}/"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def session_for(user_id: int) -> str:
    """A signed-in session in the database, as django.contrib.auth.login stores it."""
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


# --- SMTP (the outside world's mail server) ----------------------------------------------


class FakeSmtp(socketserver.ThreadingTCPServer):
    """A minimal SMTP server on loopback that records the messages it accepted (answered
    "250" after their data). It can stall once, at ``stall_at``: "data" (the client has
    sent DATA and waits for the go-ahead: nothing is delivered yet) or "quit" (the message
    is accepted, the client waits for the goodbye)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, stall_at: str = "") -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.port = int(self.server_address[1])
        self.stall_at = stall_at
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.accepted: list[Message] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def stall(self, point: str) -> None:
        with self._lock:
            if self.stall_at != point or self.stalled.is_set():
                return
            self.stalled.set()
        self.release.wait(timeout=60)

    def message_ids(self) -> list[str]:
        with self._lock:
            return [str(m["Message-ID"]) for m in self.accepted]

    def close(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()


class _SmtpHandler(socketserver.StreamRequestHandler):
    server: FakeSmtp

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        with suppress(OSError):
            self.reply("220 fake-smtp ready")
            while line := self.rfile.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    self.reply("250-fake-smtp")
                    self.reply("250 8BITMIME")
                elif verb == b"DATA":
                    self.server.stall("data")
                    self.reply("354 go ahead")
                    raw = bytearray()
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        raw += chunk[1:] if chunk.startswith(b"..") else chunk
                    if chunk == b"":
                        return  # the client went away mid-message: nothing delivered
                    with self.server._lock:
                        self.server.accepted.append(email.message_from_bytes(bytes(raw)))
                    self.reply("250 accepted")
                elif verb == b"QUIT":
                    self.server.stall("quit")
                    self.reply("221 bye")
                    return
                else:  # MAIL, RCPT, RSET, NOOP
                    self.reply("250 ok")


# --- PostgreSQL --------------------------------------------------------------------------


class Postgres:
    """A PostgreSQL cluster of our own (initdb under the test's directory, as
    scripts/servers.sh does), which a test may stop and start again on the same port."""

    def __init__(self, work: Path) -> None:
        self.data = work / "pg"
        self.data.mkdir()
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.data, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(PG_BIN / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, cwd=self.data.parent, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-w", "-o",
            f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def close(self) -> None:
        with suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            if (self.data / "postmaster.pid").exists():
                self.stop("immediate")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"
