"""The fast date filters print exactly what Django's date filter prints."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone

MOMENTS = [
    datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
    datetime(2026, 2, 28, 23, 59, tzinfo=UTC),  # the next day in Berlin
    datetime(2026, 5, 9, 7, 5, tzinfo=UTC),
    datetime(2026, 9, 30, 12, 30, tzinfo=UTC),
    datetime(2026, 12, 31, 22, 45, tzinfo=UTC),  # next year in Berlin
]


def _render(text: str, value: object) -> str:
    return Template("{% load portal_tags %}" + text).render(Context({"value": value}))


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/Los_Angeles"])
def test_short_date_and_time_match_the_date_filter_in_every_zone(zone: str) -> None:
    with override_settings(TIME_ZONE=zone), timezone.override(zone):
        for moment in MOMENTS + [m + timedelta(hours=h) for m in MOMENTS for h in (5, 13)]:
            assert _render("{{ value|short_date }}", moment) == _render(
                '{{ value|date:"j M Y" }}', moment
            )
            assert _render("{{ value|short_datetime }}", moment) == _render(
                '{{ value|date:"j M Y, H:i" }}', moment
            )


def test_short_date_prints_dates_and_nothing_for_none() -> None:
    assert _render("{{ value|short_date }}", date(2027, 6, 13)) == "13 Jun 2027"
    assert _render("{{ value|short_date }}", None) == ""
    assert _render("{{ value|short_datetime }}", None) == ""
