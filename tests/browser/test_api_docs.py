"""The API documentation page works under the Content Security Policy, offline: Swagger UI
comes from our static files and its start-up script from a file, not inline."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_the_api_docs_render_every_operation_without_breaking_the_policy(page: Page) -> None:
    blocked: list[str] = []
    outside: list[str] = []

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            blocked.append(message.text)

    page.on("console", on_console)
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(("http://localhost", "http://127.0.0.1", "data:"))
            else None
        ),
    )
    page.goto("/api/v1/docs/")
    expect(page.get_by_role("heading", name="Ideas portal API")).to_be_visible(timeout=10_000)
    expect(
        page.locator(
            ".opblock-summary-path", has_text="/api/v1/products/{product_slug}/ideas/"
        ).first
    ).to_be_visible()
    assert page.locator(".opblock").count() >= 20
    assert not blocked, blocked
    assert not outside, outside
