"""``manage.py reconcile_counts``: counters that drifted from their rows are reported per
idea, with the exit status a monitor can alert on, and repaired with ``--fix``."""

from __future__ import annotations

import io
import re
import time
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ideas import services
from ideas.models import Idea
from portal.models import Role
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db

COUNTERS = [
    "vote_count",
    "comment_count",
    "trending_score",
    "account_count",
    "revenue_at_stake",
    "demand_nice_to_have",
    "demand_important",
    "demand_critical",
    "demand_deal_blocker",
]


def _counters(idea: Idea) -> dict[str, Any]:
    return dict(Idea.objects.filter(pk=idea.pk).values(*COUNTERS).get())


def _run(*args: str) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("reconcile_counts", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def _rows(report: str) -> set[tuple[str, ...]]:
    """(idea, product, counter, stored, counted) for each line of the report's table."""
    found = set()
    for line in report.splitlines():
        match = re.match(r"^\s*(\d+)\s+(\S+)\s+(\w+)\s+(\S+)\s+(\S+)\s", line + " ")
        if match:
            found.add(tuple(match.groups()))
    return found


@pytest.fixture
def busy_product() -> tuple[Idea, Idea, Idea]:
    """Three ideas with every kind of demand: votes with importance from an account's
    users, a proxy vote with an open opportunity, public and internal comments."""
    pm = make_user(role=Role.PM)
    sales = make_user(role=Role.SALES)
    product = make_product(slug="drifty", team=[pm, sales])
    account = make_account(domains=["acme.test"], arr=120_000)
    first = make_idea(product=product, author=make_user(email="ann@acme.test"), title="Dark mode")
    second = make_idea(product=product, title="Export to CSV")
    third = make_idea(product=product, title="Single sign-on")
    services.vote_cast(idea=first, user=make_user(email="bob@acme.test"), importance="critical")
    services.vote_cast(idea=second, user=make_user(), importance="nice_to_have")
    services.proxy_vote_record(
        idea=first,
        account=account,
        recorded_by=sales,
        importance="deal_blocker",
        source="call",
        opportunity_value=Decimal("30000"),
    )
    services.comment_add(idea=first, author=make_user(), body="Please!")
    services.comment_add(idea=first, author=pm, body="Team only", is_internal=True)
    return first, second, third


def test_a_consistent_database_reports_no_drift_and_exits_zero(
    busy_product: tuple[Idea, Idea, Idea],
) -> None:
    first = busy_product[0]
    assert _counters(first)["account_count"] == 1  # the live code counted the demand
    out, error = _run()
    assert error is None
    assert "Every counter matches its rows" in out


def test_drift_made_with_raw_sql_is_reported_per_idea_and_counter(
    busy_product: tuple[Idea, Idea, Idea],
) -> None:
    first, second, third = busy_product
    exact = _counters(first)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ideas_idea SET vote_count = vote_count + 5, comment_count = 0,"
            " account_count = 4, revenue_at_stake = 1, demand_deal_blocker = 0,"
            " trending_score = trending_score - 3 WHERE id = %s",
            [first.pk],
        )
        # A vote deleted behind the services' back: the stored count is now one too high.
        cursor.execute("DELETE FROM ideas_vote WHERE idea_id = %s AND user_id <> %s",
                       [second.pk, second.author_id])  # fmt: skip

    out, error = _run()

    assert error is not None, "drift must fail the command, for monitors and scripts"
    assert "run with --fix" in str(error)
    assert "Drift found in 2 ideas, 9 counters" in out
    rows = _rows(out)
    assert {r for r in rows if r[0] == str(first.pk) and r[2] != "trending_score"} == {
        (
            str(first.pk),
            "drifty",
            "vote_count",
            str(exact["vote_count"] + 5),
            str(exact["vote_count"]),
        ),
        (str(first.pk), "drifty", "comment_count", "0", "1"),
        (str(first.pk), "drifty", "account_count", "4", "1"),
        (str(first.pk), "drifty", "revenue_at_stake", "1.00", "150000.00"),
        (str(first.pk), "drifty", "demand_deal_blocker", "0", "1"),
    }
    assert any(r[0] == str(first.pk) and r[2] == "trending_score" for r in rows)
    # The deleted vote also leaves the trending score (it counted that vote's weight).
    assert {
        (r[2], r[3], r[4]) for r in rows if r[0] == str(second.pk) and r[2] != "trending_score"
    } == {
        ("vote_count", "2", "1"),
        ("demand_nice_to_have", "1", "0"),
    }
    assert {r[2] for r in rows if r[0] == str(second.pk)} >= {"trending_score"}
    assert str(third.pk) not in {r[0] for r in rows}
    assert "Dark mode" in out
    # The report changed nothing.
    assert _counters(first)["vote_count"] == exact["vote_count"] + 5


def test_fix_rewrites_exactly_the_drifted_counters_from_the_rows(
    busy_product: tuple[Idea, Idea, Idea],
) -> None:
    first = busy_product[0]
    exact = {idea.pk: _counters(idea) for idea in busy_product}
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ideas_idea SET vote_count = 40, demand_critical = 7, demand_important = 3,"
            " trending_score = -1000000 WHERE product_id = %s",
            [first.product_id],
        )

    out, error = _run("--fix")

    assert error is None
    assert "Drift fixed in 3 ideas" in out
    for idea in busy_product:
        now = _counters(idea)
        assert {k: v for k, v in now.items() if k != "trending_score"} == {
            k: v for k, v in exact[idea.pk].items() if k != "trending_score"
        }
        assert now["trending_score"] == pytest.approx(exact[idea.pk]["trending_score"], abs=1e-9)
    out, error = _run()
    assert error is None
    assert "Every counter matches" in out


def test_product_option_checks_and_fixes_only_that_product(
    busy_product: tuple[Idea, Idea, Idea],
) -> None:
    first = busy_product[0]
    elsewhere = make_idea(product=make_product(slug="other"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ideas_idea SET vote_count = 9 WHERE id IN (%s, %s)",
                       [first.pk, elsewhere.pk])  # fmt: skip

    out, error = _run("--fix", "--product", "other")

    assert error is None
    assert {r[0] for r in _rows(out)} == {str(elsewhere.pk)}
    assert _counters(elsewhere)["vote_count"] == 1
    assert _counters(first)["vote_count"] == 9
    _, error = _run("--product", "nope")
    assert error is not None
    assert "No product with the slug 'nope'" in str(error)


def test_a_withdrawn_last_vote_leaving_negligible_weight_is_not_drift() -> None:
    """ranking.without_event stores EMPTY when the withdrawn vote carried all the weight
    (the submission is a year older): the recount is not drift."""
    idea = make_idea()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ideas_idea SET created_at = now() - interval '400 days',"
            " trending_score = -1000000, vote_count = 0 WHERE id = %s",
            [idea.pk],
        )
        cursor.execute("DELETE FROM ideas_vote WHERE idea_id = %s", [idea.pk])
        cursor.execute(
            "UPDATE ideas_idea SET demand_important = 0, demand_nice_to_have = 0,"
            " demand_critical = 0, account_count = 0, revenue_at_stake = 0 WHERE id = %s",
            [idea.pk],
        )
    out, error = _run()
    assert error is None, out


@pytest.mark.django_db(transaction=True)
def test_seeded_scale_data_matches_and_a_mass_drift_is_fixed_in_seconds() -> None:
    """seed_scale's own set-based counters agree with the recount; a tenth of the ideas
    drifted is found and fixed in one pass, in well under the time budget."""
    call_command(
        "seed_scale", "--ideas", "3000", "--votes", "30000", "--users", "1000",
        "--accounts", "60", "--slug", "scaled", "--force",
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    out, error = _run("--product", "scaled")
    assert error is None, out
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ideas_idea SET vote_count = vote_count + 1, account_count = account_count + 2"
            " WHERE product_id = (SELECT id FROM portal_product WHERE slug = 'scaled')"
            " AND id % 10 = 0"
        )
        drifted = cursor.rowcount
    assert drifted >= 290
    started = time.perf_counter()
    out, error = _run("--fix", "--limit", "5")
    elapsed = time.perf_counter() - started
    assert error is None
    assert f"Drift fixed in {drifted} ideas, {2 * drifted} counters" in out
    assert f"... and {drifted - 5} more ideas" in out
    assert elapsed < 5
    out, error = _run()
    assert error is None, out
