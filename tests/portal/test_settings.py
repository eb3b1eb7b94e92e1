"""The two modes of settings, and start-up refusing bad configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def start(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with exactly these variables."""
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'], settings.DEBUG, "
            "settings.MAILERS['default']['BACKEND'], settings.CELERY_TASK_ALWAYS_EAGER)",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.django_db
def test_django_really_uses_psycopg2_on_postgresql() -> None:
    assert connection.vendor == "postgresql"
    assert connection.Database.__name__ == "psycopg2"  # type: ignore[attr-defined]


def test_embedded_default_uses_sqlite_file_mail_and_in_process_tasks(tmp_path: Path) -> None:
    result = start(PORTAL_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    engine, debug, email_backend, eager = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert debug == "True"
    assert email_backend.endswith("filebased.EmailBackend")
    assert eager == "True"
    assert (tmp_path / "dev-secret-key").exists()


def test_production_needs_a_secret_key(tmp_path: Path) -> None:
    result = start(
        PORTAL_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://u@127.0.0.1:5432/portal",
        ALLOWED_HOSTS="ideas.example.com",
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_settings_with_everything_set(tmp_path: Path) -> None:
    result = start(
        PORTAL_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://u@127.0.0.1:5432/portal",
        REDIS_URL="redis://127.0.0.1:6379/0",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="ideas.example.com",
        EMAIL_HOST="smtp.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "django.core.mail.backends.smtp.EmailBackend",
        "False",
    ]


def test_production_needs_somewhere_to_send_email(tmp_path: Path) -> None:
    result = start(
        PORTAL_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://u@127.0.0.1:5432/portal",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="ideas.example.com",
    )
    assert result.returncode != 0
    assert "EMAIL_HOST is required in production" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://127.0.0.1/portal"),
        ("REDIS_URL", "localhost:6379"),
        ("EMAIL_PORT", "twenty-five"),
        ("CELERY_TASK_TIME_LIMIT", "-5"),
    ],
)
def test_a_malformed_variable_stops_start_up_naming_it(
    tmp_path: Path, name: str, value: str
) -> None:
    env = {"PORTAL_VAR_DIR": str(tmp_path), name: value}
    if name == "EMAIL_PORT":
        env["EMAIL_HOST"] = "smtp.example.com"
    result = start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr.splitlines()[-1]
