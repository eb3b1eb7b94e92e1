"""The audit log: PM and admin actions are recorded by the services, in the change's own
transaction, and read on the product's audit page (its PMs) and the site-wide one (admins)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from ideas import services as idea_services
from ideas.models import DecisionKind, Status
from portal.models import AuditEntry, Role
from portal.services import accounts_import
from roadmap import services as roadmap_services
from scoring import services as scoring_services
from scoring.models import Scorecard
from tests.factories import make_idea, make_product, make_user

pytestmark = pytest.mark.django_db

CaptureOnCommit = Callable[..., Any]


def _actions(product: Any = None) -> list[str]:
    entries = AuditEntry.objects.order_by("id")
    if product is not None:
        entries = entries.filter(product=product)
    return list(entries.values_list("action", flat=True))


@pytest.fixture
def pm() -> Any:
    return make_user(role=Role.PM, email="pat@vendor.test")


@pytest.fixture
def product(pm: Any) -> Any:
    return make_product(team=[pm])


def test_status_decline_merge_and_unmerge_are_recorded_with_who_and_what(
    pm: Any, product: Any
) -> None:
    idea = make_idea(product=product, title="Dark mode")
    duplicate = make_idea(product=product, title="Night theme")
    other = make_idea(product=product, title="Kiosk mode")

    idea_services.idea_set_status(idea=idea, status=Status.UNDER_REVIEW, by=pm, note="Looking")
    merge = idea_services.idea_merge(source=duplicate, target=idea, by=pm)
    idea_services.idea_unmerge(merge=merge, by=pm)
    idea_services.idea_decline(
        idea=other, by=pm, kind=DecisionKind.OUT_OF_SCOPE, reason="Not our market."
    )

    assert _actions(product) == ["idea.status", "idea.merge", "idea.unmerge", "idea.decline"]
    status = AuditEntry.objects.get(action="idea.status")
    assert (status.actor, status.actor_label) == (pm, "pat@vendor.test")
    assert (status.target_type, status.target_id) == ("ideas.idea", idea.pk)
    assert status.data == {"from": "new", "to": "under_review", "note": "Looking"}
    assert "New → Under review" in status.summary
    assert AuditEntry.objects.get(action="idea.merge").data["into"] == idea.pk
    decline = AuditEntry.objects.get(action="idea.decline")
    assert decline.data["reason"] == "Not our market."
    assert decline.data["kind"] == "out_of_scope"


def test_a_refused_change_leaves_no_audit_entry(pm: Any, product: Any) -> None:
    idea = make_idea(product=product)
    merged = make_idea(product=product)
    idea_services.idea_merge(source=merged, target=idea, by=pm)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        idea_services.idea_merge(source=idea, target=merged, by=pm)
    assert AuditEntry.objects.count() == before
    # Setting the status an idea already has changes nothing and records nothing.
    assert idea_services.idea_set_status(idea=idea, status=Status.NEW, by=pm) is None
    assert AuditEntry.objects.count() == before


def test_scorecard_weight_goal_and_rating_changes_are_recorded(
    pm: Any, product: Any, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    idea = make_idea(product=product)
    with django_capture_on_commit_callbacks(execute=False):
        card = scoring_services.scorecard_apply_preset(product=product, preset="rice", by=pm)
        scoring_services.scorecard_set_weights(scorecard=card, weights={"reach": 5}, by=pm)
        goal = scoring_services.goal_save(product=product, by=pm, name="Retention", weight=4)
        scoring_services.goal_save(product=product, by=pm, name="Retention", weight=6, goal=goal)
        scoring_services.idea_goal_set(idea=idea, goal=goal, strength=3, by=pm)
        impact = card.metrics.get(key="impact")
        scoring_services.rating_set(idea=idea, metric=impact, value=3, by=pm)

    assert _actions(product) == [
        "scorecard.preset",
        "scorecard.weights",
        "goal.create",
        "goal.update",
        "idea.goal",
        "idea.rating",
    ]
    weights = AuditEntry.objects.get(action="scorecard.weights")
    old = Scorecard.objects.get(pk=card.pk).metrics.get(key="reach").weight
    assert weights.data["changed"] == {"reach": [weights.data["changed"]["reach"][0], 5.0]}
    assert old == 5.0
    update = AuditEntry.objects.get(action="goal.update")
    assert (update.data["before"]["weight"], update.data["after"]["weight"]) == (4, 6)


def test_a_new_products_first_scorecard_is_no_ones_action() -> None:
    product = make_product()
    assert Scorecard.objects.filter(product=product, active=True).exists()
    assert _actions(product) == []


def test_roadmap_promotion_move_status_and_review_are_recorded(
    pm: Any, product: Any, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        item = roadmap_services.item_promote(
            product=product, ideas=[make_idea(product=product)], by=pm, title="Bulk edit"
        )
        roadmap_services.item_move(item=item, horizon="now", by=pm)
        roadmap_services.item_set_status(item=item, status="in_progress", by=pm)
        roadmap_services.review_hold(product=product, by=pm, notes="Held")

    # Promoting plans its idea, and that status change is recorded too.
    assert _actions(product) == [
        "roadmap.promote",
        "idea.status",
        "roadmap.move",
        "roadmap.status",
        "idea.status",
        "review.hold",
    ]
    assert AuditEntry.objects.get(action="roadmap.move").data == {"from": "next", "to": "now"}


def test_an_account_import_is_recorded_once_and_a_dry_run_not_at_all() -> None:
    admin_user = make_user(role=Role.ADMIN)
    text = (
        "name,domains,arr,segment,renewal_date,owner_email\n"
        "Acme,acme.test,1000,,,\nGlobex,globex.test,2000,,,\n"
    )
    assert accounts_import(text=text, dry_run=True, by=admin_user).ok
    assert _actions() == []
    assert accounts_import(text=text, by=admin_user).ok
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.data["created"]) == ("accounts.import", admin_user, 2)


def test_an_admin_edit_of_a_product_is_recorded(client: Client) -> None:
    admin_user = make_user(role=Role.ADMIN, is_staff=True, is_superuser=True)
    product = make_product(name="Relay", slug="relay")
    client.force_login(admin_user)
    response = client.post(
        f"/admin/portal/product/{product.pk}/change/",
        {
            "name": "Relay",
            "slug": "relay",
            "description": "",
            "visibility": "private",
            "allowed_email_domains": "acme.test",
            "created_at_0": "2025-01-01",
            "created_at_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    entry = AuditEntry.objects.get(action="admin.change")
    assert (entry.product, entry.actor) == (product, admin_user)
    assert "Visibility" in str(entry.data["changes"])


# --- Pages --------------------------------------------------------------------------------


def _fill(product: Any, pm: Any, n: int) -> None:
    for _ in range(n):
        idea = make_idea(product=product)
        idea_services.idea_set_status(idea=idea, status=Status.PLANNED, by=pm, notify=False)


def test_the_product_audit_page_lists_its_entries_newest_first_for_its_pms(
    client: Client, pm: Any, product: Any
) -> None:
    idea = make_idea(product=product, title="Dark mode")
    idea_services.idea_set_status(idea=idea, status=Status.PLANNED, by=pm, notify=False)
    other = make_product()
    other_pm = make_user(role=Role.PM)
    other.team.add(other_pm)
    idea_services.idea_set_status(
        idea=make_idea(product=other, title="Elsewhere"), status=Status.PLANNED, by=other_pm
    )
    client.force_login(pm)

    html = client.get(f"/pm/{product.slug}/audit/").content.decode()

    assert "Dark mode" in html
    assert "pat@vendor.test" in html
    assert "Elsewhere" not in html
    client.force_login(other_pm)
    assert client.get(f"/pm/{product.slug}/audit/").status_code == 404


def test_the_audit_page_filters_by_action_and_actor_and_pages(
    client: Client, pm: Any, product: Any
) -> None:
    second = make_user(role=Role.PM, email="quinn@vendor.test")
    product.team.add(second)
    _fill(product, pm, 55)
    idea = make_idea(product=product, title="Quinn's pick")
    idea_services.idea_assign(idea=idea, assignee=second, by=second)
    client.force_login(pm)

    first = client.get(f"/pm/{product.slug}/audit/").content.decode()
    assert "Page 1 of 2" in first
    assert "Quinn&#x27;s pick" in first  # newest first
    by_action = client.get(f"/pm/{product.slug}/audit/?action=idea.assign").content.decode()
    assert "Quinn&#x27;s pick" in by_action
    assert "Page 1 of" not in by_action
    by_actor = client.get(f"/pm/{product.slug}/audit/?actor=pat@vendor.test&page=2")
    assert "Quinn" not in by_actor.content.decode().split("<tbody>")[1]
    # Nonsense page numbers land on a real page rather than an error.
    for page in ("abc", "-1", "99999"):
        assert client.get(f"/pm/{product.slug}/audit/?page={page}").status_code == 200


def test_the_audit_pages_cost_the_same_queries_at_two_sizes(
    client: Client, pm: Any, product: Any, django_assert_max_num_queries: Any
) -> None:
    """The page counts, reads one page with each entry's product joined, and lists the
    actions and actors to filter by: no query per entry."""
    admin_user = make_user(role=Role.ADMIN)
    _fill(product, pm, 3)
    for user, url in ((pm, f"/pm/{product.slug}/audit/"), (admin_user, "/audit/")):
        client.force_login(user)
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200
    _fill(product, pm, 40)
    for user, url in ((pm, f"/pm/{product.slug}/audit/"), (admin_user, "/audit/")):
        client.force_login(user)
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200


def test_the_site_wide_audit_page_is_for_admins_only(client: Client, pm: Any, product: Any) -> None:
    _fill(product, pm, 1)
    other = make_product(name="Beacon")
    assert client.get("/audit/").status_code == 404
    for user in (pm, make_user(role=Role.SALES), make_user()):
        client.force_login(user)
        assert client.get("/audit/").status_code == 404
    client.force_login(make_user(role=Role.ADMIN))
    html = client.get(f"/audit/?product={product.slug}").content.decode()
    assert "idea.status" in html
    assert other.name in html  # offered in the product filter
