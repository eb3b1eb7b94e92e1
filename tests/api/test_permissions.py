"""The permission ladder: every endpoint answers each kind of user as the web pages do.

The product is private (its customers' domain and its team only). Reading what one may not
see is a 404, as on the web; writing without signing in is a 401; PM-only and team-only
actions answer 404 to everyone else, through the same access functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ideas.models import Comment, Decision, Idea, ProxyVote, Status, Vote
from portal.models import Account
from tests.api.conftest import ROLES, World

N, U = 404, 401  # not found (may not see), unauthenticated


# endpoint -> (request, expected status per role in ROLES order)
READS: dict[str, tuple[Callable[[World], str], list[int]]] = {
    "product": (lambda w: w.url(), [N, 200, N, N, N, 200]),
    "ideas": (lambda w: w.url("ideas/"), [N, 200, N, N, N, 200]),
    "idea": (lambda w: w.idea_url(), [N, 200, N, N, N, 200]),
    "comments": (lambda w: w.idea_url("comments/"), [N, 200, N, N, N, 200]),
    "proxy votes": (lambda w: w.idea_url("proxy-votes/"), [N, N, N, N, N, 200]),
    "score": (lambda w: w.idea_url("score/"), [N, N, N, N, N, 200]),
    "goals": (lambda w: w.url("goals/"), [N, N, N, N, N, 200]),
    "scores": (lambda w: w.url("scores/"), [N, N, N, N, N, 200]),
    "roadmap": (lambda w: w.url("roadmap/"), [N, 200, N, N, N, 200]),
    # Accounts belong to no product: the whole team sees them, as on the web.
    "accounts": (lambda w: "/api/v1/accounts/", [N, N, N, 200, 200, 200]),
    "account by domain": (
        lambda w: "/api/v1/accounts/by-domain/acme.test/",
        [N, N, N, 200, 200, 200],
    ),
}


@pytest.mark.parametrize("endpoint", list(READS))
def test_reads_answer_each_role_as_the_web_does(world: World, endpoint: str) -> None:
    path, expected = READS[endpoint]
    got = [world.clients[role].get(path(world)).status_code for role in ROLES]
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, expected, strict=True))


WRITES: dict[str, tuple[str, Callable[[World], str], dict[str, Any], list[int]]] = {
    "submit idea": (
        "post",
        lambda w: w.url("ideas/"),
        {"title": "Dark mode for reports", "problem": "Our analysts work at night."},
        [U, 201, N, N, N, 201],
    ),
    "vote": ("post", lambda w: w.idea_url("vote/"), {}, [U, 200, N, N, N, 200]),
    "withdraw vote": ("delete", lambda w: w.idea_url("vote/"), {}, [U, 200, N, N, N, 200]),
    "comment": (
        "post",
        lambda w: w.idea_url("comments/"),
        {"body": "Yes!"},
        [U, 201, N, N, N, 201],
    ),
    "internal comment": (
        "post",
        lambda w: w.idea_url("comments/"),
        {"body": "Ask Acme about volume.", "is_internal": True},
        [U, 400, N, N, N, 201],
    ),
    "proxy vote": (
        "post",
        lambda w: w.idea_url("proxy-votes/"),
        {"account_domain": "acme.test", "importance": "critical", "source": "call"},
        [U, N, N, N, N, 201],
    ),
    "status": (
        "post",
        lambda w: w.idea_url("status/"),
        {"status": "planned"},
        [U, N, N, N, N, 200],
    ),
    "decline": (
        "post",
        lambda w: w.idea_url("decline/"),
        {"kind": "not_now", "reason": "Not this quarter: we focus on mobile."},
        [U, N, N, N, N, 201],
    ),
    "create account": (
        "post",
        lambda w: "/api/v1/accounts/",
        {"name": "Globex", "domains": []},
        [U, N, N, 201, 201, 201],
    ),
    "update account": (
        "patch",
        lambda w: "/api/v1/accounts/by-domain/acme.test/",
        {"segment": "enterprise"},
        [U, N, N, 200, 200, 200],
    ),
}


@pytest.mark.parametrize("endpoint", list(WRITES))
def test_writes_answer_each_role_as_the_web_does(world: World, endpoint: str) -> None:
    method, path, body, expected = WRITES[endpoint]
    got = []
    for role in ROLES:
        client = world.clients[role]
        got.append(getattr(client, method)(path(world), body, format="json").status_code)
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, expected, strict=True))


def test_refused_writes_change_nothing(world: World) -> None:
    """Everyone below the PM tries every PM and team action; nothing moves."""
    for role in ["anonymous", "customer", "other_customer", "other_sales", "other_pm"]:
        client = world.clients[role]
        client.post(world.idea_url("status/"), {"status": "shipped"}, format="json")
        client.post(world.idea_url("decline/"), {"kind": "not_now", "reason": "x"}, format="json")
        client.post(
            world.idea_url("proxy-votes/"),
            {"account_domain": "acme.test", "importance": "critical", "source": "call"},
            format="json",
        )
    for role in ["anonymous", "other_customer", "other_sales", "other_pm"]:
        world.clients[role].post(world.idea_url("vote/"), {}, format="json")
        world.clients[role].post(world.idea_url("comments/"), {"body": "hi"}, format="json")
    idea = Idea.objects.get(pk=world.idea.pk)
    assert idea.status == Status.NEW
    assert not Decision.objects.exists()
    assert not ProxyVote.objects.exists()
    assert Vote.objects.filter(idea=idea).count() == 1  # the author's own
    assert not Comment.objects.exists()


def test_internal_comments_are_read_by_the_team_only(world: World) -> None:
    pm = world.clients["pm"]
    assert (
        pm.post(
            world.idea_url("comments/"),
            {"body": "Internal: Acme", "is_internal": True},
            format="json",
        ).status_code
        == 201
    )
    pm.post(world.idea_url("comments/"), {"body": "Public reply"}, format="json")
    seen = {
        role: [
            c["body"]
            for c in world.clients[role].get(world.idea_url("comments/")).json()["results"]
        ]
        for role in ["customer", "sales", "pm"]
    }
    assert seen["customer"] == ["Public reply"]
    assert seen["sales"] == ["Internal: Acme", "Public reply"]
    assert seen["pm"] == ["Internal: Acme", "Public reply"]


def test_demand_is_shown_to_the_team_only(world: World) -> None:
    customer = world.clients["customer"].get(world.idea_url()).json()
    sales = world.clients["sales"].get(world.idea_url()).json()
    assert customer["demand"] is None
    assert sales["demand"]["account_count"] == 1  # Ann of Acme voted
    assert sales["demand"]["revenue_at_stake"] == "50000.00"


def test_customers_get_the_public_roadmap_only(world: World) -> None:
    from roadmap.models import RoadmapItem

    RoadmapItem.objects.create(
        product=world.product,
        title="Spreadsheet engine v2",
        public_title="Excel export",
        internal_notes="Needed to close Acme's renewal.",
    )
    RoadmapItem.objects.create(product=world.product, title="Secret rewrite", is_public=False)
    customer = world.clients["customer"].get(world.url("roadmap/")).json()["results"]
    pm = world.clients["pm"].get(world.url("roadmap/")).json()["results"]
    assert [(i["title"], i["internal"]) for i in customer] == [("Excel export", None)]
    assert "Acme" not in str(customer)
    assert sorted(i["internal"]["title"] for i in pm) == ["Secret rewrite", "Spreadsheet engine v2"]
    assert {i["internal"]["internal_notes"] for i in pm} >= {"Needed to close Acme's renewal."}


def test_a_proxy_vote_is_withdrawn_by_the_team_or_its_contact_only(world: World) -> None:
    sales = world.clients["sales"]
    proxy = sales.post(
        world.idea_url("proxy-votes/"),
        {
            "account_domain": "acme.test",
            "importance": "deal_blocker",
            "source": "deal",
            "contact_email": "ann@acme.test",
        },
        format="json",
    ).json()
    url = world.idea_url(f"proxy-votes/{proxy['id']}/")
    assert world.clients["other_pm"].delete(url).status_code == 404
    assert world.clients["anonymous"].delete(url).status_code == 401
    assert ProxyVote.objects.filter(pk=proxy["id"]).exists()
    assert world.clients["customer"].delete(url).status_code == 204  # Ann is the contact
    assert not ProxyVote.objects.filter(pk=proxy["id"]).exists()


def test_account_writes_go_through_the_domain_rules(world: World) -> None:
    pm = world.clients["pm"]
    taken = pm.post(
        "/api/v1/accounts/", {"name": "Copycat", "domains": ["acme.test"]}, format="json"
    )
    assert taken.status_code == 400
    assert "acme.test" in str(taken.json()["domains"])
    assert not Account.objects.filter(name="Copycat").exists()
    bad = pm.post("/api/v1/accounts/", {"name": "Bad", "domains": ["not a domain"]}, format="json")
    assert bad.status_code == 400
    created = pm.post(
        "/api/v1/accounts/",
        {
            "name": "Initech",
            "domains": ["initech.test"],
            "arr": "75000",
            "owner_email": "sales@vendor.test",
        },
        format="json",
    )
    assert created.status_code == 201
    moved = pm.patch(
        "/api/v1/accounts/by-domain/initech.test/", {"arr": "90000.50"}, format="json"
    ).json()
    assert moved["arr"] == "90000.50"
    assert moved["owner_email"] == "sales@vendor.test"
    assert Account.objects.get(name="Initech").arr == 90000.50
