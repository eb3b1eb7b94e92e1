"""Accounts from CSV: reading and checking the file, with no queries and no writes.

``parse_accounts_csv`` turns the text into typed rows and the errors of the rows that are
wrong, by line as a spreadsheet shows it (the header is line 1; a cell holding a line break
does not shift the lines below). ``resolve_rows`` then checks the rows against what the
database holds (owners, domains of existing accounts), passed in as plain mappings.
``portal.services.accounts_import`` loads those and writes. The columns are documented in
docs/accounts-csv.md.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from portal.models import Segment

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
COLUMNS = ("name", "domains", "arr", "segment", "renewal_date", "owner_email")
ARR_LIMIT = Decimal("1000000000000")  # Account.arr: 14 digits, 2 of them after the point.
NAME_MAX_LENGTH = 200
DOMAIN_MAX_LENGTH = 253

_DOMAIN = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
)
_DOMAIN_SEPARATORS = re.compile(r"[\s,;]+")
# 120000, 120000.5, 120,000.50 (after any "$"); not 1,20,000 nor 120.000,50.
_AMOUNT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SEGMENTS = {value: value for value in Segment.values} | {
    str(label).lower(): value for value, label in Segment.choices
}
_HINT_ARR = "write it like 120000, 120,000.50 or $120000"


@dataclass(frozen=True)
class RowError:
    """A problem with the file: ``line`` as a spreadsheet numbers it, 0 for the whole file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else f"file: {self.message}"


@dataclass(frozen=True)
class AccountRow:
    line: int
    name: str
    domains: tuple[str, ...]
    arr: Decimal
    segment: str
    renewal_date: date | None
    owner_email: str


@dataclass(frozen=True)
class ParsedCsv:
    rows: tuple[AccountRow, ...]
    errors: tuple[RowError, ...]


@dataclass(frozen=True)
class OwnerRef:
    """A user named as an account owner, as the database knows them."""

    pk: int
    email: str
    is_active: bool
    is_team_member: bool


@dataclass(frozen=True)
class AccountRef:
    pk: int
    name: str


@dataclass(frozen=True)
class ResolvedRow:
    """A valid row, with the existing account it updates (None: a new one) and its owner."""

    row: AccountRow
    account_id: int | None
    owner_id: int | None


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[RowError, ...] = ()
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        if self.errors:
            count = len(self.errors)
            return f"{count} problem{'s' if count != 1 else ''} in the file: nothing was imported."
        counts = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.dry_run:
            return f"Dry run, nothing saved. Accounts that would be {counts}."
        return f"Accounts {counts}."


class CsvFileError(Exception):
    """The bytes are not a file we can read (too large, not UTF-8)."""

    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


def decode_csv(data: bytes) -> str:
    """The text of an uploaded file: UTF-8, with or without a byte order mark."""
    if len(data) > MAX_BYTES:
        raise CsvFileError(RowError(0, _too_large()))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFileError(
            RowError(0, "the file is UTF-16 text; save it as “CSV UTF-8” and try again.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex().upper()
        raise CsvFileError(
            RowError(
                line,
                f"the file is not UTF-8 text (byte 0x{byte} here); "
                "save it as “CSV UTF-8” and try again.",
            )
        ) from None


def parse_accounts_csv(text: str) -> ParsedCsv:
    """Typed rows and the errors of the others. A row with an error yields no row."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return _failed(RowError(0, _too_large()))
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header: dict[str, int] | None = None
    rows: list[AccountRow] = []
    errors: list[RowError] = []
    domain_lines: dict[str, int] = {}
    data_rows = 0
    line = 0
    try:
        for line, cells in enumerate(reader, start=1):
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header, header_error = _read_header(cells, line)
                if header_error is not None:
                    return _failed(header_error)
                continue
            data_rows += 1
            if data_rows > MAX_ROWS:
                return _failed(
                    RowError(
                        line,
                        f"the file has more than {MAX_ROWS:,} accounts; split it into "
                        "smaller files and import them one after the other.",
                    )
                )
            row, messages = _read_row(cells, header, line, domain_lines)
            errors.extend(RowError(line, message) for message in messages)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        errors.append(RowError(line + 1, f"this line cannot be read as CSV ({exc})."))
    if header is None:
        return _failed(RowError(1, f"the file is empty; line 1 must be the header: {_columns()}."))
    if data_rows == 0 and not errors:
        errors.append(RowError(line + 1, "there are no accounts below the header."))
    return ParsedCsv(rows=tuple(rows), errors=tuple(errors))


def resolve_rows(
    rows: Iterable[AccountRow],
    *,
    owners: Mapping[str, OwnerRef],
    domain_accounts: Mapping[str, AccountRef],
) -> tuple[list[ResolvedRow], list[RowError]]:
    """Match each row to the existing account owning any of its domains, and its owner.

    ``owners`` is keyed by lower-case email, ``domain_accounts`` by domain. A row whose
    domains belong to two accounts, or that matches an account another row already
    updates, is an error: a domain moves between accounts only by editing them."""
    resolved: list[ResolvedRow] = []
    errors: list[RowError] = []
    updated_by: dict[int, int] = {}
    for row in rows:
        messages: list[str] = []
        owner_id = None
        if row.owner_email:
            owner = owners.get(row.owner_email)
            if owner is None:
                messages.append(f"owner_email: no user has the email {row.owner_email}.")
            elif not owner.is_active:
                messages.append(f"owner_email: {owner.email} is deactivated.")
            elif not owner.is_team_member:
                messages.append(
                    f"owner_email: {owner.email} is not in sales, support, product or admin; "
                    "only they can own accounts."
                )
            else:
                owner_id = owner.pk
        matches: dict[int, tuple[AccountRef, str]] = {}
        for domain in row.domains:
            account = domain_accounts.get(domain)
            if account is not None:
                matches.setdefault(account.pk, (account, domain))
        account_id = None
        if len(matches) > 1:
            owned = ", ".join(
                f"{domain} belongs to “{account.name}”"
                for account, domain in sorted(matches.values(), key=lambda m: m[1])
            )
            messages.append(
                f"domains: {owned}; a row can update one account only, "
                "so change the other account first."
            )
        elif matches:
            ((account, domain),) = matches.values()
            if account.pk in updated_by:
                messages.append(
                    f"domains: {domain} belongs to “{account.name}”, which line "
                    f"{updated_by[account.pk]} already updates; merge the two rows."
                )
            else:
                updated_by[account.pk] = row.line
                account_id = account.pk
        errors.extend(RowError(row.line, message) for message in messages)
        if not messages:
            resolved.append(ResolvedRow(row=row, account_id=account_id, owner_id=owner_id))
    return resolved, errors


class AccountsCsvForm(forms.Form):
    """The admin upload: reads the file into ``cleaned_data["text"]``."""

    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8, with the header {', '.join(COLUMNS)}. At most 5 MB.",
    )
    dry_run = forms.BooleanField(
        required=False,
        label="Dry run",
        help_text="Check the file and count what would change, without saving anything.",
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size is not None and upload.size > MAX_BYTES:
            raise ValidationError({"file": _too_large()})
        try:
            cleaned["text"] = decode_csv(upload.read(MAX_BYTES + 1))
        except CsvFileError as exc:
            raise ValidationError({"file": str(exc.error)}) from None
        return cleaned


# --- Reading one row ---------------------------------------------------------------------


def _failed(error: RowError) -> ParsedCsv:
    return ParsedCsv(rows=(), errors=(error,))


def _too_large() -> str:
    return f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files."


def _columns() -> str:
    return ", ".join(COLUMNS)


def _delimiter(text: str) -> str:
    """Commas, unless the header line uses semicolons or tabs (spreadsheets in some
    locales save CSV with semicolons). Header names hold none of these characters."""
    first = next((line for line in io.StringIO(text, newline="") if line.strip()), "")
    if "," not in first:
        for candidate in (";", "\t"):
            if candidate in first:
                return candidate
    return ","


def _read_header(cells: list[str], line: int) -> tuple[dict[str, int], RowError | None]:
    header: dict[str, int] = {}
    duplicated: list[str] = []
    for index, cell in enumerate(cells):
        name = re.sub(r"[\s-]+", "_", cell.strip().lower())
        if name in COLUMNS:
            if name in header:
                duplicated.append(name)
            header.setdefault(name, index)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return header, RowError(
            line, f"the header lacks {', '.join(missing)}; it must name {_columns()}."
        )
    if duplicated:
        return header, RowError(line, f"the header names {', '.join(duplicated)} twice.")
    return header, None


def _read_row(
    cells: list[str], header: Mapping[str, int], line: int, domain_lines: dict[str, int]
) -> tuple[AccountRow | None, list[str]]:
    """The row, or the messages saying what is wrong with it. ``domain_lines`` remembers
    on which line each domain appeared first, to catch one on two rows."""

    def cell(column: str) -> str:
        index = header[column]
        return cells[index].strip() if index < len(cells) else ""

    messages: list[str] = []
    name = cell("name")
    if not name:
        messages.append("name: required.")
    elif len(name) > NAME_MAX_LENGTH:
        messages.append(f"name: longer than {NAME_MAX_LENGTH} characters.")

    domains, domain_messages = _parse_domains(cell("domains"))
    messages.extend(domain_messages)
    for domain in domains:
        first = domain_lines.setdefault(domain, line)
        if first != line:
            messages.append(f"domains: {domain} is also on line {first}.")

    arr, arr_message = _parse_arr(cell("arr"))
    if arr_message:
        messages.append(arr_message)

    raw_segment = cell("segment")
    segment = _SEGMENTS.get(raw_segment.lower(), "") if raw_segment else ""
    if raw_segment and not segment:
        messages.append(
            f"segment: “{raw_segment}” is not one of {', '.join(Segment.values)} "
            "(or leave it empty)."
        )

    renewal_date, date_message = _parse_date(cell("renewal_date"))
    if date_message:
        messages.append(date_message)

    owner_email = cell("owner_email").lower()
    if owner_email:
        try:
            validate_email(owner_email)
        except ValidationError:
            messages.append(f"owner_email: “{owner_email}” is not an email address.")

    if messages or arr is None:
        return None, messages
    row = AccountRow(
        line=line,
        name=name,
        domains=tuple(domains),
        arr=arr,
        segment=segment,
        renewal_date=renewal_date,
        owner_email=owner_email,
    )
    return row, []


def _parse_domains(text: str) -> tuple[list[str], list[str]]:
    domains: dict[str, None] = {}
    messages: list[str] = []
    for chunk in _DOMAIN_SEPARATORS.split(text):
        domain = chunk.lstrip("@").rstrip(".").lower()
        if not domain:
            continue
        if "@" in domain:
            messages.append(
                f"domains: “{chunk}” is an email address; give its domain, "
                f"{domain.rpartition('@')[2]}."
            )
        elif len(domain) > DOMAIN_MAX_LENGTH or not _DOMAIN.fullmatch(domain):
            messages.append(f"domains: “{chunk}” is not a domain like example.com.")
        else:
            domains[domain] = None
    if not domains and not messages:
        messages.append("domains: at least one email domain is required, like example.com.")
    return list(domains), messages


def _parse_arr(text: str) -> tuple[Decimal | None, str]:
    raw = text.replace(" ", "")
    if not raw:
        return None, f"arr: required; {_HINT_ARR}."
    amount = raw.replace("$", "", 1) if raw.startswith(("$", "-$")) else raw
    if amount.startswith("-"):
        return None, "arr: cannot be negative."
    if not _AMOUNT.fullmatch(amount):
        return None, f"arr: “{text}” is not a number; {_HINT_ARR}."
    try:
        value = Decimal(amount.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None, f"arr: “{text}” is not a number; {_HINT_ARR}."
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return None, f"arr: “{text}” has more than 2 decimal places."
    if value >= ARR_LIMIT:
        return None, f"arr: “{text}” is too large."
    return value.quantize(Decimal("0.01")), ""


def _parse_date(text: str) -> tuple[date | None, str]:
    if not text:
        return None, ""
    if not _ISO_DATE.fullmatch(text):
        return None, f"renewal_date: “{text}” is not a date written YYYY-MM-DD."
    try:
        return date.fromisoformat(text), ""
    except ValueError:
        return None, f"renewal_date: {text} is not a day of the calendar."
