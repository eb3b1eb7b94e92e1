"""Backups: scripts/backup.sh dumps the database with data in it, scripts/restore.sh loads
the dump into a fresh database, and every table holds the same rows there."""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from ideas import services as idea_services
from portal.models import Role
from roadmap import services as roadmap_services
from tests.conftest import _wait_until_worker_idle, _worker_state
from tests.factories import make_account, make_idea, make_product, make_user

ROOT = Path(__file__).resolve().parent.parent
CaptureOnCommit = Callable[..., Any]


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{name}"


def _row_counts(url: str) -> dict[str, int]:
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = sorted(name for (name,) in cursor.fetchall())
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def fresh_database(transactional_db: None) -> Iterator[str]:
    name = f"portal_restore_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(script: str, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_backup_restores_into_a_fresh_database_with_every_row(
    fresh_database: str, tmp_path: Path, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        pm = make_user(role=Role.PM)
        product = make_product(team=[pm])
        make_account(domains=["acme.test"])
        ideas = [make_idea(product=product, author=make_user(email=f"u{n}@acme.test"))
                 for n in range(5)]  # fmt: skip
        idea_services.vote_cast(idea=ideas[0], user=pm)
        idea_services.comment_add(idea=ideas[0], author=pm, body="Internal", is_internal=True)
        idea_services.idea_merge(source=ideas[1], target=ideas[0], by=pm)
        roadmap_services.item_promote(product=product, ideas=[ideas[2]], by=pm)
    if _worker_state["running"]:  # earlier tests started it: let it finish rescoring first
        _wait_until_worker_idle()
    source = _url(settings.DATABASES["default"]["NAME"])
    before = _row_counts(source)
    assert before["ideas_idea"] == 5
    assert before["portal_auditentry"] > 0
    dump = tmp_path / "portal.dump"

    backup = _run("backup.sh", source, str(dump))
    assert backup.returncode == 0, backup.stderr
    assert dump.stat().st_size > 0
    restore = _run("restore.sh", _url(fresh_database), str(dump))
    assert restore.returncode == 0, restore.stderr

    assert _row_counts(_url(fresh_database)) == before


def test_restore_refuses_a_database_that_has_tables(tmp_path: Path, transactional_db: None) -> None:
    dump = tmp_path / "portal.dump"
    source = _url(settings.DATABASES["default"]["NAME"])
    assert _run("backup.sh", source, str(dump)).returncode == 0
    make_product(name="Still here")

    refused = _run("restore.sh", source, str(dump))

    assert refused.returncode == 3
    assert "fresh, empty database" in refused.stderr
    assert _row_counts(source)["portal_product"] == 1
