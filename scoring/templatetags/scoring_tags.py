"""Template helpers for the scoring pages."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@lru_cache(maxsize=256)
def _options(options: tuple[tuple[str, bool], ...]) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if selected else "", value) for value, selected in options),
    )


@register.simple_tag
def rating_options(options: list[tuple[str, bool]]) -> SafeString:
    """The <option>s of an inline rating input, the current value selected. A ranking
    page has hundreds of these and few distinct ones: each is built once."""
    return _options(tuple(options))
