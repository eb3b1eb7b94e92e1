"""The API keeps its published contract: the schema validates, and generated requests to
every operation (a few each, on a real database, as a PM) never get a 5xx and always get
a response that matches the schema."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from portal.services import api_token_create
from roadmap.models import RoadmapItem
from scoring.models import Goal
from tests.api.conftest import World

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = 6  # per operation: the whole run stays well under a minute


def test_the_schema_validates_without_warnings(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "schema.yaml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "/api/v1/products/{product_slug}/ideas/" in (tmp_path / "schema.yaml").read_text()


def _operations() -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    return sorted(result.ok().label for result in schema.get_all_operations())  # type: ignore[union-attr]


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The project's WSGI application, called in this thread on the test's database
    connection: like Django's test client, keep the request signals from closing it."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def rich_world(world: World) -> World:
    """Some of everything, so that generated requests also reach real objects."""
    Goal.objects.create(product=world.product, name="Win enterprise deals", weight=3)
    item = RoadmapItem.objects.create(product=world.product, title="Excel export")
    item.ideas.add(world.idea)
    world.clients["customer"].post(world.idea_url("comments/"), {"body": "+1"}, format="json")
    return world


@pytest.mark.parametrize("label", _operations())
def test_every_operation_keeps_the_contract(rich_world: World, wsgi_app: Any, label: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)
    operation = schema.find_operation_by_label(label)
    assert operation is not None
    pm = rich_world.users["pm"]
    assert pm is not None
    _, secret = api_token_create(user=pm, name="contract")
    real = {
        "product_slug": rich_world.product.slug,
        "idea_id": rich_world.idea.pk,
        "domain": "acme.test",
    }

    @given(case=operation.as_strategy(), use_real=st.booleans())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any, use_real: bool) -> None:
        if use_real and case.path_parameters:
            for name in case.path_parameters:
                if name in real:
                    case.path_parameters[name] = real[name]
        case.call_and_validate(
            headers={"Authorization": f"Bearer {secret}"},
            checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
        )

    check()
