from django import template
from django.utils.safestring import SafeString

from portal.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """User text as sanitised HTML."""
    return render_markdown(text or "")


@register.filter(name="in_set")
def in_set(value: object, container: set[object] | list[object]) -> bool:
    return value in container
