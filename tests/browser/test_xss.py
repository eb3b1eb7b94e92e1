"""Stored XSS in a real browser: every page of a product whose every text field holds a
script, opened in headless Chromium by the people who see them. No dialog opens, no marker
is set, and the Content Security Policy reports nothing, so no script even reached the page
as markup (the policy is the second line of defence, not the first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext

from portal.models import User
from tests.security.test_xss import PAGES, Poisoned, poisoned  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser]


def _signed_in(new_context: Callable[..., BrowserContext], user: User | None, base: str) -> Any:
    context = new_context()
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}]
        )
    return context


def _recorder(ran: list[str], page: str, *, dismiss: bool = False) -> Callable[[Any], None]:
    """Notes a dialog (any: the payloads call alert), or a console message about the
    Content Security Policy blocking something."""

    def record(event: Any) -> None:
        if dismiss:
            ran.append(f"{page}: dialog {event.message}")
            event.dismiss()
        elif "Content Security Policy" in event.text or "xss" in event.text.lower():
            ran.append(f"{page}: {event.text}")

    return record


def test_no_stored_script_runs_on_any_page_in_chromium(
    transactional_db: None,
    poisoned: Poisoned,  # noqa: F811 - the imported fixture
    new_context: Callable[..., BrowserContext],
    base_url: str,
) -> None:
    ran: list[str] = []
    contexts: dict[int | None, Any] = {}
    for name in PAGES:
        viewer, url = poisoned.pages[name]
        key = viewer.pk if viewer else None
        if key not in contexts:
            contexts[key] = _signed_in(new_context, viewer, base_url)
        tab = contexts[key].new_page()
        tab.on("dialog", _recorder(ran, name, dismiss=True))
        tab.on("console", _recorder(ran, name))
        response = tab.goto(url)
        assert response is not None
        assert response.status == 200, (name, response.status)
        tab.wait_for_load_state("load")
        # Links with script URLs would run on a click: there must be none to click.
        assert tab.locator("a[href^='javascript:' i], a[href^='data:' i]").count() == 0, name
        assert tab.locator("[onerror], [onload], [onclick]").count() == 0, name
        assert "alert(" in tab.content(), f"{name} shows the poisoned text"
        tab.close()
    assert not ran, "\n".join(ran)
