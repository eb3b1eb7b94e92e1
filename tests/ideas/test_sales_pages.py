"""Sales pages: recording demand, my accounts, account pages, my votes, the digest."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideas import services
from ideas.models import Idea, OutboundEmail, ProxyVote, Status
from ideas.selectors import idea_ranks, idea_ranks_forget
from portal.models import Account, Product, Role, User, Visibility
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales() -> User:
    return make_user(role=Role.SALES, email="sam@vendor.test", name="Sam")


def _cold_ranks() -> None:
    """Ranks are cached for a minute; count the queries of a page that has to read them."""
    for pk in Product.objects.values_list("pk", flat=True):
        idea_ranks_forget(product_id=pk)


def _queries(client: Client, url: str) -> int:
    _cold_ranks()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _proxy(idea: Idea, account: Account, by: User, **extra: object) -> ProxyVote:
    fields: dict[str, object] = {"importance": "critical", "source": "call"}
    fields.update(extra)
    return services.proxy_vote_record(
        idea=idea,
        account=account,
        recorded_by=by,
        **fields,  # type: ignore[arg-type]
    )


def test_recording_a_proxy_vote_from_the_idea_page(client: Client, sales: User) -> None:
    account = make_account(name="Halcyon Bank", domains=["halcyon.test"], arr=385_000)
    contact = make_user(email="ciso@halcyon.test")
    idea = make_idea(title="SAML single sign-on")
    client.force_login(sales)
    url = f"/p/{idea.product.slug}/ideas/{idea.pk}/proxy-votes/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "account": "halcyon.test",
            "importance": "deal_blocker",
            "source": "deal",
            "note": "No SAML, no rollout.",
            "opportunity_value": "90000",
            "expected_close_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "contact_email": "CISO@halcyon.test",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Recorded: Halcyon Bank wants this idea." in html
    assert "Deal blocker for <strong>Halcyon Bank</strong>" in html
    assert "$475,000" in html  # 385,000 ARR + 90,000 open opportunity
    proxy = ProxyVote.objects.get()
    assert (proxy.account, proxy.contact, proxy.recorded_by) == (account, contact, sales)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"account": "Nobody Inc"}, "account", "No account is called “Nobody Inc”"),
        ({"opportunity_value": "-5"}, "opportunity_value", "cannot be negative"),
        ({"contact_email": "eve@elsewhere.test"}, "contact_email", "is not a user of"),
        ({"importance": "urgent!!"}, "importance", "Select a valid choice"),
    ],
)
def test_bad_proxy_vote_input_is_explained_and_nothing_saved(
    client: Client, sales: User, data: dict[str, str], field: str, message: str
) -> None:
    make_account(name="Acme", domains=["acme.test"])
    make_user(email="eve@elsewhere.test")
    idea = make_idea()
    client.force_login(sales)
    form = {"account": "Acme", "importance": "critical", "source": "call", "note": "Kept"}
    form.update(data)
    response = client.post(f"/p/{idea.product.slug}/ideas/{idea.pk}/proxy-votes/", form)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="error_1_id_{field}"' in html
    assert "Kept" in html
    assert not ProxyVote.objects.exists()


def test_customers_and_outsiders_cannot_reach_the_proxy_vote_form(client: Client) -> None:
    private = make_product(visibility=Visibility.PRIVATE, allowed_email_domains="acme.test")
    hidden = make_idea(product=private, author=make_user(email="ann@acme.test"))
    public = make_idea()
    client.force_login(make_user())
    assert client.get(f"/p/{public.product.slug}/ideas/{public.pk}/proxy-votes/").status_code == 404
    client.force_login(make_user(role=Role.SALES, email="sam@vendor.test"))
    url = f"/p/{private.slug}/ideas/{hidden.pk}/proxy-votes/"
    assert client.post(url, {"account": "x"}).status_code == 404
    assert not ProxyVote.objects.exists()


def test_customers_see_only_the_public_vote_count(client: Client, sales: User) -> None:
    account = make_account(name="Secret Bank", arr=999_000)
    idea = make_idea()
    _proxy(idea, account, sales, note="confidential quote")
    url = f"/p/{idea.product.slug}/ideas/{idea.pk}/"
    client.force_login(make_user())
    html = client.get(url).content.decode()
    assert "Secret Bank" not in html
    assert "confidential quote" not in html
    assert "Revenue at stake" not in html
    client.force_login(sales)
    html = client.get(url).content.decode()
    assert "Secret Bank" in html
    assert "confidential quote" in html


def test_idea_page_query_count_does_not_grow_with_accounts(client: Client, sales: User) -> None:
    """Guards against an N+1 over the demand panel's accounts, recorders and contacts."""
    idea = make_idea()
    url = f"/p/{idea.product.slug}/ideas/{idea.pk}/"
    client.force_login(sales)
    _proxy(idea, make_account(), sales)
    small = _queries(client, url)
    for n in range(12):
        account = make_account(domains=[f"many{n}.test"])
        _proxy(idea, account, make_user(role=Role.SALES), note=f"quote {n}")
        services.vote_cast(idea=idea, user=make_user(email=f"u@many{n}.test"))
    assert _queries(client, url) == small


def test_my_accounts_lists_each_owned_accounts_requests(client: Client, sales: User) -> None:
    acme = make_account(name="Acme", domains=["acme.test"], owner=sales, arr=50_000)
    make_account(name="Not mine", owner=make_user(role=Role.SALES))
    asked_by_proxy = make_idea(title="Audit log")
    asked_by_users = make_idea(title="Dark mode", author=make_user(email="ann@acme.test"))
    Idea.objects.filter(pk=asked_by_users.pk).update(status=Status.UNDER_REVIEW)
    _proxy(asked_by_proxy, acme, sales, importance="deal_blocker")
    client.force_login(sales)
    html = client.get("/sales/").content.decode()
    assert "Acme" in html
    assert "Not mine" not in html
    assert "Audit log" in html
    assert "Dark mode" in html
    html = client.get("/sales/?importance=deal_blocker").content.decode()
    assert "Audit log" in html
    assert "Dark mode" not in html
    html = client.get("/sales/?status=under_review").content.decode()
    assert "Dark mode" in html
    assert "Audit log" not in html
    services.idea_decline(
        idea=asked_by_proxy,
        by=make_user(role=Role.ADMIN),
        kind="out_of_scope",
        reason="Out of scope: we integrate with your SIEM instead.",
    )
    html = client.get(f"/sales/accounts/{acme.pk}/").content.decode()
    assert "Out of scope: we integrate with your SIEM instead." in html
    assert "Audit log" in html
    assert "$50,000 ARR" in html


def test_my_accounts_query_count_does_not_grow_with_accounts_and_ideas(
    client: Client, sales: User
) -> None:
    """Guards against an N+1 over accounts, requested ideas and their products."""
    client.force_login(sales)
    first = make_account(owner=sales, domains=["first.test"])
    _proxy(make_idea(), first, sales)
    make_idea(author=make_user(email="x@first.test"))
    small = _queries(client, "/sales/")
    for n in range(8):
        account = make_account(owner=sales, domains=[f"a{n}.test"])
        _proxy(make_idea(product=make_product()), account, sales)
        make_idea(author=make_user(email=f"x@a{n}.test"))
    assert _queries(client, "/sales/") == small


def test_sales_pages_are_404_for_customers_and_visitors(client: Client) -> None:
    account = make_account()
    for url in ["/sales/", "/sales/record/", f"/sales/accounts/{account.pk}/"]:
        assert client.get(url).status_code == 404, url
    client.force_login(make_user())
    for url in ["/sales/", "/sales/record/", f"/sales/accounts/{account.pk}/"]:
        assert client.get(url).status_code == 404, url


def test_quick_record_finds_ideas_and_offers_a_new_one_for_the_account(
    client: Client, sales: User
) -> None:
    account = make_account(name="Northwind", domains=["northwind.test"])
    idea = make_idea(title="Export reports to Excel", problem="Finance needs spreadsheets")
    client.force_login(sales)
    html = client.get("/sales/record/?account=northwind&q=excel+export").content.decode()
    proxy_url = f"/p/{idea.product.slug}/ideas/{idea.pk}/proxy-votes/?account={account.pk}"
    assert proxy_url in html
    assert f"?account={account.pk}&amp;title=excel%20export" in html
    # "New idea" with the account: after submitting, the proxy form opens pre-filled.
    response = client.post(
        f"/p/{idea.product.slug}/ideas/new/?account={account.pk}",
        {
            "title": "Excel export of timesheets",
            "problem": "They asked on the call.",
            "importance": "important",
        },
    )
    new = Idea.objects.get(title="Excel export of timesheets")
    assert response["Location"] == (
        f"/p/{idea.product.slug}/ideas/{new.pk}/proxy-votes/?account={account.pk}"
    )
    form_html = client.get(response["Location"]).content.decode()
    assert 'value="Northwind"' in form_html


def test_a_named_contact_sees_the_proxy_vote_among_their_votes_and_withdraws(
    client: Client, sales: User
) -> None:
    account = make_account(name="Acme", domains=["acme.test"])
    contact = make_user(email="ann@acme.test")
    idea = make_idea(title="Gantt view")
    proxy = _proxy(idea, account, sales, contact=contact)
    client.force_login(contact)
    url = f"/p/{idea.product.slug}/my-votes/"
    html = client.get(url).content.decode()
    assert "Gantt view" in html
    assert "For Acme" in html
    client.post(
        f"/p/{idea.product.slug}/ideas/{idea.pk}/proxy-votes/{proxy.pk}/withdraw/",
        {"next": url},
    )
    assert not ProxyVote.objects.exists()
    assert Idea.objects.get(pk=idea.pk).account_count == 0


def test_weekly_digest_tells_sales_what_changed_with_the_reason(sales: User) -> None:
    acme = make_account(name="Acme", owner=sales)
    idea = make_idea(title="Audit log")
    quiet = make_idea(title="Untouched idea")
    _proxy(idea, acme, sales)
    _proxy(quiet, acme, sales)
    pm = make_user(role=Role.ADMIN)
    services.idea_set_status(
        idea=idea, status=Status.UNDER_REVIEW, by=pm, note="Sizing it for next quarter."
    )
    email = services.sales_digest_send(user=sales)
    assert email is not None
    assert email.to == "sam@vendor.test"
    assert "Audit log" in email.body_text
    assert "New -> Under review" in email.body_text
    assert "Why: Sizing it for next quarter." in email.body_text
    assert "Untouched idea" not in email.body_text
    assert "/sales/digest/unsubscribe/" in email.body_text
    # The same week never gets a second digest.
    assert services.sales_digest_send(user=sales) == email
    assert OutboundEmail.objects.filter(reason="sales_digest").count() == 1


def test_no_digest_when_nothing_changed(sales: User) -> None:
    acme = make_account(owner=sales)
    idea = make_idea()
    _proxy(idea, acme, sales)
    services.idea_set_status(idea=idea, status=Status.PLANNED, by=make_user(role=Role.ADMIN))
    later = timezone.now() + timedelta(days=8)  # the change is older than a week by then
    assert services.sales_digest_send(user=sales, now=later) is None
    assert services.sales_digests_send_all(now=later) == 0
    assert not OutboundEmail.objects.filter(reason="sales_digest").exists()


def test_the_signed_unsubscribe_link_stops_the_digest(client: Client, sales: User) -> None:
    token = services.sales_digest_unsubscribe_token(sales)
    url = f"/sales/digest/unsubscribe/{token}/"
    assert "Stop the Monday email" in client.get(url).content.decode()
    assert User.objects.get(pk=sales.pk).sales_digest  # a GET (link preview) changes nothing
    assert "Done" in client.post(url).content.decode()
    assert not User.objects.get(pk=sales.pk).sales_digest
    assert client.post("/sales/digest/unsubscribe/forged-token/").status_code == 400
    acme = make_account(owner=sales)
    idea = make_idea()
    _proxy(idea, acme, sales)
    services.idea_set_status(idea=idea, status=Status.PLANNED, by=make_user(role=Role.ADMIN))
    assert services.sales_digest_send(user=User.objects.get(pk=sales.pk)) is None


def test_revenue_figures_on_the_page_add_up(client: Client, sales: User) -> None:
    a = make_account(name="A", domains=["a.test"], arr=1_000)
    b = make_account(name="B", domains=["b.test"], arr=2_000)
    idea = make_idea(author=make_user(email="x@a.test"))
    _proxy(idea, a, sales, opportunity_value=Decimal("300"))
    _proxy(idea, b, sales)
    client.force_login(sales)
    html = client.get(f"/p/{idea.product.slug}/ideas/{idea.pk}/").content.decode()
    assert "$3,300" in html


def test_idea_ranks_count_higher_scores_within_each_product() -> None:
    first, second = make_product(), make_product()
    a, b, c = (make_idea(product=first) for _ in range(3))
    d = make_idea(product=second)
    for idea, score in [(a, 80.0), (b, 50.0), (c, 50.0), (d, 10.0)]:
        Idea.objects.filter(pk=idea.pk).update(score=score)
    assert idea_ranks(idea_ids=[a.pk, b.pk, c.pk, d.pk]) == {a.pk: 1, b.pk: 2, c.pk: 2, d.pk: 1}
    assert idea_ranks(idea_ids=[]) == {}


def test_my_accounts_pages_accounts_and_shows_each_ones_first_requests(
    client: Client, sales: User
) -> None:
    """Five accounts a page, five requests each with a link to all of them; the account's
    page lists its requests fifty at a time, highest importance first."""
    product = make_product()
    accounts = [make_account(owner=sales, name=f"Account {n:02}") for n in range(12)]
    busy = accounts[0]
    ideas = [make_idea(product=product, title=f"Request {n:02}") for n in range(55)]
    for idea in ideas[:7]:
        _proxy(idea, busy, sales)
    for idea in ideas[7:]:
        _proxy(idea, busy, sales, importance="nice_to_have")
    client.force_login(sales)

    first = client.get("/sales/").content.decode()
    assert first.count('class="card mb-3"') == 5
    assert "Account 04" in first
    assert "Account 05" not in first
    assert "All 55 requests of Account 00" in first
    assert first.count("Request ") == 5  # the five most important of the busy account
    assert "Page 1 of 3 · 12 accounts" in first
    second = client.get("/sales/?page=2").content.decode()
    assert "Account 05" in second
    assert "Account 09" in second
    assert "Account 00" not in second
    last = client.get("/sales/?page=3").content.decode()
    assert "Account 10" in last
    assert "Account 11" in last
    assert "Page 3 of 3 · 12 accounts" in last
    # An old link past the end shows the last page.
    assert "Account 11" in client.get("/sales/?page=7").content.decode()
    assert client.get("/sales/?page=abc").status_code == 200  # page 1

    page_one = client.get(f"/sales/accounts/{busy.pk}/").content.decode()
    assert page_one.count("Request ") == 50
    assert "1\N{EN DASH}50 of 55" in page_one
    page_two = client.get(f"/sales/accounts/{busy.pk}/?page=2").content.decode()
    assert page_two.count("Request ") == 5
    assert "51\N{EN DASH}55 of 55" in page_two


def test_requests_show_where_each_idea_is_on_the_roadmap_or_why_it_was_declined(
    client: Client, sales: User
) -> None:
    from roadmap.models import RoadmapItem

    pm = make_user(role=Role.PM)
    product = make_product(team=[pm])
    account = make_account(name="Acme", owner=sales)
    building, later, declined = (make_idea(product=product, title=t) for t in "ABC")
    for idea in (building, later, declined):
        _proxy(idea, account, sales)
    now_item = RoadmapItem.objects.create(
        product=product, title="Team name", public_title="Faster boards", horizon="now",
        status="in_progress",
    )  # fmt: skip
    now_item.ideas.add(building)
    RoadmapItem.objects.create(product=product, title="Exports", horizon="later").ideas.add(later)
    services.idea_decline(idea=declined, by=pm, kind="out_of_scope", reason="Not what we build.")

    client.force_login(sales)
    html = client.get("/sales/").content.decode()
    assert "Now</span> Faster boards (in progress)" in html
    assert "Later</span> Exports</td>" in html  # planned: no status after it
    assert "Declined:</span> Not what we build." in html
    assert html.count("Team name") == 0  # the public title is shown, not the team's
