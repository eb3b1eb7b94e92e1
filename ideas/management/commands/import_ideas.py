"""``python manage.py import_ideas --product SLUG --source canny|uservoice|fider
[--dry-run] FILE``: ideas, votes or comments from another tool's CSV export, all or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ideas.imports import MAX_BYTES, decode_import
from ideas.models import ImportSource
from ideas.services.imports import ideas_import
from portal.imports import CsvFileError
from portal.models import Product


class Command(BaseCommand):
    help = (
        "Import ideas (with their voters), votes or comments from a CSV export of Canny, "
        "UserVoice or Fider (see docs/imports.md). Every row is checked first: when any is "
        "wrong, each problem is printed by line and nothing is imported. Importing the same "
        "file again creates nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file, UTF-8.")
        parser.add_argument("--product", required=True, help="The product's slug.")
        parser.add_argument("--source", required=True, choices=ImportSource.values)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and count what would be created, without saving anything.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        product = Product.objects.filter(slug=options["product"]).first()
        if product is None:
            raise CommandError(f"No product has the slug {options['product']!r}.")
        path: Path = options["file"]
        try:
            with path.open("rb") as f:
                data = f.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
        try:
            text = decode_import(data)
        except CsvFileError as exc:
            self.stderr.write(str(exc.error))
            raise CommandError("The file cannot be read: nothing was imported.") from None
        result = ideas_import(
            product=product, source=options["source"], text=text, dry_run=options["dry_run"]
        )
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(result.summary)
        self.stdout.write(self.style.SUCCESS(result.summary))
