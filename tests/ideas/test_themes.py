"""Themes: the grouping of ideas by what they say, per-theme demand and trend, the
suggestions page, one-click accept, and who may see any of it."""

from __future__ import annotations

import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideas import services, theme_selectors, theme_tasks
from ideas.models import Idea, Status, Theme, Vote
from ideas.theme_selectors import CachedSuggestions
from ideas.themes import IdeaText, stem, suggest_groups
from portal.models import Account, Product, Role, User
from tests.factories import make_account, make_idea, make_product, make_user

EXCEL = [
    ("Export reports to Excel", "Finance copies every report into Excel spreadsheets by hand."),
    ("Excel export for reports", "We need the monthly reports as Excel files for the board."),
    ("Export a report as an Excel spreadsheet", "Our auditors only accept Excel exports."),
]
DARK = [
    ("Dark mode", "The white editor is blinding on night shifts; a dark theme would help."),
    ("Dark theme for the editor", "Night shifts again: please give us a dark mode."),
    ("Dark mode for the web app", "Our support staff work at night and want a dark theme."),
]
SSO = [
    ("Single sign-on with Okta", "IT requires Okta SAML single sign-on for every tool."),
    ("Okta SAML login", "Sign on through Okta so we can offboard people in one place."),
    ("SAML single sign-on", "Security review blocks us until SAML sign-on through Okta works."),
]
UNRELATED = [
    ("Recurring tasks", "Every Monday we copy the same checklist by hand."),
    ("Gantt chart of milestones", "Planning a launch needs a timeline of milestones."),
    ("Bulk API endpoints", "Our sync script hits rate limits updating tasks one by one."),
    ("Slack notifications", "Post an update to a Slack channel when a task changes."),
    ("Offline mobile app", "Field engineers lose signal in basements."),
    ("Custom fields on tasks", "We track a budget code on every task."),
    ("Time tracking per task", "Contractors bill hours and log them elsewhere today."),
    ("Two-factor authentication", "Our insurer asks for 2FA on all accounts."),
]


def _texts(*sets: list[tuple[str, str]]) -> list[IdeaText]:
    rows = [row for rows in sets for row in rows]
    return [IdeaText(id=n, title=title, body=body) for n, (title, body) in enumerate(rows, 1)]


# --- The grouping (no database) ----------------------------------------------------------


def test_stemming_joins_plurals_and_verb_forms() -> None:
    assert stem("exports") == stem("exporting") == stem("exported") == stem("export")
    assert stem("reports") == stem("report")
    assert stem("queries") == stem("query")


def test_near_duplicates_are_grouped_and_unrelated_ideas_kept_apart() -> None:
    texts = _texts(EXCEL, UNRELATED[:4], DARK, UNRELATED[4:], SSO)
    by_title = {t.title: t.id for t in texts}
    groups = suggest_groups(texts)
    assert sorted(sorted(g.ids) for g in groups) == sorted(
        sorted(by_title[title] for title, _ in rows) for rows in (EXCEL, DARK, SSO)
    )
    names = {frozenset(g.ids): g.name.lower() for g in groups}
    assert {"excel", "export"} & set(names[frozenset(by_title[t] for t, _ in EXCEL)].split())
    assert "dark" in names[frozenset(by_title[t] for t, _ in DARK)].split()


def test_groups_keep_the_order_given_and_come_largest_first() -> None:
    four_dark = [*DARK, ("Dark mode on mobile", "Night shifts: a dark theme on phones too.")]
    texts = _texts(EXCEL, UNRELATED, four_dark)
    groups = suggest_groups(texts)
    assert [len(g.ids) for g in groups] == [4, 3]
    assert list(groups[0].ids) == sorted(groups[0].ids)


def test_pairs_are_not_a_group_and_nothing_in_gives_nothing_out() -> None:
    assert suggest_groups(_texts(EXCEL[:2], DARK[:2], UNRELATED)) == []
    assert suggest_groups([]) == []


# --- Per-theme figures -------------------------------------------------------------------


def _product() -> Product:
    """A product with one PM, and nothing cached for it: the cache is the test Redis,
    which outlives each test's transaction (and is the broker too, so never flushed)."""
    product = make_product(team=[make_user(role=Role.PM)])
    cache.delete_many(
        [
            theme_selectors.suggestions_cache_key(product.pk),
            theme_selectors.suggestions_queued_key(product.pk),
        ]
    )
    return product


def _pm(product: Product) -> User:
    user = product.team.get(role=Role.PM)
    assert isinstance(user, User)
    return user


def _themed(product: Product, name: str, ideas: list[Idea]) -> Theme:
    pm = _pm(product)
    theme = services.theme_create(product=product, name=name, by=pm)
    services.ideas_tag(ideas=ideas, theme=theme, by=pm)
    return theme


def _proxy(idea: Idea, account: Account, **fields: Any) -> None:
    services.proxy_vote_record(
        idea=idea,
        account=account,
        recorded_by=make_user(role=Role.SALES),
        importance="critical",
        source="call",
        **fields,
    )


@pytest.mark.django_db
def test_theme_figures_count_each_voter_and_account_once_and_open_opportunities() -> None:
    product = _product()
    acme = make_account(name="Acme", arr=100_000, domains=["acme.test"])
    bolt = make_account(name="Bolt", arr=50_000, domains=["bolt.test"])
    cove = make_account(name="Cove", arr=20_000, domains=["cove.test"])
    dune = make_account(name="Dune", arr=999_000, domains=["dune.test"])
    ann, amy = make_user(email="ann@acme.test"), make_user(email="amy@acme.test")
    bob = make_user(email="bob@bolt.test")
    solo = make_user()  # no account
    # Each author's own vote counts: ann, bob and solo voted for their ideas.
    first = make_idea(product=product, author=ann)
    second = make_idea(product=product, author=bob)
    third = make_idea(product=product, author=solo)
    merged = make_idea(product=product, author=make_user(email="dee@dune.test"))
    services.vote_cast(idea=first, user=amy)
    services.vote_cast(idea=second, user=amy)
    services.vote_cast(idea=first, user=solo)
    today = timezone.localdate()
    _proxy(first, cove, opportunity_value=Decimal(5_000))  # open: no close date
    _proxy(second, acme, opportunity_value=Decimal(7_000), expected_close_date=today - timedelta(1))
    _proxy(second, bolt, opportunity_value=Decimal(3_000), expected_close_date=today)
    _proxy(third, acme)
    # A merged idea's votes moved to its survivor: it no longer counts under the theme.
    _proxy(merged, dune, opportunity_value=Decimal(1_000))
    Idea.objects.filter(pk=merged.pk).update(status=Status.MERGED)
    platform = _themed(product, "Platform", [first, second, merged])
    solo_theme = _themed(product, "Solo", [third])
    empty = services.theme_create(product=product, name="Empty", by=_pm(product))

    rows = {r.theme.pk: r for r in theme_selectors.theme_rows(product=product)}

    one = rows[platform.pk]
    assert (one.ideas, one.voters, one.accounts) == (2, 4, 3)  # ann amy bob solo; A B C
    assert one.revenue_at_stake == Decimal(100_000 + 50_000 + 20_000 + 5_000 + 3_000)
    two = rows[solo_theme.pk]
    assert (two.ideas, two.voters, two.accounts, two.revenue_at_stake) == (
        1,
        1,
        1,
        Decimal(100_000),
    )
    none = rows[empty.pk]
    assert (none.ideas, none.voters, none.accounts, none.revenue_at_stake) == (0, 0, 0, Decimal(0))
    assert [r.theme.name for r in theme_selectors.theme_rows(product=product)] == [
        "Platform", "Solo", "Empty",
    ]  # fmt: skip


@pytest.mark.django_db
def test_the_trend_counts_votes_per_week_for_the_last_twelve_weeks() -> None:
    product = _product()
    idea = make_idea(product=product)
    elsewhere = make_idea(product=product)
    theme = _themed(product, "Reporting", [idea])
    Vote.objects.all().delete()

    def vote_at(at: datetime, on: Idea = idea) -> None:
        Vote.objects.create(idea=on, user=make_user(), created_at=at)

    vote_at(datetime(2024, 12, 22, 23, 59, tzinfo=UTC))  # Sunday before the first week
    vote_at(datetime(2024, 12, 23, 0, 0, tzinfo=UTC))  # first Monday of the window
    vote_at(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    vote_at(datetime(2025, 3, 9, 23, 59, tzinfo=UTC))  # Sunday: still the week of 3 March
    vote_at(datetime(2025, 3, 12, 8, 0, tzinfo=UTC))  # this week
    vote_at(datetime(2025, 3, 12, 8, 0, tzinfo=UTC), on=elsewhere)  # another theme's idea

    with time_machine.travel(datetime(2025, 3, 12, 12, 0, tzinfo=UTC), tick=False):
        (row,) = theme_selectors.theme_rows(product=product)

    assert row.theme == theme
    assert [w.starts for w in row.trend] == [
        date(2024, 12, 23) + timedelta(weeks=n) for n in range(12)
    ]
    assert [w.votes for w in row.trend] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1]
    assert row.trend_total == 4
    tallest = max(row.trend, key=lambda w: w.height)
    assert tallest.votes == 2
    assert tallest.y + tallest.height == theme_selectors.CHART_HEIGHT


# --- The themes page ---------------------------------------------------------------------


def _queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _theme_with_demand(product: Product, n: int) -> None:
    account = make_account(domains=[f"theme{n}-{product.pk}.test"])
    ideas = [
        make_idea(product=product, author=make_user(email=f"u{n}-{i}@theme{n}-{product.pk}.test"))
        for i in range(2)
    ]
    _proxy(ideas[0], account, opportunity_value=Decimal(1_000))
    services.vote_cast(idea=ideas[1], user=make_user())
    _themed(product, f"Theme {n}", ideas)


@pytest.mark.django_db
def test_themes_page_query_count_does_not_grow_with_themes(client: Client) -> None:
    """Guards against counting ideas, voters, accounts, revenue or the weekly trend per
    theme (or per idea) instead of in one aggregate query each."""
    product = _product()
    client.force_login(_pm(product))
    url = f"/pm/{product.slug}/themes/"
    for n in range(2):
        _theme_with_demand(product, n)
    small = _queries_for(client, url)
    for n in range(2, 10):
        _theme_with_demand(product, n)
    assert _queries_for(client, url) == small


@pytest.mark.django_db
def test_themes_page_shows_each_themes_figures_and_an_accessible_chart(client: Client) -> None:
    product = _product()
    account = make_account(arr=120_000, domains=["acme.test"])
    idea = make_idea(product=product, author=make_user(email="ann@acme.test"))
    _proxy(idea, account, opportunity_value=Decimal(30_000))
    _themed(product, "Reporting", [idea])
    client.force_login(_pm(product))
    response = client.get(f"/pm/{product.slug}/themes/")
    html = response.content.decode()
    assert response.context["pm_tab"] == "themes"
    assert "Reporting" in html
    assert "$150,000" in html
    assert html.count("<rect ") == 12
    assert "1 vote in the last 12 weeks, at most 1 in a week</title>" in html
    assert html.count("vote</li>") + html.count("votes</li>") == 12


@pytest.mark.django_db
def test_new_theme_is_created_and_bad_names_are_shown_beside_the_field(client: Client) -> None:
    product = _product()
    client.force_login(_pm(product))
    url = f"/pm/{product.slug}/themes/new/"

    response = client.post(url, {"name": "  Reporting   and exports "}, follow=True)
    assert Theme.objects.get(product=product).name == "Reporting and exports"
    assert "Theme “Reporting and exports” created" in response.content.decode()

    blank = client.post(url, {"name": "   "})
    assert blank.status_code == 400
    assert "Give the theme a name." in blank.content.decode()

    again = client.post(url, {"name": "reporting AND exports"})
    html = again.content.decode()
    assert again.status_code == 400
    assert "There is already a theme called “Reporting and exports”." in html
    assert 'value="reporting AND exports"' in html, "what was typed is kept"
    assert Theme.objects.filter(product=product).count() == 1


@pytest.mark.django_db
def test_theme_names_are_escaped(client: Client) -> None:
    product = _product()
    services.theme_create(product=product, name="<script>alert(1)</script>", by=_pm(product))
    client.force_login(_pm(product))
    html = client.get(f"/pm/{product.slug}/themes/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Suggestions -------------------------------------------------------------------------


def _ideas(product: Product, rows: list[tuple[str, str]], **fields: Any) -> list[Idea]:
    return [make_idea(product=product, title=t, problem=p, **fields) for t, p in rows]


@pytest.mark.django_db
def test_suggestions_leave_out_themed_settled_ideas_and_small_groups() -> None:
    product = _product()
    excel = _ideas(product, EXCEL)
    extra = _ideas(
        product,
        [
            ("Excel export of reports, please", "Reports as Excel spreadsheets, every month."),
            ("Reports to Excel", "Export the report to an Excel spreadsheet."),
            ("Excel spreadsheet export", "An Excel export of each report."),
            ("Export reports into Excel", "Excel export of the weekly report."),
        ],
    )
    for idea, status in zip(extra, [Status.DECLINED, Status.MERGED, Status.SHIPPED], strict=False):
        Idea.objects.filter(pk=idea.pk).update(status=status)
    dark = _ideas(product, DARK)
    _themed(product, "Looks", [dark[0], extra[3]])  # two dark ideas left: too few
    _ideas(product, UNRELATED)
    acme = make_account(name="Acme", arr=10, domains=["acme.test"])
    services.vote_cast(idea=excel[1], user=make_user(email="ann@acme.test"))
    _proxy(excel[2], make_account(name="Bolt", arr=20))
    _proxy(excel[0], acme)

    result = theme_tasks.theme_suggestions_refresh(product_id=product.pk)

    (group,) = result["groups"]
    assert sorted(group["idea_ids"]) == sorted(i.pk for i in excel)
    assert [Account.objects.get(pk=pk).name for pk in group["account_ids"]] == ["Bolt", "Acme"]
    assert result["ideas_considered"] == len(excel) + 2 + len(UNRELATED)
    assert theme_selectors.cached_suggestions(product_id=product.pk) == result


@pytest.mark.django_db
def test_suggestions_page_says_when_nothing_is_computed_yet(client: Client) -> None:
    product = _product()
    client.force_login(_pm(product))
    html = client.get(f"/pm/{product.slug}/themes/suggestions/").content.decode()
    assert "No suggestions yet" in html
    assert "Recompute suggestions</button>" in html


@pytest.mark.django_db
def test_recompute_queues_the_task_and_says_so(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    product = _product()
    queued: list[int] = []
    monkeypatch.setattr(theme_tasks.compute_theme_suggestions, "delay", queued.append)
    client.force_login(_pm(product))
    url = f"/pm/{product.slug}/themes/suggestions/"
    response = client.post(url, follow=True)
    assert queued == [product.pk]
    assert response.redirect_chain == [(url, 302)]
    html = response.content.decode()
    assert "Suggestions are being recomputed" in html
    assert "Recompute requested at" in html


def _cache_suggestion(product: Product, ideas: list[Idea], name: str) -> str:
    ids = [i.pk for i in ideas]
    key = theme_selectors.group_key(ids)
    cached: CachedSuggestions = {
        "version": theme_selectors.CACHE_VERSION,
        "computed_at": timezone.now(),
        "seconds": 0.1,
        "ideas_considered": len(ideas),
        "groups": [
            {"key": key, "name": name, "terms": ["excel"], "idea_ids": ids, "account_ids": []}
        ],
    }
    cache.set(theme_selectors.suggestions_cache_key(product.pk), cached)
    return key


@pytest.mark.django_db
def test_accept_creates_the_theme_and_tags_exactly_the_suggested_ideas(client: Client) -> None:
    product = _product()
    suggested = _ideas(product, EXCEL)
    others = _ideas(product, UNRELATED[:3])
    key = _cache_suggestion(product, suggested, "Excel export")
    client.force_login(_pm(product))
    page = client.get(f"/pm/{product.slug}/themes/suggestions/").content.decode()
    assert "Export reports to Excel" in page
    assert 'value="Excel export"' in page

    response = client.post(
        f"/pm/{product.slug}/themes/suggestions/accept/",
        {"group": key, "name": "Excel exports"},
        follow=True,
    )

    assert response.redirect_chain == [(f"/pm/{product.slug}/themes/", 302)]
    theme = Theme.objects.get(product=product)
    assert theme.name == "Excel exports"
    assert set(theme.ideas.all()) == set(suggested)
    assert not any(o.themes.exists() for o in others)
    assert "Theme “Excel exports” created with 3 ideas." in response.content.decode()
    after = client.get(f"/pm/{product.slug}/themes/suggestions/")
    assert after.context["page"].groups == [], "its ideas are themed now"


@pytest.mark.django_db
def test_accept_with_a_bad_name_keeps_what_was_typed_and_tags_nothing(client: Client) -> None:
    product = _product()
    suggested = _ideas(product, EXCEL)
    key = _cache_suggestion(product, suggested, "Excel export")
    services.theme_create(product=product, name="Reporting", by=_pm(product))
    client.force_login(_pm(product))
    url = f"/pm/{product.slug}/themes/suggestions/accept/"

    response = client.post(url, {"group": key, "name": "reporting"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "There is already a theme called “Reporting”." in html
    assert 'value="reporting"' in html
    assert not Idea.objects.filter(themes__isnull=False).exists()

    gone = client.post(url, {"group": "nope", "name": "Excel"}, follow=True)
    assert "That suggestion is no longer current" in gone.content.decode()
    assert Theme.objects.filter(product=product).count() == 1


@pytest.mark.django_db
def test_suggestions_page_query_count_does_not_grow_with_groups(client: Client) -> None:
    """Guards against loading each group's ideas or accounts in a query of its own."""
    product = _product()
    accounts = [make_account() for _ in range(3)]

    def cache_groups(count: int) -> None:
        groups = []
        for n in range(count):
            ideas = [make_idea(product=product, title=f"Group {n} idea {i}") for i in range(3)]
            ids = [i.pk for i in ideas]
            groups.append(
                {
                    "key": theme_selectors.group_key(ids),
                    "name": f"Group {n}",
                    "terms": [],
                    "idea_ids": ids,
                    "account_ids": [a.pk for a in accounts],
                }
            )
        cache.set(
            theme_selectors.suggestions_cache_key(product.pk),
            {
                "version": theme_selectors.CACHE_VERSION,
                "computed_at": timezone.now(),
                "seconds": 0.1,
                "ideas_considered": count * 3,
                "groups": groups,
            },
        )

    client.force_login(_pm(product))
    url = f"/pm/{product.slug}/themes/suggestions/"
    cache_groups(2)
    small = _queries_for(client, url)
    cache_groups(10)
    assert _queries_for(client, url) == small
    assert len(client.get(url).context["page"].groups) == 10


# --- Who may see it ----------------------------------------------------------------------


def _visitor(kind: str, product: Product) -> User | None:
    if kind == "anonymous":
        return None
    if kind == "pm of the product":
        return _pm(product)
    if kind == "pm of another product":
        return _pm(make_product(team=[make_user(role=Role.PM)]))
    role = {"customer": Role.CUSTOMER, "sales": Role.SALES, "admin": Role.ADMIN}[kind]
    user = make_user(role=role)
    if kind == "sales":
        product.team.add(user)  # on the product's team, yet not a PM
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        ("anonymous", False),
        ("customer", False),
        ("sales", False),
        ("pm of another product", False),
        ("pm of the product", True),
        ("admin", True),
    ],
)
def test_only_the_products_pms_and_admins_reach_themes(
    client: Client, monkeypatch: pytest.MonkeyPatch, kind: str, allowed: bool
) -> None:
    monkeypatch.setattr(theme_tasks.compute_theme_suggestions, "delay", lambda product_id: None)
    product = _product()
    ideas = _ideas(product, EXCEL)
    key = _cache_suggestion(product, ideas, "Excel export")
    visitor = _visitor(kind, product)
    if visitor is not None:
        client.force_login(visitor)
    base = f"/pm/{product.slug}/themes/"
    responses = [
        client.get(base),
        client.get(base + "suggestions/"),
        client.post(base + "new/", {"name": f"New {kind}"}),
        client.post(base + "suggestions/"),
        client.post(base + "suggestions/accept/", {"group": key, "name": f"Accepted {kind}"}),
    ]
    if allowed:
        assert [r.status_code for r in responses] == [200, 200, 302, 302, 302]
        assert Theme.objects.filter(product=product).count() == 2
    else:
        assert [r.status_code for r in responses] == [404] * 5
        assert not Theme.objects.exists()
        assert not Idea.objects.filter(themes__isnull=False).exists()


@pytest.mark.django_db
def test_the_post_forms_need_the_csrf_token() -> None:
    product = _product()
    client = Client(enforce_csrf_checks=True)
    client.force_login(_pm(product))
    base = f"/pm/{product.slug}/themes/"
    assert client.post(base + "new/", {"name": "Reporting"}).status_code == 403
    assert client.post(base + "suggestions/").status_code == 403
    assert client.post(base + "suggestions/accept/", {"group": "x"}).status_code == 403
    page = client.get(base).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_recompute_runs_on_the_worker_and_the_page_shows_the_groups(
    client: Client, celery_worker: subprocess.Popen[bytes]
) -> None:
    product = _product()
    excel = _ideas(product, EXCEL)
    _ideas(product, UNRELATED)
    client.force_login(_pm(product))
    url = f"/pm/{product.slug}/themes/suggestions/"
    client.post(url)
    deadline = time.monotonic() + 30
    while theme_selectors.cached_suggestions(product_id=product.pk) is None:
        if time.monotonic() > deadline:
            pytest.fail("the worker did not compute the suggestions (is its task registered?)")
        time.sleep(0.1)
    (group,) = client.get(url).context["page"].groups
    assert {i.pk for i in group.ideas} == {i.pk for i in excel}


@pytest.mark.django_db
def test_recompute_says_done_when_the_task_ran_in_the_request(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embedded mode (no Redis) runs tasks in the web process."""
    product = _product()
    _ideas(product, EXCEL + UNRELATED)
    monkeypatch.setattr(
        theme_tasks.compute_theme_suggestions,
        "delay",
        lambda product_id: theme_tasks.compute_theme_suggestions(product_id),
    )
    client.force_login(_pm(product))
    response = client.post(f"/pm/{product.slug}/themes/suggestions/", follow=True)
    html = response.content.decode()
    assert "Suggestions recomputed." in html
    assert "Recompute requested at" not in html
    assert len(response.context["page"].groups) == 1
