"""Statuses, decisions, revisits, merges and who hears about them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ideas import services
from ideas.models import (
    Comment,
    Decision,
    Follow,
    Idea,
    Merge,
    OutboundEmail,
    ProxyVote,
    Status,
    StatusChange,
    Vote,
)
from portal.models import Product, Role, User
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm() -> User:
    return make_user(role=Role.PM, email="pat@vendor.test", name="Pat")


@pytest.fixture
def product(pm: User) -> Product:
    return make_product(team=[pm])


def _fresh(idea: Idea) -> Idea:
    return Idea.objects.get(pk=idea.pk)


def _emails(reason: str) -> dict[str, OutboundEmail]:
    return {e.to: e for e in OutboundEmail.objects.filter(reason=reason)}


def test_every_status_change_is_recorded_with_who_when_and_why(product: Product, pm: User) -> None:
    idea = make_idea(product=product)
    services.idea_set_status(idea=idea, status=Status.UNDER_REVIEW, by=pm, note="Looking")
    services.idea_set_status(idea=idea, status=Status.PLANNED, by=pm)
    assert services.idea_set_status(idea=idea, status=Status.PLANNED, by=pm) is None
    changes = list(
        StatusChange.objects.filter(idea=idea)
        .order_by("at", "id")
        .values_list("from_status", "to_status", "by", "note")
    )
    assert changes == [
        ("new", "under_review", pm.pk, "Looking"),
        ("under_review", "planned", pm.pk, ""),
    ]
    assert _fresh(idea).status == Status.PLANNED


def test_only_the_products_pms_and_admins_change_statuses(product: Product) -> None:
    idea = make_idea(product=product)
    for outsider in [
        make_user(),
        make_user(role=Role.SALES),
        make_user(role=Role.PM),  # a PM of another product
    ]:
        with pytest.raises(PermissionDenied):
            services.idea_set_status(idea=idea, status=Status.PLANNED, by=outsider)
    services.idea_set_status(idea=idea, status=Status.PLANNED, by=make_user(role=Role.ADMIN))
    assert _fresh(idea).status == Status.PLANNED


def test_declining_needs_a_decision_record(product: Product, pm: User) -> None:
    idea = make_idea(product=product)
    with pytest.raises(ValidationError):
        services.idea_set_status(idea=idea, status=Status.DECLINED, by=pm)
    with pytest.raises(ValidationError, match="plain words"):
        services.idea_decline(idea=idea, by=pm, kind="not_now", reason="   ")
    with pytest.raises(ValidationError, match="future"):
        services.idea_decline(
            idea=idea, by=pm, kind="not_now", reason="Later", revisit_on=timezone.localdate()
        )
    assert _fresh(idea).status == Status.NEW
    assert not Decision.objects.exists()
    decision = services.idea_decline(
        idea=idea,
        by=pm,
        kind="already_possible",
        reason="You can do this with saved filters.",
        workaround="Save a filter and pin it.",
        workaround_url="https://help.example.test/filters",
    )
    assert _fresh(idea).status == Status.DECLINED
    assert decision.decided_by == pm
    assert StatusChange.objects.get(to_status="declined").note == decision.reason


def test_a_decline_reaches_everyone_who_asked_once_with_reason_and_workaround(
    product: Product, pm: User
) -> None:
    sales = make_user(role=Role.SALES, email="sam@vendor.test")
    account = make_account(domains=["acme.test"], owner=sales)
    author = make_user(email="ann@acme.test")
    idea = make_idea(product=product, author=author)
    voter = make_user(email="vic@else.test")
    services.vote_cast(idea=idea, user=voter)
    follower = make_user(email="fay@else.test")
    services.follow_set(idea=idea, user=follower, following=True)
    services.proxy_vote_record(
        idea=idea,
        account=account,
        recorded_by=sales,
        importance="critical",
        source="call",
        contact=author,  # the author again: one email only
        contact_name="Ann",
    )
    nologin = make_account(domains=["nologin.test"])
    services.proxy_vote_record(
        idea=idea,
        account=nologin,
        recorded_by=sales,
        importance="important",
        source="email",
        contact_name="Noel",
        contact_email="noel@nologin.test",
    )
    OutboundEmail.objects.all().delete()
    services.idea_decline(
        idea=idea,
        by=pm,
        kind="not_now",
        reason="We focus on security this quarter.",
        workaround="Use the CSV export.",
        workaround_url="https://help.example.test/csv",
    )
    emails = _emails("idea_status")
    assert set(emails) == {
        "ann@acme.test",
        "vic@else.test",
        "fay@else.test",
        "noel@nologin.test",
        "sam@vendor.test",  # owner of the account that asked: the internal view
    }
    customer_email = emails["vic@else.test"].body_text
    assert "We focus on security this quarter." in customer_email
    assert "Use the CSV export." in customer_email
    assert "https://help.example.test/csv" in customer_email
    assert "/ideas/unsubscribe/" in customer_email
    assert "revenue at stake" not in customer_email
    assert "revenue at stake" in emails["sam@vendor.test"].body_text
    assert "pat@vendor.test" not in emails  # not the PM who made the change


def test_an_unsubscribed_address_hears_nothing_more_about_that_idea(
    product: Product, pm: User
) -> None:
    idea = make_idea(product=product)
    voter = make_user(email="vic@else.test")
    services.vote_cast(idea=idea, user=voter)
    services.idea_set_status(idea=idea, status=Status.UNDER_REVIEW, by=pm)
    email = _emails("idea_status")["vic@else.test"]
    token = email.body_text.split("/ideas/unsubscribe/")[1].split("/")[0]
    services.idea_unsubscribe(token=token)
    services.idea_set_status(idea=idea, status=Status.PLANNED, by=pm)
    assert OutboundEmail.objects.filter(reason="idea_status", to="vic@else.test").count() == 1
    assert not Follow.objects.filter(idea=idea, user=voter).exists()


def test_internal_comments_are_never_emailed_and_public_ones_reach_followers(
    product: Product, pm: User
) -> None:
    idea = make_idea(product=product, author=make_user(email="ann@else.test"))
    services.comment_add(idea=idea, author=pm, body="Pricing talk", is_internal=True)
    assert not OutboundEmail.objects.filter(reason="idea_comment").exists()
    services.comment_add(idea=idea, author=pm, body="What workflow do you use?")
    email = OutboundEmail.objects.get(reason="idea_comment")
    assert email.to == "ann@else.test"
    assert "What workflow do you use?" in email.body_text
    assert "Pricing talk" not in email.body_text


def test_revisit_date_returns_the_idea_to_the_inbox(product: Product, pm: User) -> None:
    idea = make_idea(product=product)
    today = timezone.localdate()
    services.idea_decline(
        idea=idea, by=pm, kind="not_now", reason="Later", revisit_on=today + timedelta(days=30)
    )
    assert services.decisions_revisit_due(today=today + timedelta(days=29)) == []
    with time_machine.travel(timezone.now() + timedelta(days=30, hours=1)):
        assert services.decisions_revisit_due() == [idea.pk]
        assert services.decisions_revisit_due() == []  # once only
    idea = _fresh(idea)
    assert idea.status == Status.NEW
    latest = StatusChange.objects.filter(idea=idea).first()
    assert latest is not None
    assert "revisit date" in latest.note


def test_merge_moves_votes_proxies_and_follows_counting_each_once(
    product: Product, pm: User
) -> None:
    sales = make_user(role=Role.SALES)
    both = make_user(email="both@acme.test")
    account = make_account(domains=["acme.test"], arr=1_000)
    other = make_account(domains=["other.test"], arr=500)
    survivor = make_idea(product=product, title="Dark mode", author=make_user())
    duplicate = make_idea(product=product, title="Dark theme", author=make_user())
    services.vote_cast(idea=survivor, user=both)
    services.vote_cast(idea=duplicate, user=both)  # voted on both: counts once
    only_dup = make_user()
    services.vote_cast(idea=duplicate, user=only_dup)
    for idea in (survivor, duplicate):
        services.proxy_vote_record(
            idea=idea, account=account, recorded_by=sales, importance="critical", source="call"
        )
    services.proxy_vote_record(
        idea=duplicate, account=other, recorded_by=sales, importance="important", source="call"
    )
    Comment.objects.create(idea=duplicate, author=only_dup, body="My words stay here")
    before = {"survivor_votes": _fresh(survivor).vote_count}
    merge = services.idea_merge(source=duplicate, target=survivor, by=pm)

    survivor, duplicate = _fresh(survivor), _fresh(duplicate)
    voters = set(Vote.objects.filter(idea=survivor).values_list("user_id", flat=True))
    assert len(voters) == survivor.vote_count == before["survivor_votes"] + 2  # author, only_dup
    assert {both.pk, only_dup.pk} <= voters
    assert survivor.account_count == 2
    assert survivor.revenue_at_stake == Decimal(1_500)
    assert duplicate.status == Status.MERGED
    assert duplicate.merged_into == survivor
    assert Comment.objects.filter(idea=duplicate, body="My words stay here").exists()
    assert not Idea.objects.listed().filter(pk=duplicate.pk).exists()

    services.idea_unmerge(merge=merge, by=pm)
    survivor, duplicate = _fresh(survivor), _fresh(duplicate)
    assert duplicate.status == Status.NEW
    assert duplicate.merged_into is None
    assert survivor.vote_count == before["survivor_votes"]
    assert duplicate.vote_count == 3  # its author, both, only_dup: exactly as before
    assert set(ProxyVote.objects.filter(idea=duplicate).values_list("account", flat=True)) == {
        account.pk,
        other.pk,
    }
    assert Merge.objects.get().undone_at is not None
    with pytest.raises(ValidationError, match="already undone"):
        services.idea_unmerge(merge=merge, by=pm)


def test_merging_into_itself_or_into_a_merged_idea_is_refused(product: Product, pm: User) -> None:
    a, b, c = (make_idea(product=product) for _ in range(3))
    with pytest.raises(ValidationError, match="itself"):
        services.idea_merge(source=a, target=a, by=pm)
    services.idea_merge(source=b, target=c, by=pm)
    with pytest.raises(ValidationError, match="merge into the surviving one"):
        services.idea_merge(source=a, target=_fresh(b), by=pm)
    with pytest.raises(ValidationError, match="different products"):
        services.idea_merge(source=a, target=make_idea(), by=make_user(role=Role.ADMIN))
    assert _fresh(a).status == Status.NEW


def test_merge_tells_those_who_asked_for_the_duplicate_where_to_go(
    product: Product, pm: User
) -> None:
    survivor = make_idea(product=product, title="Dark mode")
    duplicate = make_idea(product=product, title="Dark theme", author=make_user(email="d@x.test"))
    services.idea_merge(source=duplicate, target=survivor, by=pm)
    email = OutboundEmail.objects.get(reason="idea_merged", to="d@x.test")
    assert f"/ideas/{survivor.pk}/" in email.body_text
    assert "counted once" in email.body_text


def test_first_anonymous_idea_waits_for_moderation_when_the_product_asks(pm: User) -> None:
    product = make_product(
        team=[pm], allow_anonymous_ideas=True, moderate_first_anonymous_ideas=True
    )

    def submit(title: str) -> Idea:
        idea = services.idea_submit(
            product=product, author=None, title=title, problem="P", author_email="v@x.test"
        ).idea
        services.idea_confirm(token=signing.dumps({"idea": idea.pk}, salt=services.CONFIRM_SALT))
        return _fresh(idea)

    first = submit("First idea")
    assert not first.is_approved
    assert not Idea.objects.listed().filter(pk=first.pk).exists()
    services.idea_approve(idea=first, by=pm)
    assert Idea.objects.listed().filter(pk=first.pk).exists()
    assert submit("Second idea").is_approved  # a known address goes straight on


def test_themes_and_assignment(product: Product, pm: User) -> None:
    idea = make_idea(product=product)
    theme = services.theme_create(product=product, name="  Enterprise   security ", by=pm)
    assert (theme.name, theme.slug) == ("Enterprise security", "enterprise-security")
    assert services.ideas_tag(ideas=[idea], theme=theme, by=pm) == 1
    assert list(idea.themes.all()) == [theme]
    with pytest.raises(ValidationError, match="one product"):
        services.ideas_tag(ideas=[make_idea()], theme=theme, by=make_user(role=Role.ADMIN))
    services.idea_assign(idea=idea, assignee=pm, by=pm)
    assert _fresh(idea).assignee == pm
    with pytest.raises(ValidationError, match="not a PM"):
        services.idea_assign(idea=idea, assignee=make_user(), by=pm)
