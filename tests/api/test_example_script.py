"""docs/api-example.py works against a running portal: it creates an idea, votes, and
reads the score the background worker computed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from ideas.models import Idea, Vote
from portal.models import Role
from portal.services import api_token_create
from scoring.models import IdeaScore, ScoreHistory
from tests.factories import make_product, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "api-example.py"


def test_the_example_script_creates_votes_and_reads_the_score(
    live_server: LiveServer, celery_worker: subprocess.Popen[bytes]
) -> None:
    pm = make_user(email="pm@vendor.test", role=Role.PM)
    product = make_product(team=[pm])
    _, token = api_token_create(user=pm, name="example")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), live_server.url, token, product.slug],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    idea = Idea.objects.get(product=product)
    assert idea.title == "Export the roadmap as a PDF"
    assert Vote.objects.get(idea=idea).importance == "critical"
    assert f"Created idea #{idea.pk}" in result.stdout
    # The script read a score the worker computed: the first one, or a later one (a vote's
    # importance moves it again in the background).
    computed = {f"{IdeaScore.objects.get(idea=idea).total:.1f}"} | {
        f"{total:.1f}"
        for total in ScoreHistory.objects.filter(idea=idea).values_list("total", flat=True)
    }
    printed = result.stdout.split("Score: ", 1)[1].split(" of 100")[0]
    assert printed in computed
