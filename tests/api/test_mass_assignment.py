"""A client sets only the fields the API names as writable: never counts, scores,
authors, statuses, the product of an idea, or who recorded something."""

from __future__ import annotations

from decimal import Decimal

from ideas.models import Comment, Idea, ProxyVote, Status, Vote
from portal.models import Account, User
from tests.api.conftest import World


def _pm(world: World) -> User:
    pm = world.users["pm"]
    assert pm is not None
    return pm


def test_submitting_an_idea_ignores_everything_but_its_own_fields(world: World) -> None:
    other_idea = world.idea
    response = world.clients["customer"].post(
        world.url("ideas/"),
        {
            "title": "Bulk edit of tags",
            "problem": "Editing tags one by one takes our team hours.",
            "vote_count": 999,
            "comment_count": 42,
            "score": 100,
            "trending_score": 1e9,
            "account_count": 50,
            "revenue_at_stake": "99999999",
            "status": "shipped",
            "author": _pm(world).pk,
            "author_email": "ceo@vendor.test",
            "product": world.other.pk,
            "merged_into": other_idea.pk,
            "is_approved": False,
            "confirmed_at": None,
            "id": other_idea.pk,
        },
        format="json",
    )
    assert response.status_code == 201
    idea = Idea.objects.get(title="Bulk edit of tags")
    assert idea.pk != other_idea.pk
    assert (idea.vote_count, idea.comment_count, idea.score, idea.account_count) == (1, 0, 0.0, 1)
    assert idea.revenue_at_stake == Decimal("50000.00")  # Acme's ARR: Ann voted
    assert idea.status == Status.NEW
    assert idea.author == world.users["customer"]
    assert idea.author_email == "ann@acme.test"
    assert idea.product == world.product
    assert idea.merged_into is None
    assert idea.is_approved
    assert idea.confirmed_at is not None


def test_an_existing_idea_cannot_be_changed_through_the_api(world: World) -> None:
    before = Idea.objects.get(pk=world.idea.pk)
    for client in (world.clients["customer"], world.clients["pm"]):
        for method in ("put", "patch"):
            response = getattr(client, method)(
                world.idea_url(),
                {"title": "Hijacked", "product": world.other.pk, "status": "shipped"},
                format="json",
            )
            assert response.status_code == 405
    after = Idea.objects.get(pk=world.idea.pk)
    assert (after.title, after.product_id, after.status) == (
        before.title,
        before.product_id,
        before.status,
    )


def test_a_vote_is_always_the_callers_own(world: World) -> None:
    pm = _pm(world)
    world.clients["customer"].delete(world.idea_url("vote/"))
    response = world.clients["customer"].post(
        world.idea_url("vote/"), {"user": pm.pk, "importance": "critical"}, format="json"
    )
    assert response.json() == {"voted": True, "vote_count": 1}
    assert list(Vote.objects.filter(idea=world.idea).values_list("user__email", "importance")) == [
        ("ann@acme.test", "critical")
    ]


def test_a_comment_is_always_by_the_caller(world: World) -> None:
    world.clients["customer"].post(
        world.idea_url("comments/"),
        {"body": "Please!", "author": _pm(world).pk, "idea": 0, "created_at": "2001-01-01"},
        format="json",
    )
    comment = Comment.objects.get()
    assert comment.author == world.users["customer"]
    assert comment.idea_id == world.idea.pk
    assert comment.created_at.year > 2001


def test_a_proxy_vote_is_recorded_by_the_caller(world: World) -> None:
    world.clients["sales"].post(
        world.idea_url("proxy-votes/"),
        {
            "account_domain": "acme.test",
            "importance": "critical",
            "source": "call",
            "recorded_by": _pm(world).pk,
            "idea": 0,
        },
        format="json",
    )
    proxy = ProxyVote.objects.get()
    assert proxy.recorded_by == world.users["sales"]
    assert proxy.idea_id == world.idea.pk


def test_account_ids_and_creation_dates_are_not_writable(world: World) -> None:
    acme = Account.objects.get(name="Acme")
    response = world.clients["pm"].patch(
        "/api/v1/accounts/by-domain/acme.test/",
        {"id": 999, "created_at": "2001-01-01T00:00:00Z", "name": "Acme Corp"},
        format="json",
    )
    assert response.status_code == 200
    acme_after = Account.objects.get(pk=acme.pk)
    assert acme_after.name == "Acme Corp"
    assert acme_after.created_at == acme.created_at
    assert not Account.objects.filter(pk=999).exists()


def test_a_status_a_pm_may_not_set_directly_is_refused(world: World) -> None:
    pm = world.clients["pm"]
    for status in ("declined", "merged", "nonsense"):
        response = pm.post(world.idea_url("status/"), {"status": status}, format="json")
        assert response.status_code == 400
        assert "status" in response.json()
    assert Idea.objects.get(pk=world.idea.pk).status == Status.NEW
