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


@register.filter(name="get_item")
def get_item(mapping: dict[object, object] | None, key: object) -> object:
    """mapping[key] in a template, None when absent."""
    return (mapping or {}).get(key)


@register.filter(name="percent")
def percent(value: float | None) -> str:
    """0.25 -> '25%'."""
    return "" if value is None else f"{round(float(value) * 100)}%"
