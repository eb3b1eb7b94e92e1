"""A customer downloads their data and deletes their account, in the browser."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from ideas.models import Idea
from ideas.services import vote_cast
from portal.models import User
from tests.factories import make_idea

SignIn = Callable[[Page, User], None]


def test_a_customer_deletes_their_account_from_the_privacy_page(
    page: Page, customer: User, sign_in: SignIn
) -> None:
    idea = make_idea(title="Calendar sync")
    vote_cast(idea=idea, user=customer)
    sign_in(page, customer)
    page.get_by_role("link", name=customer.display_name).click()
    expect(page.get_by_role("link", name="Download my data (JSON)")).to_be_visible()
    confirm = page.get_by_label("Type your email address to confirm")
    expect(confirm).to_be_visible()

    confirm.fill("someone-else@example.test")
    page.get_by_role("button", name="Delete my account").click()
    expect(confirm).to_have_value("someone-else@example.test")
    expect(page.locator(".invalid-feedback")).to_be_visible()
    assert User.objects.filter(pk=customer.pk).exists()

    page.get_by_label("Type your email address to confirm").fill(customer.email)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account is deleted")).to_be_visible()
    assert not User.objects.filter(pk=customer.pk).exists()
    assert Idea.objects.get(pk=idea.pk).vote_count == 1  # the author's vote alone
