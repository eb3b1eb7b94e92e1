"""The README's run command on the embedded default: SQLite, no Redis, demo data."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.status, response.read().decode()


def test_run_command_serves_the_demo_portal_on_sqlite_without_redis(tmp_path: Path) -> None:
    port = _free_port()
    keep = {"PATH", "HOME", "LANG", "UV_PYTHON_DOWNLOADS"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(PORT=str(port), PORTAL_VAR_DIR=str(tmp_path), DEMO_PASSWORD="demo-check-1")
    log = tmp_path / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["./scripts/run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/p/demo/")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the run command did not serve the portal:\n{log.read_text()}")
                time.sleep(0.5)
        assert status == 200
        assert "Ideas for Relay" in body
        assert _get(f"http://127.0.0.1:{port}/healthz") == (
            200,
            '{"status": "ok", "database": "ok"}',
        )
        printed = log.read_text()
        assert f"http://127.0.0.1:{port}/p/demo/" in printed
        assert "customer@example.com" in printed
        assert "demo-check-1" in printed
        assert (tmp_path / "portal.sqlite3").exists()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
