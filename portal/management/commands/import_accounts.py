"""``python manage.py import_accounts FILE [--dry-run]``: accounts from CSV, all or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.imports import MAX_BYTES, CsvFileError, decode_csv
from portal.services import accounts_import


class Command(BaseCommand):
    help = (
        "Create or update accounts from a CSV file with the columns name, domains, arr, "
        "segment, renewal_date, owner_email (see docs/accounts-csv.md). Every row is checked "
        "first: when any is wrong, each problem is printed by line and nothing is imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file, UTF-8.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and count what would change, without saving anything.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            with path.open("rb") as f:
                data = f.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
        try:
            text = decode_csv(data)
        except CsvFileError as exc:
            self.stderr.write(str(exc.error))
            raise CommandError("The file cannot be read: nothing was imported.") from None
        result = accounts_import(
            text=text, dry_run=options["dry_run"], actor_label="manage.py import_accounts"
        )
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(result.summary)
        self.stdout.write(self.style.SUCCESS(result.summary))
