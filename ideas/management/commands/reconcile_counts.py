"""Recount the counters stored on ideas and report (or, with --fix, repair) any drift.

``python manage.py reconcile_counts [--fix] [--product SLUG] [--limit N]``

Exit status: 0 when every counter matches its rows (or every drift was fixed), 1 when
drift was found and left alone. Safe to run on a live portal; ``--fix`` locks only the
ideas it rewrites, for the length of one UPDATE.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from ideas.services.counters import COUNTERS, CounterDrift, counters_drift, counters_fix
from ideas.services.requests import requests_drift, requests_fix
from portal.models import Product


def _cell(name: str, value: Any) -> str:
    if name == "trending_score":
        return f"{float(value):.6f}"
    return str(value)


def drift_table(drifts: list[CounterDrift], limit: int) -> list[str]:
    """One line per drifted counter: idea, product, counter, stored, counted, title."""
    header = ("idea", "product", "counter", "stored", "counted", "title")
    rows = []
    for drift in drifts[:limit]:
        for name in COUNTERS:
            if name in drift.fields:
                stored, counted = drift.fields[name]
                title = drift.title if len(drift.title) <= 40 else drift.title[:39] + "…"
                rows.append(
                    (
                        str(drift.idea_id),
                        drift.product_slug,
                        name,
                        _cell(name, stored),
                        _cell(name, counted),
                        title,
                    )
                )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = {0, 3, 4}  # numbers line up on the right

    def line(cells: tuple[str, ...]) -> str:
        parts = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    lines = [line(header), line(tuple("-" * w for w in widths)), *(line(r) for r in rows)]
    if len(drifts) > limit:
        lines.append(f"... and {len(drifts) - limit} more ideas (--limit to see more)")
    return lines


class Command(BaseCommand):
    help = (
        "Recount the stored counters of ideas (votes, comments, trending, demand) "
        "and report or fix drift."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="Rewrite drifted counters.")
        parser.add_argument("--product", metavar="SLUG", help="Only this product's ideas.")
        parser.add_argument(
            "--limit", type=int, default=50, help="Ideas listed in the report (default 50)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("reconcile_counts needs PostgreSQL.")
        product_id = None
        scope = "every product"
        if options["product"]:
            product = Product.objects.filter(slug=options["product"]).first()
            if product is None:
                raise CommandError(f"No product with the slug {options['product']!r}.")
            product_id = product.pk
            scope = f"product {product.slug!r}"
        started = time.perf_counter()
        if options["fix"]:
            drifts = counters_fix(product_id=product_id)
            requests = requests_fix(product_id=product_id)
        else:
            drifts = counters_drift(product_id=product_id)
            requests = requests_drift(product_id=product_id)
        elapsed = time.perf_counter() - started
        if not drifts and not requests:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Every counter matches its rows ({scope}, checked in {elapsed:.1f} s)."
                )
            )
            return
        verb = "fixed" if options["fix"] else "found"
        if drifts:
            counters = sum(len(d.fields) for d in drifts)
            self.stdout.write(
                f"Drift {verb} in {len(drifts)} ideas, {counters} counters ({scope}, "
                f"{elapsed:.1f} s):\n"
            )
            for text in drift_table(drifts, max(options["limit"], 0)):
                self.stdout.write(text)
        if requests:
            shown = ", ".join(str(pk) for pk in requests[: max(options["limit"], 0)])
            more = (
                f" and {len(requests) - options['limit']} more"
                if len(requests) > options["limit"]
                else ""
            )
            self.stdout.write(
                f"Requests per account {verb} unlike the votes and proxy votes for "
                f"{len(requests)} ideas: {shown}{more}."
            )
        if options["fix"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"\nFixed: {len(set(requests) | {d.idea_id for d in drifts})} ideas now "
                    "match their rows."
                )
            )
            return
        raise CommandError(
            f"{len(set(requests) | {d.idea_id for d in drifts})} ideas have counters unlike "
            "their rows; run with --fix to repair them."
        )
