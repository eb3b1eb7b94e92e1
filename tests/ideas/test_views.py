"""The portal pages as a customer uses them: list, submit, idea page, votes, comments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideas import selectors, services, spam
from ideas.models import Comment, Idea, Status
from portal.models import Product, User
from tests.factories import make_category, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db


def _ideas(product: Product, count: int, author: User) -> list[Idea]:
    return [make_idea(product=product, author=author) for _ in range(count)]


def _queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_portal_list_query_count_does_not_grow_with_ideas(client: Client) -> None:
    """Guards against an N+1 over categories, votes or comments in the idea rows."""
    product = make_product()
    category = make_category(product=product)
    author = make_user()
    for idea in _ideas(product, 10, author):
        Idea.objects.filter(pk=idea.pk).update(category=category)
    viewer = make_user()
    client.force_login(viewer)
    url = f"/p/{product.slug}/"
    small = _queries_for(client, url)
    for idea in _ideas(product, 90, author):
        Idea.objects.filter(pk=idea.pk).update(category=category)
        services.vote_cast(idea=idea, user=viewer)
    assert _queries_for(client, url) == small
    assert _queries_for(client, url + "?sort=trending&q=idea") == small


def test_idea_page_query_count_does_not_grow_with_comments(client: Client) -> None:
    """Guards against an N+1 over comment authors."""
    idea = make_idea()
    url = f"/p/{idea.product.slug}/ideas/{idea.pk}/"
    client.force_login(make_user())
    services.comment_add(idea=idea, author=make_user(), body="First")
    small = _queries_for(client, url)
    for n in range(20):
        services.comment_add(idea=idea, author=make_user(), body=f"Comment {n}")
    assert _queries_for(client, url) == small


def test_each_row_shows_title_status_category_votes_comments_and_whether_you_voted(
    client: Client,
) -> None:
    product = make_product()
    category = make_category(product=product, name="Integrations")
    voted = make_idea(product=product, title="Slack alerts", category=category)
    other = make_idea(product=product, title="Jira sync")
    services.comment_add(idea=other, author=make_user(), body="+1")
    viewer = make_user()
    services.vote_cast(idea=voted, user=viewer)
    client.force_login(viewer)
    html = client.get(f"/p/{product.slug}/").content.decode()
    assert "Slack alerts" in html
    assert "Integrations" in html
    assert "1 comment" in html
    assert "Withdraw your vote for “Slack alerts” (2 votes)" in html
    assert "Vote for “Jira sync” (1 vote)" in html


def test_sorts_top_new_and_trending(client: Client) -> None:
    product = make_product()
    now = timezone.now()
    old_popular = make_idea(product=product, title="Old popular idea")
    Idea.objects.filter(pk=old_popular.pk).update(created_at=now - timedelta(days=300))
    for _ in range(3):
        services.vote_cast(idea=old_popular, user=make_user())
    newest = make_idea(product=product, title="Brand new idea")
    Idea.objects.filter(pk=old_popular.pk).update(trending_score=0.0)

    def order(sort: str) -> list[str]:
        page = client.get(f"/p/{product.slug}/?sort={sort}").context["page"]
        return [i.title for i in page.ideas]

    assert order("top") == ["Old popular idea", "Brand new idea"]
    assert order("new") == ["Brand new idea", "Old popular idea"]
    assert order("trending")[0] == "Brand new idea"
    assert newest.pk


def test_keyset_pages_show_every_idea_once(client: Client) -> None:
    product = make_product()
    author = make_user()
    ideas = _ideas(product, selectors.PAGE_SIZE * 2 + 5, author)
    for n, idea in enumerate(ideas):
        Idea.objects.filter(pk=idea.pk).update(vote_count=n % 4)
    seen: list[int] = []
    url = f"/p/{product.slug}/?sort=top"
    pages = 0
    while url:
        response = client.get(url)
        seen += [i.pk for i in response.context["page"].ideas]
        next_url = response.context["next_url"]
        url = f"/p/{product.slug}/{next_url}" if next_url else ""
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(i.pk for i in ideas)


def test_filters_by_status_category_and_search(client: Client) -> None:
    product = make_product()
    reporting = make_category(product=product, name="Reporting", slug="reporting")
    make_idea(product=product, title="Export to Excel", category=reporting)
    reviewed = make_idea(product=product, title="Dark mode for the editor")
    Idea.objects.filter(pk=reviewed.pk).update(status=Status.UNDER_REVIEW)
    make_idea(product=product, title="Recurring tasks", problem="Every Monday we copy tasks.")

    def titles(query: str) -> set[str]:
        return {i.title for i in client.get(f"/p/{product.slug}/?{query}").context["page"].ideas}

    assert titles("category=reporting") == {"Export to Excel"}
    assert titles("status=under_review") == {"Dark mode for the editor"}
    assert titles("q=monday") == {"Recurring tasks"}
    assert titles("q=excel") == {"Export to Excel"}
    assert titles("status=nonsense&sort=bogus&after=garbage") == {
        "Export to Excel", "Dark mode for the editor", "Recurring tasks",
    }  # fmt: skip


def test_merged_and_unconfirmed_ideas_are_not_listed(client: Client) -> None:
    product = make_product(allow_anonymous_ideas=True)
    merged = make_idea(product=product, title="Merged away")
    Idea.objects.filter(pk=merged.pk).update(status=Status.MERGED)
    pending = services.idea_submit(
        product=product, author=None, title="Awaiting email", problem="P", author_email="a@b.test"
    ).idea
    html = client.get(f"/p/{product.slug}/").content.decode()
    assert "Merged away" not in html
    assert "Awaiting email" not in html
    assert client.get(f"/p/{product.slug}/ideas/{pending.pk}/").status_code == 404


def test_submitting_requires_sign_in_unless_the_product_allows_anonymous_ideas(
    client: Client,
) -> None:
    closed = make_product()
    response = client.get(f"/p/{closed.slug}/ideas/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    open_product = make_product(allow_anonymous_ideas=True)
    response = client.get(f"/p/{open_product.slug}/ideas/new/")
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_submitting_an_idea_shows_it_with_the_authors_vote(client: Client) -> None:
    product = make_product()
    category = make_category(product=product)
    author = make_user()
    client.force_login(author)
    response = client.post(
        f"/p/{product.slug}/ideas/new/",
        {
            "title": "  Two-way   Jira sync ",
            "problem": "We copy **every** ticket by hand.",
            "importance": "critical",
            "workaround": "Copy and paste",
            "category": category.pk,
        },
        follow=True,
    )
    idea = Idea.objects.get()
    assert response.redirect_chain[-1][0] == f"/p/{product.slug}/ideas/{idea.pk}/"
    assert (idea.title, idea.author, idea.vote_count) == ("Two-way Jira sync", author, 1)
    html = response.content.decode()
    assert "<strong>every</strong>" in html
    assert "Your idea is posted" in html


@pytest.mark.parametrize(
    ("title", "problem", "field", "message"),
    [
        ("Tiny", "A real problem", "title", "at least 5 characters"),
        ("x" * 141, "A real problem", "title", "140 characters or fewer"),
        ("A fine title", "", "problem", "Tell us what you are trying to do"),
        ("A fine title", "p" * 10_001, "problem", "10,000 characters or fewer"),
    ],
)
def test_invalid_input_shows_a_message_beside_the_field_and_keeps_what_was_typed(
    client: Client, title: str, problem: str, field: str, message: str
) -> None:
    product = make_product()
    client.force_login(make_user())
    response = client.post(
        f"/p/{product.slug}/ideas/new/",
        {
            "title": title,
            "problem": problem,
            "importance": "important",
            "workaround": "Spreadsheets",
        },
    )
    assert response.status_code == 200
    assert not Idea.objects.exists()
    html = response.content.decode()
    assert message in html
    assert f'id="error_1_id_{field}"' in html
    assert "Spreadsheets" in html
    assert title[:50] in html


def test_script_in_title_and_problem_never_reaches_a_page_unescaped(client: Client) -> None:
    product = make_product()
    evil = "<script>alert('x')</script>"
    idea = make_idea(
        product=product,
        title=f"Export {evil}",
        problem=f"Problem {evil} <img src=x onerror=alert(1)> [link](javascript:alert(1))",
    )
    services.comment_add(idea=idea, author=make_user(), body=f"Comment {evil}")
    for url in [f"/p/{product.slug}/", f"/p/{product.slug}/ideas/{idea.pk}/"]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "javascript:" not in html
        assert "&lt;script&gt;alert" in html


def test_similar_ideas_appear_for_a_title_being_typed(client: Client) -> None:
    product = make_product()
    make_idea(product=product, title="Dark mode", problem="The white screen hurts at night.")
    make_idea(product=product, title="Export to Excel", problem="Finance wants spreadsheets.")
    other_product = make_product()
    make_idea(product=other_product, title="Dark theme please", problem="Night.")
    response = client.get(f"/p/{product.slug}/ideas/similar/?title=dark+theme+for+the+app")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dark mode" in html
    assert "Export to Excel" not in html
    assert "Dark theme please" not in html
    assert "<html" not in html, "the htmx endpoint returns only the partial"
    assert client.get(f"/p/{product.slug}/ideas/similar/?title=").content.strip() == b""


def test_vote_and_unvote_without_javascript(client: Client) -> None:
    idea = make_idea()
    url = f"/p/{idea.product.slug}/ideas/{idea.pk}/"
    client.force_login(make_user())
    response = client.post(f"{url}vote/", {"action": "vote", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert Idea.objects.get(pk=idea.pk).vote_count == 2
    client.post(f"{url}vote/", {"action": "unvote", "next": "https://evil.example/"})
    assert Idea.objects.get(pk=idea.pk).vote_count == 1


def test_vote_with_htmx_returns_the_updated_button(client: Client) -> None:
    idea = make_idea(title="Slack alerts")
    client.force_login(make_user())
    response = client.post(
        f"/p/{idea.product.slug}/ideas/{idea.pk}/vote/", {"action": "vote"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Withdraw your vote for “Slack alerts” (2 votes)" in html
    assert "<html" not in html


def test_anonymous_vote_is_sent_to_sign_in(client: Client) -> None:
    idea = make_idea()
    url = f"/p/{idea.product.slug}/ideas/{idea.pk}/vote/"
    response = client.post(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")
    assert Idea.objects.get(pk=idea.pk).vote_count == 1


def test_commenting_and_bad_comment_input(client: Client) -> None:
    idea = make_idea()
    url = f"/p/{idea.product.slug}/ideas/{idea.pk}/"
    client.force_login(make_user(name="Rita"))
    response = client.post(f"{url}comments/", {"body": ""})
    assert response.status_code == 400
    assert "Write something before posting." in response.content.decode()
    response = client.post(f"{url}comments/", {"body": "We need it for *SOC 2*"}, follow=True)
    assert "<em>SOC 2</em>" in response.content.decode()
    assert Comment.objects.select_related("author").get().author == User.objects.get(name="Rita")


def test_internal_comments_are_hidden_from_customers(client: Client) -> None:
    idea = make_idea()
    services.comment_add(
        idea=idea, author=make_user(role="pm"), body="Secret pricing talk", is_internal=True
    )
    url = f"/p/{idea.product.slug}/ideas/{idea.pk}/"
    assert "Secret pricing talk" not in client.get(url).content.decode()
    client.force_login(make_user(role="sales"))
    assert "Secret pricing talk" in client.get(url).content.decode()


def test_follow_and_unfollow(client: Client) -> None:
    idea = make_idea()
    user = make_user()
    client.force_login(user)
    url = f"/p/{idea.product.slug}/ideas/{idea.pk}/follow/"
    client.post(url, {"action": "follow"})
    assert idea.follows.filter(user=user).exists()
    client.post(url, {"action": "unfollow"})
    assert not idea.follows.filter(user=user).exists()


def test_home_redirects_to_the_only_portal(client: Client) -> None:
    product = make_product()
    assert client.get("/")["Location"] == f"/p/{product.slug}/"
    make_product(name="Second")
    assert "Second" in client.get("/").content.decode()


def test_a_filled_honeypot_keeps_nothing_but_looks_like_success(client: Client) -> None:
    product = make_product()
    client.force_login(make_user())
    response = client.post(
        f"/p/{product.slug}/ideas/new/",
        {"title": "Cheap pills", "problem": "Buy now", "importance": "important", "website": "x"},
    )
    assert response.status_code == 302
    assert not Idea.objects.exists()


def test_too_many_ideas_in_an_hour_are_held_back_with_what_was_typed(client: Client) -> None:
    cache.clear()
    product = make_product()
    client.force_login(make_user(email="busy@example.test"))
    form = {"problem": "A real need", "importance": "important"}
    for n in range(spam.IDEAS_PER_HOUR):
        response = client.post(f"/p/{product.slug}/ideas/new/", {**form, "title": f"Idea {n:02}"})
        assert response.status_code == 302
    response = client.post(f"/p/{product.slug}/ideas/new/", {**form, "title": "One more idea"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Please wait a little" in html
    assert "One more idea" in html
    assert Idea.objects.count() == spam.IDEAS_PER_HOUR
    cache.clear()


def test_similar_ideas_rank_an_idea_with_every_word_above_a_more_voted_one_with_one() -> None:
    product = make_product()
    popular = make_idea(product=product, title="Mobile app", problem="Everything on the phone.")
    Idea.objects.filter(pk=popular.pk).update(vote_count=500)
    exact = make_idea(product=product, title="Offline mode for the mobile app", problem="Trains.")
    make_idea(product=product, title="Invoices in euros", problem="Finance.")
    found = selectors.similar_ideas(product=product, text="offline mobile app")
    assert [idea.pk for idea in found][:2] == [exact.pk, popular.pk]
    assert len(found) == 2
