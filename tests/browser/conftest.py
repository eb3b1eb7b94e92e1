"""Browser fixtures: pages open on the live server, and a sign-in through the real form."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test.testcases import _StaticFilesHandler
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from portal.models import User
from tests.factories import PASSWORD, make_user

SignIn = Callable[[Page, User], None]


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server, serving /static/ from STATIC_ROOT as Django's own
    LiveServerTestCase does.

    pytest-django serves /static/ through the staticfiles finders, which do not know the hashed
    names that the manifest storage (used whenever DEBUG is off, as with PostgreSQL) writes into
    pages: every stylesheet and script would 404, htmx would never load, and axe would judge
    unstyled pages. ``scripts/test`` runs collectstatic first, so STATIC_ROOT holds them.
    """
    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _StaticFilesHandler
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """Relative addresses in ``page.goto("/p/...")`` resolve against the live server."""
    return live_server.url


@pytest.fixture
def customer(transactional_db: None) -> User:
    """A customer whose email address is verified, so allauth lets them sign in."""
    # Factory users have no allauth EmailAddress; with mandatory verification, signing in
    # without a verified one sends a confirmation email instead of signing in.
    user = make_user(name="Casey Customer")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def sign_in() -> SignIn:
    """Sign a user in through allauth's login form (works with JavaScript off too)."""

    def _sign_in(page: Page, user: User) -> None:
        page.goto("/accounts/login/")
        page.get_by_label(re.compile(r"^Email:?$")).fill(user.email)
        page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
        page.get_by_role("button", name="Sign In", exact=True).click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=5000)
        expect(page.get_by_text(user.display_name, exact=True)).to_be_visible()

    return _sign_in


@pytest.fixture
def new_context(new_context: Callable[..., BrowserContext]) -> Callable[..., BrowserContext]:
    """pytest-playwright's contexts, failing after 10 s instead of 30 s."""

    def _new_context(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        context.set_default_timeout(10_000)
        return context

    return _new_context
