"""Ideas, votes and comments from the CSV exports of Canny, UserVoice and Fider: reading
and checking a file, with no queries and no writes.

A file is one of three kinds, told apart by its header: ideas (posts, suggestions), votes
(voters, supporters) or comments. ``parse_import_csv`` turns it into typed rows and the
errors of the rows that are wrong, by line as a spreadsheet shows it (the header is line
1). ``ideas.services.imports.ideas_import`` checks the rows against the database and
writes them. The columns of each tool are documented in docs/imports.md.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ideas.models import ImportSource, Status
from portal.imports import CsvFileError, RowError

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
TITLE_MAX = 140
EXTERNAL_ID_MAX = 200

IDEAS, VOTES, COMMENTS = "ideas", "votes", "comments"


@dataclass(frozen=True)
class Shape:
    """One kind of file of one tool: our field -> the header names that tool uses."""

    kind: str
    columns: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]


_CANNY = (
    Shape(
        IDEAS,
        {
            "id": ("id", "post id"),
            "title": ("title",),
            "body": ("details", "description"),
            "status": ("status",),
            "author_email": ("author email",),
            "author_name": ("author name", "author"),
            "created_at": ("created at", "created"),
            "voters": ("voters", "voter emails"),
            "response": ("status comment", "response"),
        },
        ("id", "title"),
    ),
    Shape(
        COMMENTS,
        {
            "idea": ("post id",),
            "id": ("comment id",),
            "body": ("comment", "value", "text"),
            "email": ("author email", "email"),
            "name": ("author name", "author"),
            "created_at": ("created at", "created"),
        },
        ("idea", "body"),
    ),
    Shape(
        VOTES,
        {
            "idea": ("post id",),
            "email": ("voter email", "email"),
            "name": ("voter name", "name"),
            "created_at": ("created at", "voted at", "created"),
        },
        ("idea", "email"),
    ),
)
_USERVOICE = (
    Shape(
        IDEAS,
        {
            "id": ("suggestion id", "id"),
            "title": ("title", "suggestion title"),
            "body": ("description", "text", "body"),
            "status": ("status",),
            "author_email": ("creator email", "user email", "submitter email"),
            "author_name": ("creator name", "user name", "submitter name"),
            "created_at": ("created at", "created"),
            "response": ("status message", "admin response", "response"),
        },
        ("id", "title"),
    ),
    Shape(
        COMMENTS,
        {
            "idea": ("suggestion id",),
            "id": ("comment id", "id"),
            "body": ("comment", "text", "body"),
            "email": ("user email", "creator email", "email"),
            "name": ("user name", "creator name", "name"),
            "created_at": ("created at", "created"),
        },
        ("idea", "body"),
    ),
    Shape(
        VOTES,
        {
            "idea": ("suggestion id",),
            "email": ("user email", "supporter email", "email"),
            "name": ("user name", "supporter name", "name"),
            "created_at": ("created at", "created"),
        },
        ("idea", "email"),
    ),
)
_FIDER = (
    Shape(
        IDEAS,
        {
            "id": ("number",),
            "title": ("title",),
            "body": ("description",),
            "status": ("status",),
            "author_name": ("created by",),
            "author_email": ("created by email", "author email"),
            "created_at": ("created at",),
            "response": ("response",),
            "duplicate_of": ("original number",),
        },
        ("id", "title"),
    ),
    Shape(
        COMMENTS,
        {
            "idea": ("post number",),
            "id": ("comment id", "id"),
            "body": ("content", "comment"),
            "email": ("user email", "email"),
            "name": ("user name", "name"),
            "created_at": ("created at",),
        },
        ("idea", "body"),
    ),
    Shape(
        VOTES,
        {
            "idea": ("post number",),
            "email": ("user email", "email"),
            "name": ("user name", "name"),
            "created_at": ("created at",),
        },
        ("idea", "email"),
    ),
)
SHAPES: dict[str, tuple[Shape, ...]] = {
    ImportSource.CANNY: _CANNY,
    ImportSource.USERVOICE: _USERVOICE,
    ImportSource.FIDER: _FIDER,
}

# Each tool's statuses, lower-cased, and ours. An empty status is "new".
STATUSES: dict[str, dict[str, str]] = {
    ImportSource.CANNY: {
        "open": Status.NEW,
        "under review": Status.UNDER_REVIEW,
        "planned": Status.PLANNED,
        "in progress": Status.IN_PROGRESS,
        "complete": Status.SHIPPED,
        "closed": Status.DECLINED,
    },
    ImportSource.USERVOICE: {
        "active": Status.NEW,
        "gathering feedback": Status.NEW,
        "under review": Status.UNDER_REVIEW,
        "planned": Status.PLANNED,
        "started": Status.IN_PROGRESS,
        "in progress": Status.IN_PROGRESS,
        "completed": Status.SHIPPED,
        "declined": Status.DECLINED,
        "closed": Status.DECLINED,
    },
    ImportSource.FIDER: {
        "open": Status.NEW,
        "planned": Status.PLANNED,
        "started": Status.IN_PROGRESS,
        "completed": Status.SHIPPED,
        "declined": Status.DECLINED,
        "duplicate": Status.MERGED,
    },
}


@dataclass(frozen=True)
class IdeaRow:
    line: int
    external_id: str
    title: str
    body: str
    status: str
    author_email: str
    author_name: str
    created_at: datetime | None
    voters: tuple[str, ...] = ()
    response: str = ""
    duplicate_of: str = ""


@dataclass(frozen=True)
class VoteRow:
    line: int
    idea_external_id: str
    email: str
    name: str
    created_at: datetime | None


@dataclass(frozen=True)
class CommentRow:
    line: int
    idea_external_id: str
    external_id: str
    email: str
    name: str
    body: str
    created_at: datetime | None


@dataclass(frozen=True)
class ParsedImport:
    kind: str = ""
    ideas: tuple[IdeaRow, ...] = ()
    votes: tuple[VoteRow, ...] = ()
    comments: tuple[CommentRow, ...] = ()
    errors: tuple[RowError, ...] = field(default_factory=tuple)


# --- Text ------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def clean_text(text: str) -> str:
    """Plain text from a cell: control characters dropped, HTML (UserVoice and Canny
    export some fields as HTML) reduced to its text. What remains is shown through the
    Markdown sanitiser like any text typed on the portal."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if _TAG.search(text):
        text = re.sub(r"<br\s*/?>|</p>", "\n", text, flags=re.IGNORECASE)
        text = html.unescape(nh3.clean(text, tags=set()))
    return text.strip()


def comment_key(row_idea: str, email: str, body: str, created_at: datetime | None) -> str:
    """An id for a comment exported without one: the same comment gives the same key."""
    stamp = created_at.isoformat() if created_at else ""
    digest = hashlib.sha256(f"{row_idea}\n{email}\n{stamp}\n{body}".encode()).hexdigest()
    return f"sha256:{digest[:40]}"


def _date(text: str) -> datetime | None:
    """ISO 8601 (what the three tools write), or a plain date; naive times are UTC."""
    value = text.strip()
    if not value:
        return None
    value = value.replace("Z", "+00:00") if value.endswith("Z") else value
    for parse in (
        datetime.fromisoformat,
        lambda v: datetime.strptime(v, "%m/%d/%Y %H:%M"),
        lambda v: datetime.strptime(v, "%m/%d/%Y"),
    ):
        try:
            moment = parse(value)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise ValueError(value)


def _email(text: str) -> str:
    email = text.strip().lower()
    validate_email(email)
    return email


# --- Reading a file --------------------------------------------------------------------


def _normal(name: str) -> str:
    return re.sub(r"[\s_-]+", " ", name.strip().lower())


def _shape_for(header: list[str], source: str) -> tuple[Shape, dict[str, int]] | None:
    names = {_normal(cell): index for index, cell in reversed(list(enumerate(header)))}
    for shape in SHAPES[source]:
        found = {}
        for name, aliases in shape.columns.items():
            for alias in aliases:
                if alias in names:
                    found[name] = names[alias]
                    break
        if all(name in found for name in shape.required):
            return shape, found
    return None


def _expected(source: str) -> str:
    parts = []
    for shape in SHAPES[source]:
        columns = " and ".join(f"“{shape.columns[name][0]}”" for name in shape.required)
        parts.append(f"{shape.kind} ({columns})")
    return "; ".join(parts)


def parse_import_csv(text: str, *, source: str) -> ParsedImport:
    """Typed rows of one kind and the errors of the others. A row with an error yields
    no row; every problem of every row is reported."""
    if source not in SHAPES:
        return ParsedImport(errors=(RowError(0, f"unknown source {source!r}."),))
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return ParsedImport(errors=(RowError(0, too_large()),))
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    shape: Shape | None = None
    columns: dict[str, int] = {}
    ideas: list[IdeaRow] = []
    votes: list[VoteRow] = []
    comments: list[CommentRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    line = 0
    rows = 0
    try:
        for cells in reader:
            line = reader.line_num - cells_lines(cells) + 1
            if not any(cell.strip() for cell in cells):
                continue
            if shape is None:
                found = _shape_for(cells, source)
                if found is None:
                    label = ImportSource(source).label
                    return ParsedImport(
                        errors=(
                            RowError(
                                line,
                                f"this header is not one of {label}'s exports; expected "
                                f"{_expected(source)} columns (see docs/imports.md).",
                            ),
                        )
                    )
                shape, columns = found
                continue
            rows += 1
            if rows > MAX_ROWS:
                return ParsedImport(
                    kind=shape.kind,
                    errors=(
                        RowError(
                            line,
                            f"the file has more than {MAX_ROWS:,} rows; split it and import "
                            "the parts one after the other.",
                        ),
                    ),
                )

            def cell(name: str, cells: list[str] = cells, columns: dict[str, int] = columns) -> str:
                index = columns.get(name)
                return cells[index] if index is not None and index < len(cells) else ""

            messages: list[str] = []
            if shape.kind == IDEAS:
                row = _idea_row(cell, line, source, messages, seen)
                if row is not None and not messages:
                    ideas.append(row)
            elif shape.kind == VOTES:
                vote = _vote_row(cell, line, messages)
                if vote is not None and not messages:
                    key = f"{vote.idea_external_id}\n{vote.email}"
                    first = seen.setdefault(key, line)
                    if first == line:
                        votes.append(vote)
            else:
                comment = _comment_row(cell, line, messages, seen)
                if comment is not None and not messages:
                    comments.append(comment)
            errors.extend(RowError(line, message) for message in messages)
    except csv.Error as exc:
        errors.append(RowError(line + 1, f"this line cannot be read as CSV ({exc})."))
    if shape is None:
        return ParsedImport(errors=(RowError(1, "the file is empty; line 1 must be the header."),))
    if rows == 0 and not errors:
        errors.append(RowError(2, "there are no rows below the header."))
    return ParsedImport(
        kind=shape.kind,
        ideas=tuple(ideas),
        votes=tuple(votes),
        comments=tuple(comments),
        errors=tuple(errors),
    )


def cells_lines(cells: list[str]) -> int:
    """How many lines of the file a record spans (cells may hold line breaks)."""
    return 1 + sum(cell.count("\n") for cell in cells)


Get = Callable[[str], str]


def _external_id(text: str, what: str, messages: list[str]) -> str:
    value = text.strip()
    if not value:
        messages.append(f"{what}: required.")
    elif len(value) > EXTERNAL_ID_MAX:
        messages.append(f"{what}: longer than {EXTERNAL_ID_MAX} characters.")
    return value


def _when(text: str, messages: list[str]) -> datetime | None:
    try:
        return _date(text)
    except ValueError:
        messages.append(f"created at: “{text.strip()}” is not a date like 2024-03-01T09:30:00Z.")
        return None


def _idea_row(
    get: Get, line: int, source: str, messages: list[str], seen: dict[str, int]
) -> IdeaRow | None:
    external_id = _external_id(get("id"), "id", messages)
    if external_id:
        first = seen.setdefault(external_id, line)
        if first != line:
            messages.append(f"id: {external_id} is also on line {first}.")
    title = " ".join(clean_text(get("title")).split())
    if not title:
        messages.append("title: required.")
    elif len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    raw_status = " ".join(get("status").strip().lower().replace("_", " ").split())
    status = STATUSES[source].get(raw_status, "") if raw_status else Status.NEW
    if not status:
        known = ", ".join(sorted(STATUSES[source]))
        messages.append(f"status: “{raw_status}” is not one of {known} (or leave it empty).")
    author_email = ""
    raw_email = get("author_email").strip()
    if raw_email:
        try:
            author_email = _email(raw_email)
        except ValidationError:
            messages.append(f"author email: “{raw_email}” is not an email address.")
    voters: dict[str, None] = {}
    for chunk in re.split(r"[\s,;]+", get("voters")):
        if not chunk:
            continue
        try:
            voters[_email(chunk)] = None
        except ValidationError:
            messages.append(f"voters: “{chunk}” is not an email address.")
    duplicate_of = get("duplicate_of").strip()
    if status == Status.MERGED and not duplicate_of:
        messages.append("original number: a duplicate must name the post it duplicates.")
    created_at = _when(get("created_at"), messages)
    if messages:
        return None
    return IdeaRow(
        line=line,
        external_id=external_id,
        title=title,
        body=clean_text(get("body")),
        status=status,
        author_email=author_email,
        author_name=" ".join(clean_text(get("author_name")).split())[:150],
        created_at=created_at,
        voters=tuple(voters),
        response=clean_text(get("response")),
        duplicate_of=duplicate_of if status == Status.MERGED else "",
    )


def _vote_row(get: Get, line: int, messages: list[str]) -> VoteRow | None:
    idea = _external_id(get("idea"), "post", messages)
    raw = get("email").strip()
    email = ""
    if not raw:
        messages.append("email: required; a vote is matched to its voter by email.")
    else:
        try:
            email = _email(raw)
        except ValidationError:
            messages.append(f"email: “{raw}” is not an email address.")
    created_at = _when(get("created_at"), messages)
    if messages:
        return None
    name = " ".join(clean_text(get("name")).split())[:150]
    return VoteRow(line=line, idea_external_id=idea, email=email, name=name, created_at=created_at)


def _comment_row(
    get: Get, line: int, messages: list[str], seen: dict[str, int]
) -> CommentRow | None:
    idea = _external_id(get("idea"), "post", messages)
    body = clean_text(get("body"))
    if not body:
        messages.append("comment: empty.")
    raw = get("email").strip()
    email = ""
    if raw:
        try:
            email = _email(raw)
        except ValidationError:
            messages.append(f"email: “{raw}” is not an email address.")
    created_at = _when(get("created_at"), messages)
    if messages:
        return None
    external_id = get("id").strip()[:EXTERNAL_ID_MAX] or comment_key(idea, email, body, created_at)
    first = seen.setdefault(f"comment:{external_id}", line)
    if first != line:
        messages.append(f"comment id: {external_id} is also on line {first}.")
        return None
    return CommentRow(
        line=line,
        idea_external_id=idea,
        external_id=external_id,
        email=email,
        name=" ".join(clean_text(get("name")).split())[:150],
        body=body,
        created_at=created_at,
    )


def too_large() -> str:
    return f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files."


def decode_import(data: bytes) -> str:
    """The text of an uploaded export: UTF-8 with or without a byte order mark, 10 MB at
    most. Raises ``CsvFileError`` with a message for the person who uploaded it."""
    if len(data) > MAX_BYTES:
        raise CsvFileError(RowError(0, too_large()))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFileError(
            RowError(0, "the file is UTF-16 text; save it as “CSV UTF-8” and try again.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvFileError(
            RowError(line, "the file is not UTF-8 text; save it as “CSV UTF-8” and try again.")
        ) from None
