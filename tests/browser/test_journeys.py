"""Journeys through the portal in headless Chromium, against the live server.

They cover what only a browser shows: htmx swaps, pages without JavaScript, accessibility
as axe measures it, and that user text never runs as script.
"""

from __future__ import annotations

import os
import quopri
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from axe_playwright_python.sync_playwright import Axe
from django.core.mail import EmailMessage
from playwright.sync_api import BrowserContext, Locator, Page, expect

from ideas.models import Idea, OutboundEmail
from ideas.services import comment_add, vote_cast
from portal.models import Account, Role, User
from roadmap.models import ChangelogEntry, RoadmapItem
from scoring.models import Rating
from scoring.services import goal_save, idea_goal_set, scorecard_apply_preset
from tests.factories import make_account, make_idea, make_product, make_user

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SignIn = Callable[[Page, User], None]  # the ``sign_in`` fixture of conftest.py

TIMEOUT = 5000


def vote_button(scope: Page | Locator, title: str) -> Locator:
    """The vote or withdraw button of one idea (its accessible name names the idea)."""
    return scope.get_by_role(
        "button", name=re.compile(rf"^(Vote for|Withdraw your vote for) “{re.escape(title)}”")
    )


def test_customer_signs_up_confirms_email_submits_an_idea_and_votes_on_another(
    page: Page, mailoutbox: list[EmailMessage]
) -> None:
    product = make_product(name="Reports", slug="reports")
    existing = make_idea(
        product=product,
        title="Export reports to Excel",
        problem="Finance rebuilds the monthly report by hand in a spreadsheet.",
    )

    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label(re.compile(r"^Email:?$")).fill("ada@analytical.test")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a-long-unusual-passphrase-1815")
    page.get_by_label("Password (again)").fill("a-long-unusual-passphrase-1815")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible(
        timeout=TIMEOUT
    )

    [email] = [m for m in mailoutbox if m.to == ["ada@analytical.test"]]
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", str(email.body))
    assert match, email.body
    page.goto(match.group(1))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Ada Lovelace", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto(f"/p/{product.slug}/ideas/new/")
    title = page.get_by_label("Title")
    typed = "Excel export of the reports page"
    title.fill(typed[:-1])
    title.press_sequentially(typed[-1])  # a real keystroke, as htmx listens for input

    similar = page.locator("#similar")
    expect(similar.get_by_role("link", name="Export reports to Excel")).to_be_visible(
        timeout=TIMEOUT
    )
    similar_vote = vote_button(similar, "Export reports to Excel")
    expect(similar_vote).to_have_text("Vote")
    expect(similar.locator(".vote-box .count")).to_have_text("1")
    similar_vote.click()
    expect(similar_vote).to_have_text("Voted", timeout=TIMEOUT)
    expect(similar_vote).to_have_attribute("aria-pressed", "true")
    expect(similar.locator(".vote-box .count")).to_have_text("2")
    # The swap happened in place: still on the submit page, with the typed title kept.
    expect(page).to_have_url(re.compile(rf"/p/{product.slug}/ideas/new/$"))
    expect(title).to_have_value(typed)

    page.get_by_label("What are you trying to do").fill(
        "I paste the reports page into a spreadsheet every Monday; an export would save that."
    )
    page.get_by_role("button", name="Submit idea").click()

    expect(page).to_have_url(re.compile(rf"/p/{product.slug}/ideas/\d+/$"), timeout=TIMEOUT)
    expect(page.get_by_role("heading", level=1)).to_have_text(typed)
    expect(page.get_by_text("Thanks! Your idea is posted")).to_be_visible()
    expect(vote_button(page, typed)).to_have_text("Voted")
    expect(page.locator(".vote-box .count")).to_have_text("1")

    author = User.objects.get(email="ada@analytical.test")
    assert author.name == "Ada Lovelace"
    idea = Idea.objects.get(product=product, title=typed)
    assert idea.author == author
    assert idea.vote_count == 1
    assert page.url.endswith(f"/p/{product.slug}/ideas/{idea.pk}/")
    existing.refresh_from_db()
    assert existing.vote_count == 2
    assert set(existing.votes.values_list("user__email", flat=True)) == {
        existing.author_email,
        "ada@analytical.test",
    }


def test_voting_without_javascript_still_works(
    new_context: Callable[..., BrowserContext], customer: User, sign_in: SignIn
) -> None:
    idea = make_idea(title="Dark mode for the dashboard")
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, customer)
    page.goto(f"/p/{idea.product.slug}/ideas/{idea.pk}/")
    count = page.locator(".vote-box .count")
    expect(count).to_have_text("1")

    vote_button(page, idea.title).click()
    expect(page).to_have_url(re.compile(rf"/ideas/{idea.pk}/$"))
    expect(vote_button(page, idea.title)).to_have_text("Voted", timeout=TIMEOUT)
    expect(count).to_have_text("2")
    idea.refresh_from_db()
    assert idea.vote_count == 2

    vote_button(page, idea.title).click()
    expect(vote_button(page, idea.title)).to_have_text("Vote", timeout=TIMEOUT)
    expect(count).to_have_text("1")
    idea.refresh_from_db()
    assert idea.vote_count == 1
    assert not idea.votes.filter(user=customer).exists()


def _serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe's serious and critical findings on the current page."""
    return [
        {**violation, "url": page.url}
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['url']}: {violation['id']} ({violation['impact']}): {violation['help']}"
        )
        lines += [
            f"    {node['target']}: {' '.join(node.get('failureSummary', '').split())}"
            for node in violation["nodes"]
        ]
    return "\n".join(lines)


def test_pages_have_no_serious_or_critical_accessibility_violations(
    page: Page, customer: User, sign_in: SignIn
) -> None:
    product = make_product(name="Billing", slug="billing")
    idea = make_idea(
        product=product,
        title="Invoices in the customer's currency",
        problem="Our **German** customers ask for euro invoices.\n\n- one\n- two",
    )
    make_idea(product=product, title="Pay by bank transfer")
    comment_add(idea=idea, author=make_user(name="Bo"), body="We need this _too_.")
    violations: list[dict[str, Any]] = []

    for path in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=TIMEOUT)
        violations += _serious_violations(page)

    page.goto(f"/p/{product.slug}/")
    expect(page.get_by_role("link", name=idea.title)).to_be_visible(timeout=TIMEOUT)
    violations += _serious_violations(page)

    page.goto(f"/p/{product.slug}/ideas/{idea.pk}/")
    expect(page.get_by_text("We need this too.")).to_be_visible(timeout=TIMEOUT)
    violations += _serious_violations(page)

    sign_in(page, customer)
    page.goto(f"/p/{product.slug}/ideas/{idea.pk}/")
    expect(page.get_by_label("Add a comment")).to_be_visible(timeout=TIMEOUT)
    violations += _serious_violations(page)

    page.goto(f"/p/{product.slug}/ideas/new/")
    expect(page.get_by_label("Title")).to_be_visible(timeout=TIMEOUT)
    violations += _serious_violations(page)

    page.get_by_role("button", name="Submit idea").click()
    expect(page.get_by_text("Give your idea a title.")).to_be_visible(timeout=TIMEOUT)
    violations += _serious_violations(page)

    assert not violations, _describe(violations)


XSS_TITLE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
XSS_PROBLEM = (
    "<script>window.__pwned=1</script>\n\n"
    '<img src=x onerror="window.__pwned=1">\n\n'
    "Try this: [click](javascript:window.__pwned=1)"
)


def test_script_in_user_text_never_runs_in_the_browser(page: Page) -> None:
    idea = make_idea(title=XSS_TITLE, problem=XSS_PROBLEM)
    comment_add(idea=idea, author=make_user(), body=XSS_PROBLEM)
    product = idea.product

    page.goto(f"/p/{product.slug}/")
    link = page.get_by_role("link", name=XSS_TITLE)
    expect(link).to_be_visible(timeout=TIMEOUT)
    page.wait_for_load_state("load")
    assert page.evaluate("window.__pwned") is None

    link.click()
    expect(page).to_have_url(re.compile(rf"/ideas/{idea.pk}/$"), timeout=TIMEOUT)
    expect(page.get_by_role("heading", level=1)).to_have_text(XSS_TITLE)
    expect(page.get_by_text("<script>window.__pwned=1</script>").first).to_be_visible()
    expect(page.locator("a[href^='javascript:' i]")).to_have_count(0)
    expect(page.locator("main script, main img, [onerror]")).to_have_count(0)
    page.wait_for_load_state("load")
    assert page.evaluate("window.__pwned") is None

    for click_me in page.get_by_text("click", exact=True).all():
        click_me.click()
    expect(page).to_have_url(re.compile(rf"/ideas/{idea.pk}/$"))
    assert page.evaluate("window.__pwned") is None


def _verified(user: User) -> User:
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def test_sales_records_a_call_from_the_quick_form_and_the_pm_sees_the_revenue(
    page: Page, sign_in: SignIn, new_context: Callable[..., BrowserContext]
) -> None:
    sales = _verified(make_user(role=Role.SALES, email="sam@vendor.test", name="Sam Sales"))
    pm = _verified(make_user(role=Role.PM, email="pat@vendor.test", name="Pat PM"))
    product = make_product(name="Relay", slug="relay", team=[sales, pm])
    account = make_account(name="Halcyon Bank", domains=["halcyon.test"], arr=385_000)
    Account.objects.filter(pk=account.pk).update(owner=sales)
    idea = make_idea(product=product, title="SAML single sign-on with Okta")

    sign_in(page, sales)
    page.get_by_role("link", name="Record a call").click()
    page.get_by_label("Account").fill("Halcyon")
    page.get_by_label("What did they ask for?").fill("single sign-on")
    page.get_by_role("button", name="Find ideas").click()
    page.get_by_role("link", name="Record for Halcyon Bank").click()
    expect(page.get_by_label("Account")).to_have_value("Halcyon Bank")
    page.get_by_label("How important is it to them?").select_option(label="Deal blocker")
    page.get_by_label("Where did you hear it?").select_option(label="Deal")
    page.get_by_label("Note or the customer's own words").fill("No SAML, no rollout.")
    page.get_by_label("Opportunity value").fill("90000")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recorded: Halcyon Bank wants this idea.")).to_be_visible(
        timeout=TIMEOUT
    )

    page.get_by_role("link", name="My accounts").first.click()
    expect(page.get_by_role("link", name=idea.title)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("cell", name="Deal blocker")).to_be_visible()

    pm_page = new_context().new_page()
    sign_in(pm_page, pm)
    pm_page.goto(f"/p/{product.slug}/ideas/{idea.pk}/")
    demand = pm_page.get_by_role("region", name="Demand")
    expect(demand.get_by_text("$475,000")).to_be_visible(timeout=TIMEOUT)  # 385k ARR + 90k
    expect(demand.get_by_text("No SAML, no rollout.")).to_be_visible()


def test_pm_triages_with_the_keyboard_declines_kindly_and_merges(
    page: Page,
    sign_in: SignIn,
    new_context: Callable[..., BrowserContext],
    celery_worker: subprocess.Popen[bytes],
) -> None:
    pm = _verified(make_user(role=Role.PM, email="pat@vendor.test", name="Pat PM"))
    customer = _verified(make_user(email="cara@customer.test", name="Cara"))
    product = make_product(name="Relay", slug="relay", team=[pm])
    first = make_idea(product=product, title="Browser notifications")
    second = make_idea(product=product, title="Dark mode")
    third = make_idea(product=product, title="Dark theme please")
    vote_cast(idea=first, user=customer)

    sign_in(page, pm)
    page.goto(f"/pm/{product.slug}/")
    rows = page.locator(".triage-row")
    expect(rows).to_have_count(3, timeout=TIMEOUT)
    page.keyboard.press("j")  # first row
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Browser notifications")).to_be_visible(timeout=TIMEOUT)

    decline = page.get_by_role("region", name="Decline, kindly")
    decline.get_by_label("Decision").select_option(label="Not now")
    decline.get_by_label("Why, in plain words").fill(
        "We are focused on security this quarter; we will look again in spring."
    )
    decline.get_by_label("Workaround or existing feature").fill("The mobile app sends pushes.")
    decline.get_by_label("Link to it").fill("https://help.example.test/push")
    decline.get_by_role("button", name="Decline with this explanation").click()
    expect(page.get_by_text("Everyone who asked will get the decision")).to_be_visible(
        timeout=TIMEOUT
    )

    page.goto(f"/pm/{product.slug}/ideas/{third.pk}/")
    merge = page.get_by_role("region", name="Merge a duplicate")
    merge.get_by_label("Merge into idea number").fill(str(second.pk))
    merge.get_by_role("button", name="Merge this idea into it").click()
    expect(page.get_by_text(f"Merged into #{second.pk}")).to_be_visible(timeout=TIMEOUT)
    assert Idea.objects.get(pk=third.pk).merged_into_id == second.pk

    customer_page = new_context().new_page()
    sign_in(customer_page, customer)
    customer_page.goto(f"/p/{product.slug}/ideas/{first.pk}/")
    decision = customer_page.get_by_role("region", name="Our decision: not now")
    expect(decision).to_be_visible(timeout=TIMEOUT)
    expect(decision.get_by_text("The mobile app sends pushes.")).to_be_visible()

    email = OutboundEmail.objects.get(to=customer.email, reason="idea_status")
    deadline = time.monotonic() + 20
    while email.state != OutboundEmail.State.SENT and time.monotonic() < deadline:
        time.sleep(0.2)
        email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT
    written = [
        f.read_text()
        for f in Path(os.environ["EMAIL_FILE_PATH"]).glob("*.log")
        if "cara@customer.test" in f.read_text()
    ]
    assert any("We are focused on security this quarter" in text for text in written)


def test_pm_rates_ideas_tries_a_goal_weight_saves_and_explains_the_ranking(
    page: Page, sign_in: SignIn, celery_worker: subprocess.Popen[bytes]
) -> None:
    pm = _verified(make_user(role=Role.PM, email="pat@vendor.test", name="Pat PM"))
    product = make_product(name="Relay", slug="relay", team=[pm])
    scorecard_apply_preset(product=product, preset="value_vs_effort", by=pm)
    enterprise = goal_save(product=product, by=pm, name="Win enterprise deals", weight=1)
    daily = goal_save(product=product, by=pm, name="Daily use", weight=5)
    sso = make_idea(product=product, title="SAML single sign-on")
    dark = make_idea(product=product, title="Dark mode")
    slack = make_idea(product=product, title="Slack alerts")
    idea_goal_set(idea=sso, goal=enterprise, strength=3, by=pm)
    idea_goal_set(idea=dark, goal=daily, strength=3, by=pm)

    sign_in(page, pm)
    page.goto(f"/pm/{product.slug}/scores/")
    for idea, value, effort in [(sso, "4", "3"), (dark, "5", "1"), (slack, "4", "2")]:
        page.get_by_label(f"Value of “{idea.title}”").select_option(value)
        expect(page.locator(f"#meta-{idea.pk}")).to_contain_text("1 rating missing")
        page.get_by_label(f"Effort of “{idea.title}”").select_option(effort)
        expect(page.locator(f"#meta-{idea.pk}")).not_to_contain_text("missing")
    assert Rating.objects.filter(idea__product=product).count() == 6
    before = {i.pk: Idea.objects.get(pk=i.pk).score for i in (sso, dark, slack)}
    assert before[dark.pk] > before[sso.pk]

    page.goto(f"/pm/{product.slug}/scorecard/")
    what_if = page.locator("#what-if")
    expect(what_if.locator("li").first).to_contain_text("Dark mode", timeout=TIMEOUT)
    page.get_by_label("Goal: Win enterprise deals").fill("10")
    page.get_by_label("Goal alignment", exact=True).fill("10")
    expect(what_if).to_contain_text("Preview only: not saved.", timeout=TIMEOUT)
    expect(what_if.locator("li").first).to_contain_text("SAML single sign-on", timeout=TIMEOUT)
    assert Idea.objects.get(pk=sso.pk).score == before[sso.pk]  # nothing saved yet
    page.get_by_role("button", name="Save weights and rescore").click()
    expect(page.get_by_text("Weights saved")).to_be_visible(timeout=TIMEOUT)

    deadline = time.monotonic() + 20
    while Idea.objects.get(pk=sso.pk).score == before[sso.pk] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Idea.objects.get(pk=sso.pk).score > Idea.objects.get(pk=dark.pk).score

    page.goto(f"/pm/{product.slug}/ideas/{sso.pk}/score/")
    expect(page.get_by_text("Rank 1 of 3")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("cell", name="Goal alignment")).to_be_visible()
    page.goto(f"/pm/{product.slug}/compare/?ideas={sso.pk},{dark.pk}")
    decisive = page.locator("tr.table-warning")
    expect(decisive).to_contain_text("The biggest difference between the top two")


def test_pm_promotes_two_ideas_drags_and_keys_the_item_ships_it_and_the_voter_hears(
    page: Page,
    sign_in: SignIn,
    new_context: Callable[..., BrowserContext],
    celery_worker: subprocess.Popen[bytes],
) -> None:
    pm = _verified(make_user(role=Role.PM, email="pat@vendor.test", name="Pat PM"))
    customer = _verified(make_user(email="cara@customer.test", name="Cara"))
    product = make_product(name="Relay", slug="relay", team=[pm])
    bulk = make_idea(product=product, title="Bulk edit tasks")
    many = make_idea(product=product, title="Edit many tasks at once")
    vote_cast(idea=bulk, user=customer)
    violations: list[dict[str, Any]] = []

    sign_in(page, pm)
    page.goto(f"/pm/{product.slug}/")
    page.get_by_label("Select “Bulk edit tasks”").check()
    page.get_by_label("Select “Edit many tasks at once”").check()
    page.get_by_role("button", name="Promote to roadmap").click()
    expect(page.get_by_text("Promoted 2 ideas to the roadmap")).to_be_visible(timeout=TIMEOUT)
    item = RoadmapItem.objects.get(product=product)
    assert (item.title, item.horizon) == ("Bulk edit tasks", "next")
    assert {i.status for i in Idea.objects.filter(pk__in=[bulk.pk, many.pk])} == {"planned"}

    page.goto(f"/pm/{product.slug}/roadmap/")
    card = page.locator(f"#item-{item.pk}")
    expect(page.locator(f"ol[data-horizon='next'] > #item-{item.pk}")).to_be_visible()
    violations += _serious_violations(page)
    status = page.locator("#board-status")
    # Grab the card by its padding: its middle may be a link or a select.
    card.drag_to(page.locator("[data-column='now']"), source_position={"x": 4, "y": 4})
    expect(page.locator(f"ol[data-horizon='now'] > #item-{item.pk}")).to_be_visible()
    expect(status).to_have_text("Moved “Bulk edit tasks” to Now, 1 of 1.", timeout=TIMEOUT)
    assert RoadmapItem.objects.get(pk=item.pk).horizon == "now"

    card.focus()
    page.keyboard.press("Alt+ArrowRight")
    expect(page.locator(f"ol[data-horizon='next'] > #item-{item.pk}")).to_be_visible()
    expect(card).to_be_focused()
    expect(status).to_have_text("Moved “Bulk edit tasks” to Next, 1 of 1.", timeout=TIMEOUT)
    assert RoadmapItem.objects.get(pk=item.pk).horizon == "next"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Ship “Bulk edit tasks”").click()
    expect(page.get_by_text("It is on the changelog.")).to_be_visible(timeout=TIMEOUT)
    assert RoadmapItem.objects.get(pk=item.pk).status == "shipped"
    assert {i.status for i in Idea.objects.filter(pk__in=[bulk.pk, many.pk])} == {"shipped"}
    assert ChangelogEntry.objects.filter(item=item).exists()

    customer_page = new_context().new_page()
    sign_in(customer_page, customer)
    customer_page.goto(f"/p/{product.slug}/roadmap/")
    main = customer_page.locator("main")
    expect(main.get_by_role("heading", name="Relay roadmap")).to_be_visible(timeout=TIMEOUT)
    shipped = main.get_by_role("region", name="Recently shipped")
    expect(shipped).to_contain_text("Bulk edit tasks", timeout=TIMEOUT)  # out of the columns
    violations += _serious_violations(customer_page)
    main.get_by_role("link", name="Changelog: what shipped").click()
    expect(main.get_by_role("heading", name="Bulk edit tasks")).to_be_visible(timeout=TIMEOUT)

    email = OutboundEmail.objects.get(
        to=customer.email, reason="idea_status", subject__contains="shipped"
    )
    deadline = time.monotonic() + 20
    while email.state != OutboundEmail.State.SENT and time.monotonic() < deadline:
        time.sleep(0.2)
        email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT
    written = [
        quopri.decodestring(f.read_bytes()).decode("utf-8", "replace")
        for f in Path(os.environ["EMAIL_FILE_PATH"]).glob("*.log")
    ]
    assert any(
        "cara@customer.test" in text and "Shipped: “Bulk edit tasks” is live." in text
        for text in written
    )
    assert not violations, _describe(violations)

    # The PM's weekly review lists it among what shipped since the last review.
    page.goto(f"/pm/{product.slug}/review/")
    shipped = page.get_by_role("region", name=re.compile("Newly shipped"))
    expect(shipped).to_contain_text("Bulk edit tasks", timeout=TIMEOUT)


def test_pages_break_no_content_security_policy_rule_and_htmx_still_swaps(
    page: Page, customer: User, sign_in: SignIn, new_context: Callable[..., BrowserContext]
) -> None:
    """The policy allows no inline script or style. Chromium logs every blocked one to the
    console, so a page relying on one (or htmx injecting its own) shows up here."""
    from roadmap.services import item_promote

    pm = _verified(make_user(role=Role.PM, email="pat@vendor.test", name="Pat PM"))
    product = make_product(name="Reports", slug="reports", team=[pm])
    idea = make_idea(product=product, title="Export reports to Excel")
    item = item_promote(
        product=product, ideas=[make_idea(product=product)], by=pm, title="Bulk edit tasks"
    )
    blocked: list[str] = []

    def watch(tab: Page) -> None:
        def on_console(message: Any) -> None:
            if "Content Security Policy" in message.text:
                blocked.append(f"{tab.url}: {message.text}")

        tab.on("console", on_console)

    watch(page)
    sign_in(page, customer)
    page.goto(f"/p/{product.slug}/")
    expect(page.get_by_role("link", name=idea.title)).to_be_visible(timeout=TIMEOUT)

    page.goto(f"/p/{product.slug}/ideas/{idea.pk}/")
    count = page.locator(".vote-box .count")
    expect(count).to_have_text("1")
    page.evaluate("window.__samePage = true")  # gone if the vote reloads the page
    vote_button(page, idea.title).click()
    expect(count).to_have_text("2", timeout=TIMEOUT)
    expect(vote_button(page, idea.title)).to_have_text("Voted")
    assert page.evaluate("window.__samePage") is True
    assert Idea.objects.get(pk=idea.pk).vote_count == 2

    page.goto(f"/p/{product.slug}/ideas/new/")
    page.get_by_label("Title").press_sequentially("Excel export", delay=20)
    expect(page.locator("#similar").get_by_role("link", name=idea.title)).to_be_visible(
        timeout=TIMEOUT
    )

    pm_page = new_context().new_page()
    watch(pm_page)
    sign_in(pm_page, pm)
    pm_page.goto(f"/pm/{product.slug}/roadmap/")
    card = pm_page.locator(f"ol[data-horizon='next'] > #item-{item.pk}")
    expect(card).to_be_visible(timeout=TIMEOUT)
    card.focus()
    pm_page.keyboard.press("Alt+ArrowLeft")
    expect(pm_page.locator("#board-status")).to_have_text(
        "Moved “Bulk edit tasks” to Now, 1 of 1.", timeout=TIMEOUT
    )
    assert RoadmapItem.objects.get(pk=item.pk).horizon == "now"

    assert not blocked, "\n".join(blocked)
