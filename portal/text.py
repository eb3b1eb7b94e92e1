"""User text to safe HTML: Markdown first, then nh3 keeps only harmless tags and links."""

from __future__ import annotations

import threading
from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension

ALLOWED_TAGS = {
    "a", "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "hr", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


class _EscapeRawHtml(Extension):  # type: ignore[misc]
    """Treat raw HTML in user text as text: '<b>' shows as '<b>' instead of being dropped."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


_local = threading.local()


def _parser() -> markdown.Markdown:
    """One parser per thread, reset between texts: building one costs more than most
    conversions (a page of 50 comments spent two thirds of its time building parsers)."""
    parser: markdown.Markdown | None = getattr(_local, "parser", None)
    if parser is None:
        parser = markdown.Markdown(
            extensions=[_EscapeRawHtml(), "fenced_code", "sane_lists", "nl2br"],
            output_format="html",
        )
        _local.parser = parser
    return parser


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML. nh3 runs last, so nothing unsafe survives either way.

    The same texts are shown again and again (an idea's problem and comments on every
    view): the last 4,096 conversions are kept, a few megabytes per process."""
    html = _parser().reset().convert(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just sanitised it
