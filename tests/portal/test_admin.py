"""Django admin: every model has a working list, search and change page."""

from __future__ import annotations

import pytest
from django.test import Client

from ideas.models import Comment, Idea, OutboundEmail
from portal.models import Account, Role, User
from tests.factories import make_account, make_idea, make_user

pytestmark = pytest.mark.django_db

PAGES = [
    "portal/user", "portal/product", "portal/account", "portal/accountdomain",
    "ideas/idea", "ideas/category", "ideas/vote", "ideas/comment", "ideas/outboundemail",
    "ideas/proxyvote", "ideas/statuschange", "ideas/decision", "ideas/replytemplate",
    "ideas/theme", "ideas/merge", "scoring/goal", "scoring/scorecard", "scoring/ideagoal",
    "scoring/rating", "scoring/ideascore", "scoring/scorehistory", "scoring/scorecardchange",
]  # fmt: skip


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(make_user(role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def test_every_admin_list_and_search_loads(admin_client: Client) -> None:
    idea = make_idea()
    Comment.objects.create(idea=idea, author=idea.author, body="Hi")
    OutboundEmail.objects.create(to="a@b.test", subject="S", body_text="B", reason="test")
    make_account()
    for page in PAGES:
        assert admin_client.get(f"/admin/{page}/").status_code == 200, page
        assert admin_client.get(f"/admin/{page}/?q=idea").status_code == 200, page
    assert admin_client.get(f"/admin/ideas/idea/{idea.pk}/change/").status_code == 200


def test_saving_an_account_in_admin_links_users_by_domain(admin_client: Client) -> None:
    ann = make_user(email="ann@northwind.test")
    response = admin_client.post(
        "/admin/portal/account/add/",
        {"name": "Northwind", "arr": "120000", "segment": "enterprise",
         "email_domains": "northwind.test, nw.test"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    account = Account.objects.get(name="Northwind")
    assert sorted(d.domain for d in account.domains.all()) == ["northwind.test", "nw.test"]
    assert User.objects.get(pk=ann.pk).account == account
    assert Idea.objects.count() == 0


def test_a_domain_of_another_account_is_refused_beside_the_field(admin_client: Client) -> None:
    make_account(name="Acme", domains=["acme.test"])
    response = admin_client.post(
        "/admin/portal/account/add/",
        {"name": "Copycat", "arr": "1", "segment": "", "email_domains": "acme.test"},
    )
    assert response.status_code == 200
    assert "Already used by another account: acme.test (Acme)" in response.content.decode()
    assert not Account.objects.filter(name="Copycat").exists()


def test_emails_are_stored_in_lower_case(admin_client: Client) -> None:
    assert make_user(email="Mixed.Case@Example.TEST").email == "mixed.case@example.test"
