"""A user's own data: downloading it, and deleting the account (by the user, or by an admin
on their request). Their ideas and comments stay, shown as a former user's; their votes go and
every count, demand figure and score they fed is updated."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from ideas import services as idea_services
from ideas.models import Comment, Follow, Idea, Mute, OutboundEmail, ProxyVote, Vote
from portal.models import AuditEntry, Role, User
from scoring.services import ideas_rescore
from tests.factories import make_account, make_idea, make_product, make_user

CaptureOnCommit = Callable[..., Any]


def _person_with_history(product: Any = None) -> dict[str, Any]:
    """Ann of Acme: an idea of her own, a vote and a comment on Bob's idea, a proxy vote
    recorded naming her, and an email address allauth knows."""
    product = product or make_product()
    account = make_account(name="Acme", domains=["acme.test"], arr=50_000)
    sales = make_user(role=Role.SALES)
    ann = make_user(email="ann@acme.test", name="Ann Archer")
    EmailAddress.objects.create(user=ann, email=ann.email, primary=True, verified=True)
    bob = make_user(name="Bob")
    own = make_idea(product=product, author=ann, title="Ann's own idea")
    other = make_idea(product=product, author=bob, title="Bob's idea")
    idea_services.vote_cast(idea=other, user=ann, importance="critical")
    idea_services.comment_add(idea=other, author=ann, body="Ann says: we need this.")
    idea_services.proxy_vote_record(
        idea=own,
        account=account,
        recorded_by=sales,
        importance="deal_blocker",
        source="call",
        contact=ann,
        note="Ann on the renewal call",
    )
    Mute.objects.create(idea=other, email=ann.email)
    return {"ann": ann, "bob": bob, "own": own, "other": other, "account": account, "sales": sales}


# --- Download ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_user_downloads_their_profile_ideas_votes_comments_follows_and_proxy_votes(
    client: Client,
) -> None:
    people = _person_with_history()
    make_idea(title="Someone else's idea")  # not Ann's: must not appear
    client.force_login(people["ann"])

    response = client.get("/accounts/privacy/data.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == "ann@acme.test"
    assert data["profile"]["name"] == "Ann Archer"
    assert data["profile"]["account"] == "Acme"
    assert data["email_addresses"] == [
        {"email": "ann@acme.test", "verified": True, "primary": True}
    ]
    assert [i["title"] for i in data["ideas"]] == ["Ann's own idea"]
    assert {v["title"] for v in data["votes"]} == {"Ann's own idea", "Bob's idea"}
    assert {v["importance"] for v in data["votes"] if v["title"] == "Bob's idea"} == {"critical"}
    assert [c["body"] for c in data["comments"]] == ["Ann says: we need this."]
    assert {f["idea"] for f in data["follows"]} == {people["own"].pk, people["other"].pk}
    [proxy] = data["proxy_votes_about_you"]
    assert proxy["account"] == "Acme"
    assert proxy["importance"] == "deal_blocker"
    assert proxy["note"] == "Ann on the renewal call"


@pytest.mark.django_db
def test_the_privacy_page_and_download_need_a_signed_in_user(client: Client) -> None:
    for url in ("/accounts/privacy/", "/accounts/privacy/data.json"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert client.post("/accounts/privacy/delete/", {"email": "x@y.test"}).status_code == 302


@pytest.mark.django_db
def test_the_download_costs_the_same_queries_for_many_rows(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    """The export reads each kind of row in one query (select_related to the idea and its
    product), never one query per vote, comment or follow."""
    people = _person_with_history()
    client.force_login(people["ann"])
    with django_assert_max_num_queries(12):
        assert client.get("/accounts/privacy/data.json").status_code == 200
    product = people["own"].product
    for n in range(15):
        idea = make_idea(product=product, title=f"More {n}")
        idea_services.vote_cast(idea=idea, user=people["ann"])
        idea_services.comment_add(idea=idea, author=people["ann"], body=f"Comment {n}")
    with django_assert_max_num_queries(12):
        response = client.get("/accounts/privacy/data.json")
    assert len(json.loads(response.content)["votes"]) == 17


# --- Deletion by the user ------------------------------------------------------------------


@pytest.mark.django_db
def test_deleting_needs_the_accounts_email_typed_and_keeps_what_was_typed(
    client: Client,
) -> None:
    people = _person_with_history()
    client.force_login(people["ann"])

    response = client.post("/accounts/privacy/delete/", {"email": "ann@acme.tes"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "That is not the email address of this account" in html
    assert 'value="ann@acme.tes"' in html
    assert User.objects.filter(pk=people["ann"].pk).exists()
    assert Vote.objects.filter(user=people["ann"]).count() == 2


@pytest.mark.django_db
def test_deleting_an_account_keeps_ideas_and_comments_as_a_former_users_and_fixes_counts(
    client: Client, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    people = _person_with_history()
    ann, own, other = people["ann"], people["own"], people["other"]
    OutboundEmail.objects.create(to=ann.email, subject="S", body_text="B", reason="test")
    other.refresh_from_db()
    assert (other.vote_count, other.account_count, other.demand_critical) == (2, 1, 1)
    assert other.revenue_at_stake == Decimal("50000")
    client.force_login(ann)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/accounts/privacy/delete/", {"email": "ANN@acme.test "})

    assert response.status_code == 302
    assert not User.objects.filter(pk=ann.pk).exists()
    assert not EmailAddress.objects.filter(email__iexact="ann@acme.test").exists()
    # Her idea and comment stay, no longer tied to her.
    own.refresh_from_db()
    assert (own.title, own.author_id, own.author_email) == ("Ann's own idea", None, "")
    comment = Comment.objects.get(body="Ann says: we need this.")
    assert comment.author_id is None
    # Her votes are gone and every stored figure is exact again.
    assert not Vote.objects.filter(user_id=ann.pk).exists()
    other.refresh_from_db()
    assert other.vote_count == Vote.objects.filter(idea=other).count() == 1
    assert (other.account_count, other.demand_critical, other.revenue_at_stake) == (0, 0, 0)
    own.refresh_from_db()
    assert own.vote_count == 0
    # The proxy vote is Acme's demand: it stays, without her name and address.
    proxy = ProxyVote.objects.get(idea=own)
    assert (proxy.contact_id, proxy.contact_name, proxy.contact_email) == (None, "", "")
    assert (own.account_count, own.demand_deal_blocker) == (1, 1)
    assert not Follow.objects.filter(user_id=ann.pk).exists()
    assert not Mute.objects.filter(email="ann@acme.test").exists()
    assert not OutboundEmail.objects.filter(to="ann@acme.test").exists()
    # The scores of the ideas she voted on are recomputed after commit.
    assert callbacks, "a rescore is scheduled"
    entry = AuditEntry.objects.get(action="user.delete")
    assert entry.target_id == ann.pk
    assert "ann@acme.test" not in entry.summary + entry.actor_label + json.dumps(entry.data)
    # Signed out, and the pages show a former user.
    page = client.get(f"/p/{own.product.slug}/ideas/{own.pk}/").content.decode()
    assert "by a former user" in page
    page = client.get(f"/p/{other.product.slug}/ideas/{other.pk}/").content.decode()
    assert "A former user" in page
    assert "Ann Archer" not in page
    assert "Sign out" not in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_a_deleted_users_votes_stop_counting_in_the_stored_score(
    client: Client, celery_worker: subprocess.Popen[bytes]
) -> None:
    product = make_product()
    idea = make_idea(product=product, title="Popular")
    voters = [make_user() for _ in range(4)]
    for voter in voters:
        idea_services.vote_cast(idea=idea, user=voter, importance="critical")
    # Another idea keeps its three votes: demand is normalised against the product's ideas.
    steady = make_idea(product=product, title="Steady")
    for _ in range(2):
        idea_services.vote_cast(idea=steady, user=make_user(), importance="critical")
    ideas_rescore(
        idea_ids=list(Idea.objects.values_list("pk", flat=True)), product=product, event="demand"
    )
    before = Idea.objects.get(pk=idea.pk).score
    assert before > 0

    for voter in voters:
        client.force_login(voter)
        assert client.post("/accounts/privacy/delete/", {"email": voter.email}).status_code == 302

    deadline = time.monotonic() + 20
    while Idea.objects.get(pk=idea.pk).score >= before:
        if time.monotonic() > deadline:
            pytest.fail("the worker did not rescore the idea after its voters left")
        time.sleep(0.1)
    assert Idea.objects.get(pk=idea.pk).vote_count == 1


# --- Deletion and download by an admin -----------------------------------------------------


@pytest.mark.django_db
def test_an_admin_deletes_a_user_on_request_through_the_same_service(client: Client) -> None:
    people = _person_with_history()
    ann, other = people["ann"], people["other"]
    admin_user = make_user(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin_user)

    response = client.post(
        "/admin/portal/user/",
        {"action": "delete_selected", "_selected_action": [ann.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=ann.pk).exists()
    other.refresh_from_db()
    assert (other.vote_count, other.account_count) == (1, 0)
    assert Comment.objects.get(body="Ann says: we need this.").author_id is None
    entry = AuditEntry.objects.get(action="user.delete")
    assert entry.actor == admin_user
    assert entry.target_id == ann.pk


@pytest.mark.django_db
def test_an_admin_downloads_a_users_data_on_request(client: Client) -> None:
    people = _person_with_history()
    admin_user = make_user(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin_user)

    response = client.post(
        "/admin/portal/user/",
        {"action": "download_personal_data", "_selected_action": [people["ann"].pk]},
    )

    assert response.status_code == 200
    [data] = json.loads(response.content)
    assert data["profile"]["email"] == "ann@acme.test"
    assert [c["body"] for c in data["comments"]] == ["Ann says: we need this."]
    assert AuditEntry.objects.filter(action="user.export", actor=admin_user).count() == 1
