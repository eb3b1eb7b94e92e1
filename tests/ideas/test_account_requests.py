"""What each account asks for (``AccountRequest``): one row per account and idea, kept by
votes, proxy votes, status changes, merges and users moving between accounts, checked and
repaired by ``reconcile_counts``, and read by the sales pages."""

from __future__ import annotations

import io
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ideas import services
from ideas.models import AccountRequest, Idea, ProxyVote, Status
from ideas.selectors import idea_ranks_forget
from ideas.services.requests import requests_drift
from portal.models import Account, Product, Role, User
from portal.services import account_set_domains, user_delete
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db

# A row as these tests compare it: how many of the account's users voted, how many said
# nice to have / important / critical, the proxy vote's importance, and the highest rank.
ROW = (
    "voters",
    "voters_nice_to_have",
    "voters_important",
    "voters_critical",
    "proxy_importance",
    "importance_rank",
)
DEMAND = (
    "account_count",
    "revenue_at_stake",
    "demand_nice_to_have",
    "demand_important",
    "demand_critical",
    "demand_deal_blocker",
)


def _rows(idea: Idea) -> dict[int, tuple[Any, ...]]:
    """The idea's stored requests, by account id."""
    return {
        row[0]: tuple(row[1:])
        for row in AccountRequest.objects.filter(idea_id=idea.pk).values_list("account_id", *ROW)
    }


def _fresh(idea: Idea) -> Idea:
    return Idea.objects.get(pk=idea.pk)


def _assert_exact(*ideas: Idea) -> None:
    """Every stored request matches the votes and proxy votes, and each idea's account
    count, revenue at stake and demand are what a full recount stores."""
    assert requests_drift() == []
    for idea in ideas:
        idea.refresh_from_db()
        before = {name: getattr(idea, name) for name in DEMAND}
        services.idea_demand_refresh(idea_ids=[idea.pk])
        idea.refresh_from_db()
        assert {name: getattr(idea, name) for name in DEMAND} == before, idea.title
    assert requests_drift() == []


def _proxy(idea: Idea, account: Account, importance: str, by: User | None = None) -> ProxyVote:
    return services.proxy_vote_record(
        idea=idea,
        account=account,
        recorded_by=by or make_user(role=Role.SALES),
        importance=importance,
        source="call",
    )


# --- Votes ---------------------------------------------------------------------------------


def test_an_account_asks_once_however_many_of_its_users_vote() -> None:
    acme = make_account(domains=["acme.test"], arr=25_000)
    ann = make_user(email="ann@acme.test")
    bob = make_user(email="bob@acme.test")
    idea = make_idea()

    services.vote_cast(idea=idea, user=ann)
    services.vote_cast(idea=idea, user=bob)
    assert _rows(idea) == {acme.pk: (2, 0, 0, 0, "", 0)}
    fresh = _fresh(idea)
    assert (fresh.vote_count, fresh.account_count, fresh.revenue_at_stake) == (
        3,
        1,
        Decimal("25000"),
    )
    _assert_exact(idea)

    services.vote_withdraw(idea=idea, user=ann)
    assert _rows(idea) == {acme.pk: (1, 0, 0, 0, "", 0)}
    assert (_fresh(idea).account_count, _fresh(idea).revenue_at_stake) == (1, Decimal("25000"))
    _assert_exact(idea)

    services.vote_withdraw(idea=idea, user=bob)
    assert _rows(idea) == {}
    assert (_fresh(idea).account_count, _fresh(idea).revenue_at_stake) == (0, Decimal(0))
    _assert_exact(idea)


def test_voting_again_with_another_importance_changes_the_rank() -> None:
    acme = make_account(domains=["acme.test"])
    ann = make_user(email="ann@acme.test")
    idea = make_idea()

    services.vote_cast(idea=idea, user=ann, importance="important")
    assert _rows(idea) == {acme.pk: (1, 0, 1, 0, "", 2)}
    _assert_exact(idea)

    assert services.vote_cast(idea=idea, user=ann, importance="critical") is False
    assert _rows(idea) == {acme.pk: (1, 0, 0, 1, "", 3)}
    fresh = _fresh(idea)
    assert (fresh.demand_important, fresh.demand_critical, fresh.account_count) == (0, 1, 1)
    _assert_exact(idea)

    services.vote_withdraw(idea=idea, user=ann)
    assert _rows(idea) == {}
    assert (_fresh(idea).account_count, _fresh(idea).demand_critical) == (0, 0)
    _assert_exact(idea)


def test_the_rank_is_the_highest_importance_still_given() -> None:
    acme = make_account(domains=["acme.test"])
    ann = make_user(email="ann@acme.test")
    bob = make_user(email="bob@acme.test")
    idea = make_idea()
    services.vote_cast(idea=idea, user=ann, importance="critical")
    services.vote_cast(idea=idea, user=bob, importance="nice_to_have")
    assert _rows(idea) == {acme.pk: (2, 1, 0, 1, "", 3)}

    services.vote_withdraw(idea=idea, user=ann)
    assert _rows(idea) == {acme.pk: (1, 1, 0, 0, "", 1)}
    _assert_exact(idea)


def test_a_first_vote_without_importance_then_with_one_counts_that_importance() -> None:
    acme = make_account(domains=["acme.test"])
    ann = make_user(email="ann@acme.test")
    idea = make_idea()
    services.vote_cast(idea=idea, user=ann)
    services.vote_cast(idea=idea, user=ann, importance="nice_to_have")
    assert _rows(idea) == {acme.pk: (1, 1, 0, 0, "", 1)}
    _assert_exact(idea)


def test_an_author_in_an_account_asks_for_their_own_idea() -> None:
    acme = make_account(domains=["acme.test"], arr=7_000)
    idea = make_idea(author=make_user(email="ann@acme.test"))
    assert _rows(idea) == {acme.pk: (1, 0, 0, 0, "", 0)}
    assert AccountRequest.objects.get(idea=idea).status == Status.NEW
    assert AccountRequest.objects.get(idea=idea).product_id == idea.product_id
    assert (_fresh(idea).account_count, _fresh(idea).revenue_at_stake) == (1, Decimal("7000"))
    _assert_exact(idea)


def test_a_voter_without_an_account_makes_no_request() -> None:
    make_account(domains=["acme.test"], arr=50_000)
    idea = make_idea()
    loner = make_user(email="solo@gmail.test")
    assert loner.account_id is None

    services.vote_cast(idea=idea, user=loner, importance="critical")
    assert not AccountRequest.objects.exists()
    fresh = _fresh(idea)
    assert (fresh.vote_count, fresh.account_count, fresh.revenue_at_stake) == (2, 0, Decimal(0))
    assert fresh.demand_critical == 1
    _assert_exact(idea)


def test_a_deleted_users_vote_leaves_their_accounts_request() -> None:
    acme = make_account(domains=["acme.test"], arr=20_000)
    ann = make_user(email="ann@acme.test")
    bob = make_user(email="bob@acme.test")
    idea = make_idea()
    services.vote_cast(idea=idea, user=ann, importance="critical")
    services.vote_cast(idea=idea, user=bob, importance="important")

    user_delete(user=ann)
    assert _rows(idea) == {acme.pk: (1, 0, 1, 0, "", 2)}
    user_delete(user=bob)
    assert _rows(idea) == {}
    assert (_fresh(idea).account_count, _fresh(idea).revenue_at_stake) == (0, Decimal(0))
    _assert_exact(idea)


# --- Proxy votes ---------------------------------------------------------------------------


def test_a_proxy_vote_and_a_users_vote_make_one_request() -> None:
    acme = make_account(domains=["acme.test"], arr=60_000)
    ann = make_user(email="ann@acme.test")
    sales = make_user(role=Role.SALES)
    idea = make_idea()

    proxy = _proxy(idea, acme, "deal_blocker", by=sales)
    assert _rows(idea) == {acme.pk: (0, 0, 0, 0, "deal_blocker", 4)}
    services.vote_cast(idea=idea, user=ann, importance="important")
    assert _rows(idea) == {acme.pk: (1, 0, 1, 0, "deal_blocker", 4)}
    assert (_fresh(idea).account_count, _fresh(idea).revenue_at_stake) == (1, Decimal("60000"))
    _assert_exact(idea)

    services.proxy_vote_withdraw(proxy_vote=proxy, by=sales)
    assert _rows(idea) == {acme.pk: (1, 0, 1, 0, "", 2)}
    assert (_fresh(idea).account_count, _fresh(idea).revenue_at_stake) == (1, Decimal("60000"))
    _assert_exact(idea)

    services.vote_withdraw(idea=idea, user=ann)
    assert _rows(idea) == {}
    assert (_fresh(idea).account_count, _fresh(idea).revenue_at_stake) == (0, Decimal(0))
    _assert_exact(idea)


def test_the_last_voter_leaving_keeps_the_request_of_a_proxy_vote() -> None:
    acme = make_account(domains=["acme.test"], arr=60_000)
    ann = make_user(email="ann@acme.test")
    sales = make_user(role=Role.SALES)
    idea = make_idea()

    services.vote_cast(idea=idea, user=ann, importance="critical")
    proxy = _proxy(idea, acme, "nice_to_have", by=sales)
    assert _rows(idea) == {acme.pk: (1, 0, 0, 1, "nice_to_have", 3)}

    services.vote_withdraw(idea=idea, user=ann)
    assert _rows(idea) == {acme.pk: (0, 0, 0, 0, "nice_to_have", 1)}
    assert (_fresh(idea).account_count, _fresh(idea).revenue_at_stake) == (1, Decimal("60000"))
    _assert_exact(idea)

    services.proxy_vote_withdraw(proxy_vote=proxy, by=sales)
    assert _rows(idea) == {}
    assert (_fresh(idea).account_count, _fresh(idea).revenue_at_stake) == (0, Decimal(0))
    _assert_exact(idea)


# --- Status and product follow the idea ----------------------------------------------------


def test_the_requests_carry_the_ideas_status_however_it_changes() -> None:
    pm = make_user(role=Role.PM)
    product = make_product(team=[pm])
    acme = make_account(domains=["acme.test"])
    globex = make_account(domains=["globex.test"])
    idea = make_idea(product=product, author=make_user(email="ann@acme.test"))
    _proxy(idea, globex, "critical")

    def statuses() -> dict[int, str]:
        return dict(AccountRequest.objects.filter(idea=idea).values_list("account_id", "status"))

    assert statuses() == {acme.pk: Status.NEW, globex.pk: Status.NEW}
    services.idea_set_status(idea=idea, status=Status.PLANNED, by=pm)
    assert statuses() == {acme.pk: Status.PLANNED, globex.pk: Status.PLANNED}
    services.idea_decline(idea=idea, by=pm, kind="out_of_scope", reason="Not what we build.")
    assert statuses() == {acme.pk: Status.DECLINED, globex.pk: Status.DECLINED}

    # A voter arriving now gets the current status on their new row.
    initech = make_account(domains=["initech.test"])
    services.vote_cast(idea=idea, user=make_user(email="joe@initech.test"))
    assert statuses()[initech.pk] == Status.DECLINED

    # Behind the services' back (the admin, a script): the trigger keeps the rows along.
    Idea.objects.filter(pk=idea.pk).update(status=Status.SHIPPED)
    assert set(statuses().values()) == {Status.SHIPPED}
    other = make_product()
    Idea.objects.filter(pk=idea.pk).update(product=other)
    assert set(AccountRequest.objects.filter(idea=idea).values_list("product_id", flat=True)) == {
        other.pk
    }
    _assert_exact(idea)


# --- Merges --------------------------------------------------------------------------------


def test_a_merge_moves_the_requests_to_the_survivor_and_an_unmerge_puts_them_back() -> None:
    pm = make_user(role=Role.PM)
    product = make_product(team=[pm])
    acme = make_account(domains=["acme.test"], arr=10_000)
    globex = make_account(domains=["globex.test"], arr=40_000)
    ann = make_user(email="ann@acme.test")
    bob = make_user(email="bob@acme.test")
    carol = make_user(email="carol@acme.test")
    source = make_idea(product=product, title="Export to Excel")
    target = make_idea(product=product, title="Export to spreadsheet")
    services.vote_cast(idea=source, user=ann, importance="critical")
    services.vote_cast(idea=source, user=carol)
    _proxy(source, globex, "deal_blocker")
    services.vote_cast(idea=target, user=bob, importance="nice_to_have")
    services.vote_cast(idea=target, user=carol)  # voted on both: her vote stays behind
    before_source, before_target = _rows(source), _rows(target)
    assert before_source == {
        acme.pk: (2, 0, 0, 1, "", 3),
        globex.pk: (0, 0, 0, 0, "deal_blocker", 4),
    }
    assert before_target == {acme.pk: (2, 1, 0, 0, "", 1)}

    merge = services.idea_merge(source=source, target=target, by=pm)

    assert _rows(target) == {
        acme.pk: (3, 1, 0, 1, "", 3),
        globex.pk: (0, 0, 0, 0, "deal_blocker", 4),
    }
    assert _rows(source) == {acme.pk: (1, 0, 0, 0, "", 0)}
    assert set(AccountRequest.objects.filter(idea=source).values_list("status", flat=True)) == {
        Status.MERGED
    }
    fresh = _fresh(target)
    assert (fresh.account_count, fresh.revenue_at_stake) == (2, Decimal("50000"))
    _assert_exact(source, target)

    services.idea_unmerge(merge=merge, by=pm)

    assert _rows(source) == before_source
    assert _rows(target) == before_target
    assert set(AccountRequest.objects.filter(idea=source).values_list("status", flat=True)) == {
        Status.NEW
    }
    assert (_fresh(target).account_count, _fresh(target).revenue_at_stake) == (1, Decimal("10000"))
    assert (_fresh(source).account_count, _fresh(source).revenue_at_stake) == (2, Decimal("50000"))
    _assert_exact(source, target)


# --- Users moving between accounts (through the real worker) -------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_a_user_moving_to_another_account_moves_their_request(
    celery_worker: subprocess.Popen[bytes],
) -> None:
    acme = make_account(domains=["acme.test"], arr=10_000)
    globex = make_account(domains=["globex.test"], arr=40_000)
    ann = make_user(email="ann@acme.test")
    idea = make_idea()
    services.vote_cast(idea=idea, user=ann, importance="important")
    assert _rows(idea) == {acme.pk: (1, 0, 1, 0, "", 2)}

    # The domain changes hands: Acme gives it up, Globex takes it, and ann with it. Each
    # change queues the refresh of what the users concerned asked for, after commit.
    account_set_domains(account=acme, domains=["acme-group.test"])
    account_set_domains(account=globex, domains=["globex.test", "acme.test"])
    assert User.objects.get(pk=ann.pk).account_id == globex.pk

    deadline = time.monotonic() + 20
    while _rows(idea) != {globex.pk: (1, 0, 1, 0, "", 2)}:
        if time.monotonic() > deadline:
            pytest.fail(f"the worker did not move the request: {_rows(idea)}")
        time.sleep(0.1)
    deadline = time.monotonic() + 20
    while _fresh(idea).revenue_at_stake != Decimal("40000"):
        if time.monotonic() > deadline:
            pytest.fail("the worker did not refresh the idea's revenue at stake")
        time.sleep(0.1)
    assert _fresh(idea).account_count == 1
    _assert_exact(idea)


# --- reconcile_counts ----------------------------------------------------------------------


def _reconcile(*args: str) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("reconcile_counts", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_reconcile_counts_reports_and_repairs_drifted_requests() -> None:
    acme = make_account(domains=["acme.test"])
    globex = make_account(domains=["globex.test"])
    voted = make_idea(author=make_user(email="ann@acme.test"))
    services.vote_cast(idea=voted, user=make_user(email="bob@acme.test"), importance="critical")
    proxied = make_idea()
    _proxy(proxied, globex, "important")
    untouched = make_idea(author=make_user(email="carl@acme.test"))
    expected = {idea.pk: _rows(idea) for idea in (voted, proxied, untouched)}
    assert expected == {
        voted.pk: {acme.pk: (2, 0, 0, 1, "", 3)},
        proxied.pk: {globex.pk: (0, 0, 0, 0, "important", 2)},
        untouched.pk: {acme.pk: (1, 0, 0, 0, "", 0)},
    }
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ideas_accountrequest SET voters = 5 WHERE idea_id = %s", [voted.pk])
        cursor.execute("DELETE FROM ideas_accountrequest WHERE idea_id = %s", [proxied.pk])
    assert requests_drift() == sorted([voted.pk, proxied.pk])

    out, error = _reconcile()

    assert error is not None, "drift must fail the command, for monitors and scripts"
    assert "2 ideas have counters unlike their rows" in str(error)
    ids = ", ".join(str(pk) for pk in sorted([voted.pk, proxied.pk]))
    assert f"unlike the votes and proxy votes for 2 ideas: {ids}." in out
    assert _rows(voted) == {acme.pk: (5, 0, 0, 1, "", 3)}  # reporting changes nothing

    out, error = _reconcile("--fix")

    assert error is None
    assert "Fixed: 2 ideas now match their rows." in out
    assert {idea.pk: _rows(idea) for idea in (voted, proxied, untouched)} == expected
    assert requests_drift() == []
    out, error = _reconcile()
    assert error is None
    assert "Every counter matches its rows" in out
    _assert_exact(voted, proxied, untouched)


def test_reconcile_counts_finds_a_request_no_vote_backs() -> None:
    acme = make_account(domains=["acme.test"])
    idea = make_idea()
    # A row with no voter and no proxy vote must not exist.
    AccountRequest.objects.create(account=acme, idea=idea, product=idea.product, status=idea.status)
    out, error = _reconcile()
    assert error is not None
    assert f"for 1 ideas: {idea.pk}." in out
    _reconcile("--fix")
    assert _rows(idea) == {}
    _assert_exact(idea)


# --- The sales pages -----------------------------------------------------------------------


@pytest.fixture
def sales() -> User:
    return make_user(role=Role.SALES, email="sam@vendor.test", name="Sam")


# Seven requests of one account, by what asks for them; the ties are broken by votes.
SEVEN = [
    ("Audit log export", "proxy", "deal_blocker"),  # rank 4
    ("Bulk user import", "vote", "critical"),  # 3, two votes
    ("Custom report builder", "proxy", "critical"),  # 3, one vote
    ("Dark mode for dashboards", "vote", "important"),  # 2
    ("Email digest settings", "vote", "nice_to_have"),  # 1, two votes
    ("Gantt chart view", "proxy", "nice_to_have"),  # 1, one vote
    ("Fine grained permissions", "vote", ""),  # 0
]


def _seven_requests(sales: User) -> tuple[Account, dict[str, Idea]]:
    product = make_product()
    acme = make_account(name="Acme", domains=["acme.test"], owner=sales, arr=50_000)
    ann = make_user(email="ann@acme.test")
    ideas: dict[str, Idea] = {}
    for title, how, importance in SEVEN:
        idea = make_idea(product=product, title=title)
        if how == "proxy":
            _proxy(idea, acme, importance, by=sales)
        else:
            services.vote_cast(idea=idea, user=ann, importance=importance)
        ideas[title] = idea
    return acme, ideas


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_my_accounts_shows_the_five_most_important_requests_first(
    client: Client, sales: User
) -> None:
    acme, ideas = _seven_requests(sales)
    assert AccountRequest.objects.filter(account=acme).count() == 7
    _assert_exact(*ideas.values())
    client.force_login(sales)

    html = _page(client, "/sales/")

    assert "7 requests" in html
    shown = [title for title, _, _ in SEVEN[:5]]
    positions = [html.index(title) for title in shown]
    assert positions == sorted(positions), "most important first, ties by votes"
    assert "Deal blocker" in html[positions[0] : positions[1]]
    assert "Gantt chart view" not in html
    assert "Fine grained permissions" not in html
    assert "All 7 requests of Acme" in html


def test_an_accounts_page_lists_every_request_and_filters_them(client: Client, sales: User) -> None:
    acme, ideas = _seven_requests(sales)
    client.force_login(sales)
    url = f"/sales/accounts/{acme.pk}/"

    html = _page(client, url)
    positions = [html.index(title) for title, _, _ in SEVEN]
    assert positions == sorted(positions)

    html = _page(client, f"{url}?importance=critical")
    assert {title for title, _, _ in SEVEN if title in html} == {
        "Bulk user import",
        "Custom report builder",
    }

    services.idea_decline(
        idea=ideas["Dark mode for dashboards"],
        by=make_user(role=Role.ADMIN),
        kind="out_of_scope",
        reason="The operating system's dark mode covers it.",
    )
    html = _page(client, f"{url}?status=declined")
    assert {title for title, _, _ in SEVEN if title in html} == {"Dark mode for dashboards"}
    assert "The operating system&#x27;s dark mode covers it." in html
    html = _page(client, "/sales/?status=declined")
    assert {title for title, _, _ in SEVEN if title in html} == {"Dark mode for dashboards"}
    assert "1 request</span>" in html


def _queries(client: Client, url: str) -> int:
    for pk in Product.objects.values_list("pk", flat=True):
        idea_ranks_forget(product_id=pk)  # ranks are cached; read them every time
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_my_accounts_query_count_does_not_grow_with_requests_per_account(
    client: Client, sales: User
) -> None:
    """Guards against an N+1 over each account's requests: their ideas, products, proxy
    votes, decisions and roadmap items are read once for the page, not per request."""
    product = make_product()
    admin = make_user(role=Role.ADMIN)
    accounts = []
    for n in range(2):
        account = make_account(owner=sales, domains=[f"owned{n}.test"])
        voter = make_user(email=f"voter@owned{n}.test")
        declined = make_idea(product=product, title=f"Declined request {n}")
        _proxy(declined, account, "deal_blocker", by=sales)
        services.idea_decline(idea=declined, by=admin, kind="out_of_scope", reason="No.")
        services.vote_cast(idea=make_idea(product=product), user=voter, importance="critical")
        accounts.append((account, voter))
    client.force_login(sales)
    assert AccountRequest.objects.count() == 4
    small = _queries(client, "/sales/")

    for account, voter in accounts:
        for _ in range(5):
            services.vote_cast(
                idea=make_idea(product=product), user=voter, importance="nice_to_have"
            )
            _proxy(make_idea(product=product), account, "important", by=sales)
    assert AccountRequest.objects.count() == 24
    html = _page(client, "/sales/")
    assert html.count("12 requests</span>") == 2

    assert _queries(client, "/sales/") == small


# --- Concurrent votes ----------------------------------------------------------------------


def _at_once(idea_id: int, user_ids: list[int], withdraw: bool = False) -> None:
    """The users vote (or withdraw) on the idea at the same moment, each on a connection
    of their own."""
    start = threading.Barrier(len(user_ids))

    def run(user_id: int) -> None:
        try:
            idea = Idea.objects.get(pk=idea_id)
            user = User.objects.get(pk=user_id)
            start.wait(timeout=10)
            if withdraw:
                services.vote_withdraw(idea=idea, user=user)
            else:
                services.vote_cast(idea=idea, user=user, importance="important")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(user_ids)) as pool:
        for future in [pool.submit(run, pk) for pk in user_ids]:
            future.result()


@pytest.mark.django_db(transaction=True)
def test_two_users_of_an_account_voting_at_once_make_one_request_of_two_voters() -> None:
    acme = make_account(domains=["acme.test"], arr=30_000)
    users = [make_user(email="ann@acme.test").pk, make_user(email="bob@acme.test").pk]
    ideas = [make_idea() for _ in range(5)]
    for idea in ideas:
        _at_once(idea.pk, users)
    for idea in ideas:
        assert _rows(idea) == {acme.pk: (2, 0, 2, 0, "", 2)}
        fresh = _fresh(idea)
        assert (fresh.account_count, fresh.revenue_at_stake) == (1, Decimal("30000"))
    _assert_exact(*ideas)

    for idea in ideas:
        _at_once(idea.pk, users, withdraw=True)
    for idea in ideas:
        assert _rows(idea) == {}
        fresh = _fresh(idea)
        assert (fresh.account_count, fresh.revenue_at_stake) == (0, Decimal(0))
    _assert_exact(*ideas)
