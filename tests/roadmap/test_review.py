"""The weekly review: the agenda since the last review held, recording a review, past
reviews read as they were, who may see them, query counts, and the Monday PM digest."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ideas import services as idea_services
from ideas.models import Idea, OutboundEmail, Status
from portal.models import Product, Role, User
from roadmap import digest, services, tasks
from roadmap.models import Horizon, ItemStatus, Review
from scoring import services as scoring_services
from scoring.models import Scorecard
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = pytest.mark.django_db

MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@contextmanager
def at(days: float = 0, hours: float = 0) -> Iterator[None]:
    """Frozen at a moment relative to Monday 3 March 2025, 09:00 UTC."""
    with time_machine.travel(MONDAY + timedelta(days=days, hours=hours), tick=False):
        yield


@pytest.fixture
def pm() -> User:
    return make_user(role=Role.PM, email="pat@vendor.test", name="Pat")


@pytest.fixture
def product(pm: User) -> Product:
    return make_product(team=[pm], name="Tasks", slug="tasks")


@pytest.fixture
def sales() -> User:
    return make_user(role=Role.SALES, email="sam@vendor.test", name="Sam")


def _url(product: Product, suffix: str = "") -> str:
    return f"/pm/{product.slug}/review/{suffix}"


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _section(html: str, section_id: str) -> str:
    """One section of the agenda, so an assertion says where a thing is listed."""
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    assert match, f"no section {section_id}"
    return match.group(0)


def _stable(html: str) -> str:
    """The page's main content without flash messages, whitespace runs collapsed."""
    match = re.search(r"<main.*</main>", html, re.S)
    assert match
    messages = r'<div aria-live="polite" class="messages">.*?</div>\s*</div>'
    main = re.sub(messages, "", match[0], count=1, flags=re.S)
    return re.sub(r"\s+", " ", main)


def _hold(client: Client, product: Product, **data: str) -> Review:
    response = client.post(_url(product, "hold/"), {"attendees": "Pat, Sam", **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Review.objects.filter(product=product).order_by("-held_at", "-pk")[0]


def _score(idea: Idea) -> float:
    return Idea.objects.get(pk=idea.pk).score


# --- The agenda across reviews ----------------------------------------------------------


def test_each_review_lists_what_changed_since_the_one_before_and_keeps_it(
    client: Client, product: Product, pm: User
) -> None:
    client.force_login(pm)
    with at(days=-30):  # older than any window
        audit = make_idea(product=product, title="Audit log")
        sso = make_idea(product=product, title="SAML single sign-on")
        gantt = make_idea(product=product, title="Gantt view")
    with at():
        idea_services.idea_set_status(
            idea=audit, status=Status.UNDER_REVIEW, by=pm, note="Sizing it with engineering."
        )
        item = services.item_promote(
            product=product, ideas=[gantt], by=pm, title="Timeline view", horizon=Horizon.NEXT
        )
    with at(hours=1):
        services.item_move(item=item, horizon=Horizon.NOW, by=pm)
    with at(hours=2):
        html = _page(client, _url(product))
        assert "No review has been held yet" in html
        first = _hold(client, product, notes="We agreed to **size** the audit log.")
    assert first.since == MONDAY - timedelta(days=7) + timedelta(hours=2)
    with at(days=1):
        idea_services.idea_set_status(
            idea=sso, status=Status.PLANNED, by=pm, note="Enterprise push this quarter."
        )
        services.item_set_status(item=item, status=ItemStatus.SHIPPED, by=pm)
    with at(days=2):
        html = _page(client, _url(product))
    assert "What changed since the last review, held" in html
    assert f'review/{first.pk}/">Mon 3 Mar 2025, 11:00</a> by Pat.' in html
    changes = _section(html, "status-changes")
    assert "SAML single sign-on" in changes
    assert "Enterprise push this quarter." in changes
    assert "Audit log" not in changes  # changed before the first review: on it only
    assert "Sizing it with engineering." not in html
    assert "Timeline view" in _section(html, "shipped")
    assert "No items moved between horizons since Mon 3 Mar 2025, 11:00." in html
    with at(days=2):
        second = _hold(client, product, notes="Shipped the timeline.")
        kept = {r.pk: _stable(_page(client, _url(product, f"{r.pk}/"))) for r in (first, second)}

    first_html = kept[first.pk]
    assert "Sizing it with engineering." in _section(first_html, "status-changes")
    assert "SAML single sign-on" not in first_html
    assert "Next" in _section(first_html, "moves")
    assert "Nothing shipped since" in _section(first_html, "shipped")
    assert "<strong>size</strong>" in first_html  # the notes, as sanitised Markdown
    assert "Timeline view" in _section(kept[second.pk], "shipped")

    # Later changes rewrite neither: the item is unshipped (so a recomputed agenda would
    # lose it) and the audit log moves on.
    with at(days=3):
        services.item_set_status(item=item, status=ItemStatus.IN_PROGRESS, by=pm)
        idea_services.idea_set_status(idea=audit, status=Status.PLANNED, by=pm, note="Go.")
        for held in (first, second):
            assert _stable(_page(client, _url(product, f"{held.pk}/"))) == kept[held.pk]
        current = _page(client, _url(product))
    assert "Go." in _section(current, "status-changes")


def test_declines_are_listed_with_the_decision_reason_and_workaround(
    client: Client, product: Product, pm: User
) -> None:
    with at(days=-30):
        idea = make_idea(product=product, title="Gantt charts")
    with at():
        idea_services.idea_decline(
            idea=idea,
            by=pm,
            kind="will_not_do",
            reason="We will not build charts <script>alert(1)</script>.",
            workaround="Export to CSV and chart it in a spreadsheet.",
        )
    client.force_login(pm)
    with at(days=1):
        changes = _section(_page(client, _url(product)), "status-changes")
    assert f'href="/pm/{product.slug}/ideas/{idea.pk}/"' in changes
    assert "Declined" in changes
    assert "<strong>Decision:</strong> Will not do" in changes
    assert "We will not build charts &lt;script&gt;alert(1)&lt;/script&gt;." in changes
    assert "<strong>Workaround:</strong> Export to CSV and chart it in a spreadsheet." in changes


@pytest.fixture
def card(product: Product, pm: User) -> Scorecard:
    return scoring_services.scorecard_apply_preset(product=product, preset="value_vs_effort", by=pm)


def test_score_movers_show_from_to_and_what_moved_them(
    client: Client, product: Product, pm: User, card: Scorecard
) -> None:
    value = card.metrics.get(key="value")
    with at(days=-30):
        idea = make_idea(product=product, title="Bulk edit")
        still = make_idea(product=product, title="Still idea")
        scoring_services.rating_set(idea=idea, metric=value, value=2, by=pm)
        scoring_services.rating_set(idea=still, metric=value, value=3, by=pm)
        goal = scoring_services.goal_save(product=product, by=pm, name="Enterprise", weight=5)
    before = _score(idea)
    with at():
        scoring_services.rating_set(idea=idea, metric=value, value=5, by=pm)
    with at(hours=1):
        scoring_services.idea_goal_set(idea=idea, goal=goal, strength=3, by=pm)
    after = _score(idea)
    assert after > before
    client.force_login(pm)
    with at(days=1):
        movers = _section(_page(client, _url(product)), "score-movers")
    assert f"#{idea.pk} Bulk edit" in movers
    assert f'{round(before, 1)} <span aria-hidden="true">→</span>' in movers
    assert f"<strong>{round(after, 1)}</strong>" in movers
    assert f"+{round(after - before, 1)}" in movers
    assert "A rating changed; Goal alignment changed" in movers
    assert "Still idea" not in movers  # scored before the window: it did not move


def test_new_ideas_show_their_demand_and_accounts_affected_are_those_that_asked(
    client: Client, product: Product, pm: User, sales: User
) -> None:
    with at(days=-30):
        acme = make_account(name="Acme Bank", domains=["acme.test"], arr=120_000)
        globex = make_account(name="Globex", domains=["globex.test"], arr=50_000)
        quiet = make_account(name="Quiet Corp", arr=999_000)
        changed = make_idea(product=product, title="Audit log")
        untouched = make_idea(product=product, title="Untouched")
        idea_services.vote_cast(idea=changed, user=make_user(email="ann@acme.test"))
        for idea, account in [(changed, globex), (untouched, quiet)]:
            idea_services.proxy_vote_record(
                idea=idea, account=account, recorded_by=sales, importance="critical", source="call"
            )
    with at():
        idea_services.idea_set_status(idea=changed, status=Status.PLANNED, by=pm)
        fresh = make_idea(product=product, title="Fresh idea")
        idea_services.vote_cast(idea=fresh, user=make_user(email="bo@globex.test"))
        idea_services.vote_cast(idea=fresh, user=make_user())  # and its author's vote
    client.force_login(pm)
    with at(days=1):
        html = _page(client, _url(product))
    new = _section(html, "new-ideas")
    assert f"#{fresh.pk} Fresh idea" in new
    assert re.search(r">3</td>\s*<td[^>]*>1</td>\s*<td[^>]*>\$50,000</td>", new), new
    assert "Untouched" not in new
    accounts = _section(html, "accounts")
    assert accounts.index("Acme Bank") < accounts.index("Globex")  # largest first
    assert "$120,000 ARR" in accounts
    assert f'href="/sales/accounts/{acme.pk}/"' in accounts
    assert "Quiet Corp" not in accounts  # asked only for an idea nothing happened to


def test_an_empty_agenda_says_so_in_each_section(
    client: Client, product: Product, pm: User
) -> None:
    client.force_login(pm)
    with at():
        html = _page(client, _url(product))
    for sentence in [
        "No status changes since Mon 24 Feb 2025, 09:00.",
        "No items moved between horizons since",
        "Nothing shipped since",
        "No score moved since",
        "No new ideas since",
        "No accounts affected since",
    ]:
        assert sentence in html


# --- Recording a review -----------------------------------------------------------------


def test_recording_a_review_keeps_notes_attendees_and_the_agenda(
    client: Client, product: Product, pm: User
) -> None:
    with at(days=-30):
        idea = make_idea(product=product, title="Dark mode")
    with at():
        idea_services.idea_set_status(idea=idea, status=Status.UNDER_REVIEW, by=pm)
    client.force_login(pm)
    with at(hours=1):
        response = client.post(
            _url(product, "hold/"),
            {"attendees": "Pat, Sam (sales)", "notes": "Dark mode next quarter."},
            follow=True,
        )
    review = Review.objects.get()
    assert response.redirect_chain == [(_url(product, f"{review.pk}/"), 302)]
    html = response.content.decode()
    assert "Review recorded with its agenda as it was." in html
    assert "Pat, Sam (sales)" in html
    assert (review.held_by, review.notes, review.attendees) == (
        pm,
        "Dark mode next quarter.",
        "Pat, Sam (sales)",
    )
    assert review.held_at == MONDAY + timedelta(hours=1)
    assert [c["title"] for c in review.agenda["status_changes"]] == ["Dark mode"]
    past = _page(client, _url(product, "past/"))
    assert "Mon 3 Mar 2025, 10:00" in past
    assert "Pat, Sam (sales)" in past
    assert "1 status change" in past


def test_recording_without_attendees_explains_beside_the_field_and_keeps_the_notes(
    client: Client, product: Product, pm: User
) -> None:
    client.force_login(pm)
    response = client.post(_url(product, "hold/"), {"attendees": "  ", "notes": "Kept notes"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error_1_id_attendees"' in html
    assert "Say who took part in the review." in html
    assert "Kept notes" in html
    assert 'for="id_notes"' in html  # labelled
    assert not Review.objects.exists()


def test_recording_needs_the_csrf_token(product: Product, pm: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(pm)
    assert client.post(_url(product, "hold/"), {"attendees": "Pat"}).status_code == 403
    assert not Review.objects.exists()


def test_only_the_products_pms_and_admins_reach_the_review(
    client: Client, product: Product, pm: User, sales: User
) -> None:
    other_pm = make_user(role=Role.PM)
    other = make_product(team=[other_pm])
    with at(days=-1):
        held = services.review_hold(product=product, by=pm, attendees="Pat")
        elsewhere = services.review_hold(product=other, by=other_pm, attendees="Other")
    urls = [_url(product), _url(product, "past/"), _url(product, f"{held.pk}/")]
    product.team.add(sales)  # on the team, but not a PM
    for user in [None, make_user(), sales, other_pm]:
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(_url(product, "hold/"), {"attendees": "x"}).status_code == 404
    assert Review.objects.count() == 2
    client.force_login(pm)
    assert client.get(_url(product, f"{elsewhere.pk}/")).status_code == 404
    assert client.get(_url(product, "past/")).status_code == 200
    client.force_login(make_user(role=Role.ADMIN))  # admins manage every product
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get(_url(product, "hold/")).status_code == 405


# --- Query counts -----------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _a_week_of_changes(product: Product, pm: User, sales: User, card: Scorecard, n: int) -> None:
    """One of each kind of change: a status change, a decline, a move, a shipped item, a
    score mover, and a new idea asked for by a voter's account and through sales."""
    value = card.metrics.get(key="value")
    with at(days=-30):
        account = make_account(domains=[f"q{n}.test"])
        ideas = [make_idea(product=product) for _ in range(4)]
        scoring_services.rating_set(idea=ideas[3], metric=value, value=1, by=pm)
        item = services.item_promote(product=product, ideas=[ideas[2]], by=pm)
    with at():
        idea_services.idea_set_status(idea=ideas[0], status=Status.UNDER_REVIEW, by=pm)
        idea_services.idea_decline(idea=ideas[1], by=pm, kind="not_now", reason=f"Not now {n}")
        services.item_move(item=item, horizon=Horizon.NOW, by=pm)
        services.item_set_status(item=item, status=ItemStatus.SHIPPED, by=pm)
        scoring_services.rating_set(idea=ideas[3], metric=value, value=4, by=pm)
        fresh = make_idea(product=product, author=make_user(email=f"a@q{n}.test"))
        idea_services.vote_cast(idea=ideas[0], user=make_user(email=f"b@q{n}.test"))
        idea_services.proxy_vote_record(
            idea=fresh, account=account, recorded_by=sales, importance="critical", source="call"
        )


def test_review_page_query_count_does_not_grow_with_the_changes(
    client: Client, product: Product, pm: User, sales: User, card: Scorecard
) -> None:
    """Guards against an N+1 over the agenda's rows: each status change's idea, author and
    decisions, each moved or shipped item, each score mover's idea, the new ideas' demand
    and the accounts that asked. The held review renders from its JSON: no rows at all."""
    client.force_login(pm)
    _a_week_of_changes(product, pm, sales, card, 0)
    with at(days=1):
        small = _queries(client, _url(product))
    for n in range(1, 8):
        _a_week_of_changes(product, pm, sales, card, n)
    with at(days=1):
        html = _page(client, _url(product))
        assert html.count("Not now ") == 8
        assert _queries(client, _url(product)) == small
        held = services.review_hold(product=product, by=pm, attendees="Pat")
        assert len(held.agenda["status_changes"]) >= 16
        detail = _queries(client, _url(product, f"{held.pk}/"))
    other = services.review_hold(product=product, by=pm, attendees="Pat")
    assert _queries(client, _url(product, f"{other.pk}/")) == detail


def test_past_reviews_query_count_does_not_grow_with_the_reviews(
    client: Client, product: Product, pm: User
) -> None:
    """Guards against an N+1 over each past review's PM (held by)."""
    client.force_login(pm)
    services.review_hold(product=product, by=pm, attendees="Pat")
    small = _queries(client, _url(product, "past/"))
    for n in range(6):
        services.review_hold(product=product, by=make_user(role=Role.ADMIN), attendees=f"A{n}")
    assert _queries(client, _url(product, "past/")) == small


# --- The Monday digest ------------------------------------------------------------------


def test_the_monday_digest_tells_each_pm_the_agenda(
    product: Product, pm: User, sales: User
) -> None:
    admin = make_user(role=Role.ADMIN, email="ada@vendor.test")
    product.team.add(admin, sales)  # sales on the team get their own digest, not this one
    make_user(role=Role.PM, email="not-on-the-team@vendor.test")
    with at(days=-30):
        idea = make_idea(product=product, title="Audit log")
        declined = make_idea(product=product, title="Gantt charts")
        make_account(name="Acme Bank", domains=["acme.test"])
        idea_services.vote_cast(idea=declined, user=make_user(email="ann@acme.test"))
        item = services.item_promote(product=product, ideas=[idea], by=pm, title="Audit trail")
    with at(days=-6):
        services.item_move(item=item, horizon=Horizon.NOW, by=pm)
        idea_services.idea_decline(
            idea=declined,
            by=pm,
            kind="out_of_scope",
            reason="Charts belong in your BI tool & that's where they stay.",
            workaround="Export to CSV.",
        )
    with at():
        emails = digest.review_digest_send(product=product)
    assert sorted(e.to for e in emails) == ["ada@vendor.test", "pat@vendor.test"]
    email = next(e for e in emails if e.to == "pat@vendor.test")
    assert email.subject == "Tasks weekly review: 1 status change, 1 move"
    text = email.body_text
    assert text.startswith("Hello Pat,")
    assert "Gantt charts: New -> Declined" in text
    assert "Decision: Out of scope" in text
    assert "Reason: Charts belong in your BI tool & that's where they stay." in text
    assert "Workaround: Export to CSV." in text
    assert "Audit trail: Next -> Now" in text
    assert "- Acme Bank ($10,000 ARR)" in text
    assert f"{settings.SITE_URL}/pm/tasks/ideas/{declined.pk}/" in text
    assert f"{settings.SITE_URL}/pm/tasks/review/" in text
    assert "Charts belong in your BI tool &amp; that&#x27;s where they stay." in email.body_html
    assert f'href="{settings.SITE_URL}/pm/tasks/review/"' in email.body_html


def test_no_digest_when_nothing_changed_since_the_last_review(product: Product, pm: User) -> None:
    with at(days=-30):
        idea = make_idea(product=product)
    with at(days=-2):
        idea_services.idea_set_status(idea=idea, status=Status.PLANNED, by=pm)
    with at(days=-1):
        services.review_hold(product=product, by=pm, attendees="Pat")
    with at():
        assert digest.review_digest_send(product=product) == []
        assert tasks.send_review_digests() == 0
    assert not OutboundEmail.objects.filter(reason="pm_digest").exists()


def test_one_digest_per_pm_per_week(product: Product, pm: User) -> None:
    with at(days=-30):
        first, second = make_idea(product=product), make_idea(product=product)
    with at(days=-1):
        idea_services.idea_set_status(idea=first, status=Status.PLANNED, by=pm)
    with at():
        [email] = digest.review_digest_send(product=product)
    with at(days=3):  # the same ISO week: the task runs again, nothing new is written
        assert digest.review_digest_send(product=product) == [email]
        assert tasks.send_review_digests() == 1
    assert OutboundEmail.objects.filter(reason="pm_digest").count() == 1
    with at(days=7):  # next Monday, with a new change
        idea_services.idea_set_status(idea=second, status=Status.PLANNED, by=pm)
        [later] = digest.review_digest_send(product=product)
    assert later.pk != email.pk
    assert OutboundEmail.objects.filter(reason="pm_digest", to="pat@vendor.test").count() == 2


def test_the_digest_runs_from_celery_beat_on_monday_morning() -> None:
    from portal.celery import app

    entry = app.conf.beat_schedule["review-digests"]
    assert entry["task"] == tasks.send_review_digests.name == "roadmap.tasks.send_review_digests"
    schedule = entry["schedule"]
    assert (schedule.day_of_week, schedule.hour, schedule.minute) == ({1}, {7}, {30})


def test_the_digest_task_covers_every_product_with_pms(pm: User, product: Product) -> None:
    other_pm = make_user(role=Role.PM, email="olly@vendor.test")
    other = make_product(team=[other_pm])
    no_pms = make_product(team=[make_user(role=Role.SALES)])
    with at(days=-30):
        ideas = [make_idea(product=p) for p in (product, other, no_pms)]
    with at(days=-1):
        for idea in ideas[:2]:
            by = pm if idea.product_id == product.pk else other_pm
            idea_services.idea_set_status(idea=idea, status=Status.PLANNED, by=by)
        admin = make_user(role=Role.ADMIN)
        idea_services.idea_set_status(idea=ideas[2], status=Status.PLANNED, by=admin)
    with at():
        assert tasks.send_review_digests() == 2
    assert sorted(
        OutboundEmail.objects.filter(reason="pm_digest").values_list("to", flat=True)
    ) == [
        "olly@vendor.test",
        "pat@vendor.test",
    ]
