"""Writing an import from Canny, UserVoice or Fider: all of a file or none of it, and
nothing twice (see ideas/imports.py for the reading, docs/imports.md for the columns)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from ideas.imports import (
    COMMENTS,
    IDEAS,
    VOTES,
    CommentRow,
    ParsedImport,
    VoteRow,
    parse_import_csv,
)
from ideas.models import (
    Comment,
    Decision,
    DecisionKind,
    Idea,
    ImportedRecord,
    ImportSource,
    Status,
    StatusChange,
    Vote,
)
from ideas.services.intake import idea_counters_rebuild
from portal.access import is_product_pm
from portal.imports import RowError
from portal.models import Product, User


@dataclass(frozen=True)
class IdeasImportResult:
    kind: str = ""
    ideas_created: int = 0
    ideas_existing: int = 0
    votes_created: int = 0
    comments_created: int = 0
    users_created: int = 0
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
        counts = (
            f"{self.ideas_created} ideas, {self.votes_created} votes, "
            f"{self.comments_created} comments and {self.users_created} people"
        )
        existing = (
            f" ({self.ideas_existing} ideas were imported before and are left as they are)"
            if self.ideas_existing
            else ""
        )
        if self.dry_run:
            return f"Dry run, nothing saved: the import would create {counts}{existing}."
        return f"Imported {counts}{existing}."


def ideas_import(
    *, product: Product, source: str, text: str, by: User | None = None, dry_run: bool = False
) -> IdeasImportResult:
    """Import one export file into ``product``: all of its rows or none.

    Every row is checked first; with any error nothing is written and the errors come back
    by line. Ideas already imported from the same tool (by their id there), votes already
    cast and comments already imported are skipped, so importing a file twice creates
    nothing the second time. Voters and authors become users by email (no password, email
    unconfirmed) or are matched to existing users. Nobody is emailed and no webhook is
    called: this is history, not news. ``by`` is the PM importing, None for the command."""
    if by is not None and not is_product_pm(by, product):
        raise PermissionDenied("Only the product's PMs and admins import ideas.")
    parsed = parse_import_csv(text, source=source)
    if parsed.errors:
        return IdeasImportResult(kind=parsed.kind, errors=parsed.errors, dry_run=dry_run)
    plan = _Plan(product=product, source=source, parsed=parsed)
    if plan.errors:
        errors = tuple(sorted(plan.errors, key=lambda e: e.line))
        return IdeasImportResult(kind=parsed.kind, errors=errors, dry_run=dry_run)
    result = plan.counts(dry_run=dry_run)
    if dry_run:
        return result
    try:
        with transaction.atomic():
            plan.apply(by=by)
    except IntegrityError:
        return IdeasImportResult(
            kind=parsed.kind,
            errors=(
                RowError(0, "the same records were imported meanwhile; nothing was imported."),
            ),
        )
    return result


class _Plan:
    """What a parsed file would create, found with a few queries whatever its size."""

    def __init__(self, *, product: Product, source: str, parsed: ParsedImport) -> None:
        self.product, self.source, self.parsed = product, source, parsed
        self.errors: list[RowError] = []
        refs = (
            {r.external_id for r in parsed.ideas}
            | {r.duplicate_of for r in parsed.ideas if r.duplicate_of}
            | {r.idea_external_id for r in parsed.votes}
            | {r.idea_external_id for r in parsed.comments}
        )
        self.known_ideas: dict[str, int] = dict(
            ImportedRecord.objects.filter(
                product=product,
                source=source,
                kind=ImportedRecord.Kind.IDEA,
                external_id__in=refs,
            ).values_list("external_id", "idea_id")
        )
        self.known_comments = set(
            ImportedRecord.objects.filter(
                product=product,
                source=source,
                kind=ImportedRecord.Kind.COMMENT,
                external_id__in=[r.external_id for r in parsed.comments],
            ).values_list("external_id", flat=True)
        )
        emails = (
            {r.author_email for r in parsed.ideas if r.author_email}
            | {v for r in parsed.ideas for v in r.voters}
            | {r.email for r in parsed.votes}
            | {r.email for r in parsed.comments if r.email}
        )
        self.users: dict[str, User] = {
            u.email: u for u in User.objects.filter(email__in=sorted(emails))
        }
        self.names: dict[str, str] = {}
        for row in parsed.ideas:
            if row.author_email:
                self.names.setdefault(row.author_email, row.author_name)
        for vote in parsed.votes:
            self.names.setdefault(vote.email, vote.name)
        for comment in parsed.comments:
            if comment.email:
                self.names.setdefault(comment.email, comment.name)
        self.new_emails = sorted(emails - set(self.users))
        in_file = {r.external_id for r in parsed.ideas}
        label = ImportSource(source).label
        for row in parsed.ideas:
            if row.duplicate_of and row.duplicate_of not in in_file | set(self.known_ideas):
                self.errors.append(
                    RowError(
                        row.line,
                        f"original number: post {row.duplicate_of} is neither in this file "
                        "nor imported before.",
                    )
                )
        refs_rows: list[VoteRow | CommentRow] = [*parsed.votes, *parsed.comments]
        for ref_row in refs_rows:
            if ref_row.idea_external_id not in self.known_ideas:
                self.errors.append(
                    RowError(
                        ref_row.line,
                        f"post {ref_row.idea_external_id}: no idea was imported from {label} "
                        "with this id; import the ideas file first.",
                    )
                )
        existing_votes = set(
            Vote.objects.filter(
                idea_id__in=set(self.known_ideas.values()),
                user__email__in=sorted(emails),
            ).values_list("idea_id", "user__email")
        )
        self.votes: list[tuple[str, str, datetime | None]] = []
        for row in parsed.ideas:
            for email in row.voters:
                self.votes.append((row.external_id, email, row.created_at))
        for vote in parsed.votes:
            self.votes.append((vote.idea_external_id, vote.email, vote.created_at))
        self.votes = [
            v for v in self.votes if (self.known_ideas.get(v[0]), v[1]) not in existing_votes
        ]

    def counts(self, *, dry_run: bool) -> IdeasImportResult:
        parsed = self.parsed
        new_ideas = [r for r in parsed.ideas if r.external_id not in self.known_ideas]
        return IdeasImportResult(
            kind=parsed.kind,
            ideas_created=len(new_ideas),
            ideas_existing=len(parsed.ideas) - len(new_ideas),
            votes_created=len({(v[0], v[1]) for v in self.votes}),
            comments_created=sum(
                1 for c in parsed.comments if c.external_id not in self.known_comments
            ),
            users_created=len(self.new_emails),
            dry_run=dry_run,
        )

    def apply(self, *, by: User | None) -> None:
        now = timezone.now()
        label = ImportSource(self.source).label
        for email in self.new_emails:
            user = User(email=email, name=self.names.get(email, ""))
            user.set_unusable_password()
            user.save()
            self.users[email] = user
        ideas: dict[str, Idea] = {}
        for row in self.parsed.ideas:
            if row.external_id in self.known_ideas:
                continue
            author = self.users.get(row.author_email) if row.author_email else None
            created = row.created_at or now
            status = Status.NEW if row.status == Status.MERGED else row.status
            idea = Idea.objects.create(
                product=self.product,
                title=row.title,
                problem=row.body,
                author=author,
                author_email=row.author_email,
                author_account=author.account if author else None,
                status=status,
                confirmed_at=created,
                created_at=created,
            )
            ideas[row.external_id] = idea
            self.known_ideas[row.external_id] = idea.pk
            ImportedRecord.objects.create(
                product=self.product,
                source=self.source,
                kind=ImportedRecord.Kind.IDEA,
                external_id=row.external_id,
                idea=idea,
            )
            if status != Status.NEW:
                StatusChange.objects.create(
                    idea=idea,
                    from_status=Status.NEW,
                    to_status=status,
                    by=by,
                    note=row.response or f"Status in {label} when imported.",
                )
            if status == Status.DECLINED:
                Decision.objects.create(
                    idea=idea,
                    kind=DecisionKind.WILL_NOT_DO,
                    reason=row.response or f"Declined in {label} before the move to this portal.",
                    decided_by=by,
                )
        for row in self.parsed.ideas:
            if row.duplicate_of and row.external_id in ideas:
                target_id = self.known_ideas[row.duplicate_of]
                Idea.objects.filter(pk=ideas[row.external_id].pk).update(
                    status=Status.MERGED, merged_into_id=target_id
                )
                StatusChange.objects.create(
                    idea=ideas[row.external_id],
                    from_status=Status.NEW,
                    to_status=Status.MERGED,
                    by=by,
                    note=f"A duplicate in {label} of post {row.duplicate_of}.",
                )
        Vote.objects.bulk_create(
            [
                Vote(
                    idea_id=self.known_ideas[idea_ref],
                    user=self.users[email],
                    created_at=created or now,
                )
                for idea_ref, email, created in self.votes
            ],
            ignore_conflicts=True,
        )
        touched = {self.known_ideas[v[0]] for v in self.votes} | {i.pk for i in ideas.values()}
        for comment_row in self.parsed.comments:
            if comment_row.external_id in self.known_comments:
                continue
            idea_id = self.known_ideas[comment_row.idea_external_id]
            comment = Comment.objects.create(
                idea_id=idea_id,
                author=self.users.get(comment_row.email) if comment_row.email else None,
                body=comment_row.body,
                created_at=comment_row.created_at or now,
            )
            ImportedRecord.objects.create(
                product=self.product,
                source=self.source,
                kind=ImportedRecord.Kind.COMMENT,
                external_id=comment_row.external_id,
                idea_id=idea_id,
                comment=comment,
            )
            touched.add(idea_id)
        idea_counters_rebuild(idea_ids=sorted(touched))


__all__ = ["COMMENTS", "IDEAS", "VOTES", "IdeasImportResult", "ideas_import"]
