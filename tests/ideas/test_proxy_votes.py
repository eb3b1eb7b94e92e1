"""Proxy votes and the demand figures they feed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ideas import selectors, services
from ideas.models import Idea, ProxyVote, ProxyVoteRevision
from portal.models import Role, Visibility
from portal.services import account_set_domains
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db


def _record(idea: Idea, account_name: str = "", **overrides: object) -> ProxyVote:
    fields: dict[str, object] = {
        "idea": idea,
        "account": overrides.pop("account", None) or make_account(name=account_name or "Acme"),
        "recorded_by": overrides.pop("recorded_by", None) or make_user(role=Role.SALES),
        "importance": "critical",
        "source": "call",
    }
    fields.update(overrides)
    return services.proxy_vote_record(**fields)  # type: ignore[arg-type]


def _fresh(idea: Idea) -> Idea:
    return Idea.objects.get(pk=idea.pk)


def test_recording_again_updates_the_one_proxy_vote_and_keeps_history() -> None:
    idea = make_idea()
    account = make_account(arr=50_000)
    sales = make_user(role=Role.SALES)
    _record(idea, account=account, recorded_by=sales, importance="important", note="First call")
    _record(idea, account=account, recorded_by=sales, importance="deal_blocker", note="Escalated")
    proxy = ProxyVote.objects.get()
    assert (proxy.importance, proxy.note) == ("deal_blocker", "Escalated")
    history = list(ProxyVoteRevision.objects.order_by("at", "id").values_list("action", "note"))
    assert history == [("recorded", "First call"), ("updated", "Escalated")]
    assert _fresh(idea).demand_deal_blocker == 1
    assert _fresh(idea).demand_important == 0


def test_an_account_counts_once_with_its_users_votes_and_a_proxy_vote() -> None:
    account = make_account(domains=["acme.test"], arr=100_000)
    idea = make_idea(author=make_user(email="ann@acme.test"))
    services.vote_cast(idea=idea, user=make_user(email="bob@acme.test"))
    _record(idea, account=account)
    idea = _fresh(idea)
    assert idea.vote_count == 2
    assert idea.account_count == 1
    assert idea.revenue_at_stake == Decimal("100000")


def test_revenue_at_stake_adds_each_account_once_plus_open_opportunities() -> None:
    acme = make_account(domains=["acme.test"], arr=100_000)
    globex = make_account(domains=["globex.test"], arr=40_000)
    initech = make_account(domains=["initech.test"], arr=7_500)
    idea = make_idea(author=make_user(email="ann@acme.test"))
    services.vote_cast(idea=idea, user=make_user(email="hank@globex.test"))
    services.vote_cast(idea=idea, user=make_user(email="joe@globex.test"))
    services.vote_cast(idea=idea, user=make_user(email="solo@gmail.test"))
    today = timezone.localdate()
    _record(idea, account=acme, opportunity_value=Decimal("20000"))  # overlaps its voters
    _record(
        idea,
        account=initech,
        opportunity_value=Decimal("5000"),
        expected_close_date=today + timedelta(days=30),
    )
    _record(
        idea,
        account=globex,
        opportunity_value=Decimal("999"),
        expected_close_date=today - timedelta(days=1),  # closed: no longer at stake
    )
    idea = _fresh(idea)
    assert idea.account_count == 3
    assert idea.revenue_at_stake == Decimal(100_000 + 40_000 + 7_500 + 20_000 + 5_000)
    assert idea.demand_critical == 3


def test_withdrawing_votes_and_proxy_votes_lowers_the_demand() -> None:
    account = make_account(domains=["acme.test"], arr=10_000)
    idea = make_idea()
    voter = make_user(email="ann@acme.test")
    services.vote_cast(idea=idea, user=voter, importance="critical")
    proxy = _record(idea, account=account, importance="nice_to_have")
    assert (_fresh(idea).account_count, _fresh(idea).demand_critical) == (1, 1)
    services.vote_withdraw(idea=idea, user=voter)
    assert _fresh(idea).account_count == 1
    services.proxy_vote_withdraw(proxy_vote=proxy, by=make_user(role=Role.SALES))
    idea = _fresh(idea)
    assert (idea.account_count, idea.revenue_at_stake, idea.demand_nice_to_have) == (
        0,
        Decimal(0),
        0,
    )
    assert ProxyVoteRevision.objects.filter(action="withdrawn").count() == 1


def test_a_new_domain_queues_a_refresh_of_the_ideas_its_users_asked_for(
    django_capture_on_commit_callbacks: object,
) -> None:
    account = make_account(domains=["acme.test"], arr=10_000)
    ann = make_user(email="ann@newdomain.test")
    idea = make_idea(author=ann)
    assert _fresh(idea).account_count == 0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # type: ignore[operator]
        account_set_domains(account=account, domains=["acme.test", "newdomain.test"])
    assert len(callbacks) == 1  # the refresh task, queued after commit
    assert selectors.ideas_asked_by(account_ids=[account.pk], user_ids=[ann.pk]) == {idea.pk}
    services.idea_demand_refresh(idea_ids=[idea.pk])  # what the task does
    assert _fresh(idea).account_count == 1
    assert _fresh(idea).revenue_at_stake == Decimal("10000")


def test_customers_cannot_record_proxy_votes() -> None:
    with pytest.raises(PermissionDenied):
        _record(make_idea(), recorded_by=make_user(role=Role.CUSTOMER))
    assert not ProxyVote.objects.exists()


def test_sales_cannot_record_on_a_private_product_they_may_not_see() -> None:
    product = make_product(visibility=Visibility.PRIVATE, allowed_email_domains="acme.test")
    idea = make_idea(product=product, author=make_user(email="ann@acme.test"))
    with pytest.raises(PermissionDenied):
        _record(idea, recorded_by=make_user(role=Role.SALES, email="sam@vendor.test"))
    assert not ProxyVote.objects.exists()


def test_a_negative_opportunity_or_a_contact_of_another_account_is_refused() -> None:
    idea = make_idea()
    with pytest.raises(ValueError, match="negative"):
        _record(idea, opportunity_value=Decimal("-1"))
    other = make_account(domains=["other.test"])
    stranger = make_user(email="eve@other.test")
    assert stranger.account == other
    with pytest.raises(ValueError, match="not a user of this account"):
        _record(idea, account_name="Acme 2", contact=stranger)
    assert not ProxyVote.objects.exists()


def test_the_named_contact_may_withdraw_but_another_customer_may_not() -> None:
    account = make_account(domains=["acme.test"])
    contact = make_user(email="ann@acme.test")
    idea = make_idea()
    proxy = _record(idea, account=account, contact=contact)
    with pytest.raises(PermissionDenied):
        services.proxy_vote_withdraw(proxy_vote=proxy, by=make_user())
    services.proxy_vote_withdraw(proxy_vote=proxy, by=contact)
    assert not ProxyVote.objects.exists()


def test_a_customer_can_say_how_important_an_idea_is_when_voting() -> None:
    idea = make_idea()
    voter = make_user()
    services.vote_cast(idea=idea, user=voter, importance="important")
    services.vote_cast(idea=idea, user=voter, importance="critical")  # changes their mind
    idea = _fresh(idea)
    assert (idea.vote_count, idea.demand_important, idea.demand_critical) == (2, 0, 1)
    with pytest.raises(ValueError, match="Unknown importance"):
        services.vote_cast(idea=idea, user=voter, importance="deal_blocker")


DEMAND_FIELDS = [
    "vote_count",
    "account_count",
    "revenue_at_stake",
    "demand_nice_to_have",
    "demand_important",
    "demand_critical",
    "demand_deal_blocker",
]


def test_votes_keep_demand_exact_without_recounting_whatever_the_order() -> None:
    """Votes change the stored demand by difference; after every step it equals a full
    recount from the rows (users of one account, a proxy vote for it, importance
    changes, withdrawals in any order)."""
    import random

    from ideas.models import Importance

    rng = random.Random(7)  # noqa: S311 - test data
    idea = make_idea()
    sales = make_user(role=Role.SALES)
    idea.product.team.add(sales)
    accounts = [make_account(arr=Decimal(1_000 * (n + 1))) for n in range(3)]
    people = [make_user(email=f"p{n}@{accounts[n % 3].domains.get().domain}") for n in range(6)]
    people.append(make_user())  # one without an account
    importances = ["", Importance.NICE_TO_HAVE, Importance.IMPORTANT, Importance.CRITICAL]

    def stored() -> dict[str, object]:
        row: dict[str, object] = Idea.objects.filter(pk=idea.pk).values(*DEMAND_FIELDS).get()
        return row

    for step in range(60):
        person = rng.choice(people)
        move = rng.random()
        if move < 0.55:
            services.vote_cast(idea=idea, user=person, importance=rng.choice(importances))
        elif move < 0.9:
            services.vote_withdraw(idea=idea, user=person)
        elif not ProxyVote.objects.filter(idea=idea, account=accounts[0]).exists():
            services.proxy_vote_record(
                idea=idea,
                account=accounts[0],
                recorded_by=sales,
                importance=Importance.DEAL_BLOCKER,
                source="call",
            )
        else:
            services.proxy_vote_withdraw(
                proxy_vote=ProxyVote.objects.get(idea=idea, account=accounts[0]), by=sales
            )
        incremental = stored()
        services.idea_demand_refresh(idea_ids=[idea.pk])
        assert stored() == incremental, f"drift after step {step}"
