"""The PM dashboard as a PM uses it, and who may not use it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ideas import services
from ideas.models import Decision, Idea, ReplyTemplate, Status
from portal.models import Product, Role, User
from tests.factories import make_category, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm() -> User:
    return make_user(role=Role.PM, name="Pat")


@pytest.fixture
def product(pm: User) -> Product:
    return make_product(team=[pm])


@pytest.fixture
def pm_client(client: Client, pm: User) -> Client:
    client.force_login(pm)
    return client


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_every_pm_page_and_action_is_404_to_everyone_but_the_products_pms(
    client: Client, product: Product
) -> None:
    idea = make_idea(product=product)
    other = make_idea(product=product)
    merge = services.idea_merge(source=other, target=idea, by=make_user(role=Role.ADMIN))
    base = f"/pm/{product.slug}"
    pages = [f"{base}/", f"{base}/ideas/{idea.pk}/", f"{base}/ideas/{idea.pk}/similar/"]
    actions = [
        f"{base}/bulk/",
        f"{base}/ideas/{idea.pk}/status/",
        f"{base}/ideas/{idea.pk}/decline/",
        f"{base}/ideas/{idea.pk}/merge/",
        f"{base}/merges/{merge.pk}/undo/",
        f"{base}/ideas/{idea.pk}/assign/",
        f"{base}/ideas/{idea.pk}/themes/",
        f"{base}/ideas/{idea.pk}/approve/",
        f"{base}/ideas/{idea.pk}/comment/",
    ]
    visitors = [
        None,
        make_user(),
        make_user(role=Role.SALES),
        make_user(role=Role.PM),  # PM of another product
    ]
    for visitor in visitors:
        client.logout()
        if visitor is not None:
            client.force_login(visitor)
        for url in pages:
            assert client.get(url).status_code == 404, (visitor, url)
        for url in actions:
            assert client.post(url, {"status": "planned", "body": "x"}).status_code == 404, url
    assert Idea.objects.get(pk=idea.pk).status == Status.NEW
    client.force_login(make_user(role=Role.ADMIN))
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_inbox_shows_new_ideas_oldest_first_with_demand(
    pm_client: Client, product: Product, pm: User
) -> None:
    older = make_idea(product=product, title="Older idea")
    newer = make_idea(product=product, title="Newer idea")
    reviewed = make_idea(product=product, title="Reviewed idea")
    services.idea_set_status(idea=reviewed, status=Status.UNDER_REVIEW, by=pm)
    page = pm_client.get(f"/pm/{product.slug}/")
    assert [i.title for i in page.context["ideas"]] == ["Older idea", "Newer idea"]
    html = page.content.decode()
    assert "Reviewed idea" not in html
    assert f"/pm/{product.slug}/ideas/{older.pk}/similar/" in html
    any_status = pm_client.get(f"/pm/{product.slug}/?status=")
    assert {i.pk for i in any_status.context["ideas"]} == {older.pk, newer.pk, reviewed.pk}


def test_inbox_filters(pm_client: Client, product: Product, pm: User) -> None:
    category = make_category(product=product, name="Reporting", slug="reporting")
    a = make_idea(product=product, title="Export to Excel", category=category)
    b = make_idea(product=product, title="Dark mode")
    theme = services.theme_create(product=product, name="Looks", by=pm)
    services.ideas_tag(ideas=[b], theme=theme, by=pm)
    services.idea_assign(idea=a, assignee=pm, by=pm)

    def titles(query: str) -> set[str]:
        return {i.title for i in pm_client.get(f"/pm/{product.slug}/?{query}").context["ideas"]}

    assert titles("category=reporting") == {"Export to Excel"}
    assert titles("theme=looks") == {"Dark mode"}
    assert titles(f"assignee={pm.pk}") == {"Export to Excel"}
    assert titles("assignee=none") == {"Dark mode"}
    assert titles("q=excel") == {"Export to Excel"}
    assert titles("since=2000-01-01&until=2999-01-01") == {"Export to Excel", "Dark mode"}
    assert titles("since=not-a-date") == {"Export to Excel", "Dark mode"}


def test_inbox_query_count_does_not_grow_with_ideas(
    pm_client: Client, product: Product, pm: User
) -> None:
    """Guards against an N+1 over categories, assignees, authors and themes in the rows."""
    theme = services.theme_create(product=product, name="T", by=pm)
    category = make_category(product=product)

    def add(n: int) -> None:
        for _ in range(n):
            idea = make_idea(product=product, category=category)
            services.ideas_tag(ideas=[idea], theme=theme, by=pm)
            services.idea_assign(idea=idea, assignee=pm, by=pm)

    add(2)
    small = _queries(pm_client, f"/pm/{product.slug}/")
    add(15)
    assert _queries(pm_client, f"/pm/{product.slug}/") == small


def test_setting_a_status_from_the_inbox_with_htmx(pm_client: Client, product: Product) -> None:
    idea = make_idea(product=product)
    response = pm_client.post(
        f"/pm/{product.slug}/ideas/{idea.pk}/status/",
        {"status": "under_review"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'value="under_review" selected' in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).status == Status.UNDER_REVIEW


def test_declining_from_the_idea_page(pm_client: Client, product: Product) -> None:
    idea = make_idea(product=product)
    url = f"/pm/{product.slug}/ideas/{idea.pk}/decline/"
    response = pm_client.post(url, {"kind": "not_now", "reason": "", "workaround": "Typed"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why: everyone who asked will read it." in html
    assert "Typed" in html
    assert not Decision.objects.exists()
    response = pm_client.post(
        url,
        {"kind": "not_now", "reason": "Security first this quarter.", "revisit_on": "2099-01-01"},
        follow=True,
    )
    assert "Everyone who asked will get the decision" in response.content.decode()
    public = pm_client.get(f"/p/{product.slug}/ideas/{idea.pk}/").content.decode()
    assert "Our decision: not now" in public
    assert "Security first this quarter." in public


def test_a_reply_template_fills_an_empty_reason_without_javascript(
    pm_client: Client, product: Product
) -> None:
    template = ReplyTemplate.objects.create(
        kind="already_possible", name="Possible", reason="You can already.", workaround="Steps"
    )
    idea = make_idea(product=product)
    pm_client.post(
        f"/pm/{product.slug}/ideas/{idea.pk}/decline/",
        {"kind": "already_possible", "template": template.pk, "reason": ""},
    )
    decision = Decision.objects.get()
    assert (decision.reason, decision.workaround) == ("You can already.", "Steps")


def test_merge_form_refusals_are_explained(pm_client: Client, product: Product, pm: User) -> None:
    idea = make_idea(product=product)
    gone = make_idea(product=product)
    services.idea_merge(source=gone, target=make_idea(product=product), by=pm)
    url = f"/pm/{product.slug}/ideas/{idea.pk}/merge/"
    for target, message in [
        (idea.pk, "cannot be merged into itself"),
        (gone.pk, "was itself merged"),
        (make_idea().pk, "There is no idea"),
    ]:
        response = pm_client.post(url, {"target": target})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).status == Status.NEW


def test_merged_idea_redirects_to_the_survivor_but_keeps_its_comments(
    client: Client, product: Product, pm: User
) -> None:
    survivor = make_idea(product=product, title="Dark mode")
    duplicate = make_idea(product=product, title="Dark theme")
    services.comment_add(idea=duplicate, author=make_user(), body="Old words")
    services.idea_merge(source=duplicate, target=survivor, by=pm)
    response = client.get(f"/p/{product.slug}/ideas/{duplicate.pk}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/p/{product.slug}/ideas/{survivor.pk}/"
    html = response.content.decode()
    assert "“Dark theme” was merged into this idea" in html
    assert f"/ideas/{duplicate.pk}/?merged=1" in html
    old = client.get(f"/p/{product.slug}/ideas/{duplicate.pk}/?merged=1").content.decode()
    assert "Old words" in old


def test_bulk_actions(pm_client: Client, product: Product, pm: User) -> None:
    a, b, c = (make_idea(product=product) for _ in range(3))
    url = f"/pm/{product.slug}/bulk/"
    pm_client.post(url, {"ideas": [a.pk, b.pk], "action": "status", "status": "planned"})
    assert Idea.objects.filter(status=Status.PLANNED).count() == 2
    pm_client.post(url, {"ideas": [a.pk, c.pk], "action": "assign", "assignee": pm.pk})
    assert set(Idea.objects.filter(assignee=pm).values_list("pk", flat=True)) == {a.pk, c.pk}
    theme = services.theme_create(product=product, name="Reports", by=pm)
    pm_client.post(url, {"ideas": [b.pk], "action": "tag", "theme": theme.pk})
    assert list(theme.ideas.all()) == [b]
    pm_client.post(url, {"ideas": [a.pk, b.pk], "action": "merge", "target": c.pk})
    assert set(Idea.objects.filter(merged_into=c).values_list("pk", flat=True)) == {a.pk, b.pk}
    response = pm_client.post(url, {"action": "status", "status": "planned"}, follow=True)
    assert "Select at least one idea first." in response.content.decode()


def test_internal_notes_stay_internal(pm_client: Client, product: Product) -> None:
    idea = make_idea(product=product)
    pm_client.post(f"/pm/{product.slug}/ideas/{idea.pk}/comment/", {"body": "Secret roadmap"})
    pm_client.logout()
    assert (
        "Secret roadmap"
        not in pm_client.get(f"/p/{product.slug}/ideas/{idea.pk}/").content.decode()
    )
