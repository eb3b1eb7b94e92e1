"""Fill PostgreSQL with a product at scale, for benchmarks: ``bench/load`` and by hand.

``python manage.py seed_scale --ideas 100000 --votes 1000000 --users 100000 --accounts 10000``

The data is skewed the way real portals are: votes per idea follow a Zipf law (a few
ideas with thousands of votes, a long tail with one or two), active users vote more,
comments follow votes, proxy votes go to popular ideas, PMs rate the popular ideas first,
statuses run from new to shipped with decision records on the declined ones, and a
roadmap delivers the most wanted planned ideas.

Rows go in with COPY (the ideas' secondary indexes are dropped during the load and rebuilt
from their own definitions after it); the stored counters (votes, comments, trending,
accounts, revenue at stake, demand by importance) are then recomputed from the rows in
set-based SQL, and ``scoring.services.product_rescore`` scores every idea. It lives in the
rightmost app because it fills every app.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TextIO

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from ideas.models import (
    Category,
    Comment,
    Decision,
    DecisionKind,
    Follow,
    Idea,
    Importance,
    ProxyVote,
    Source,
    Status,
    StatusChange,
    Vote,
)
from ideas.services.counters import counters_recount
from portal.celery import app as celery_app
from portal.models import Account, AccountDomain, Product, Role, Segment, User
from roadmap.models import (
    ChangelogEntry,
    Horizon,
    ItemStatus,
    Release,
    RoadmapEvent,
    RoadmapItem,
)
from scoring.models import IdeaGoal, Rating, Scorecard, ScoreEvent
from scoring.services import goal_save, product_rescore

NULL = r"\N"
ZIPF_EXPONENT = 0.7  # top idea ~1% of all votes at 100k ideas; rank 1,000 about 80 votes
SHARE_USERS_IN_ACCOUNTS = 0.3  # most voters on a public portal belong to no customer
ACCOUNTS_PER_SALES_REP = 40
HISTORY_DAYS = 3 * 365

VERBS = (
    "Export", "Import", "Sync", "Filter", "Bulk edit", "Schedule", "Share", "Archive",
    "Search", "Tag", "Comment on", "Approve", "Duplicate", "Restore", "Lock", "Audit",
    "Compare", "Merge", "Preview", "Print", "Group", "Sort", "Assign", "Automate",
    "Embed", "Annotate", "Subscribe to", "Pin", "Publish", "Translate", "Encrypt",
    "Version", "Rename", "Move", "Link", "Customise", "Track", "Forecast", "Review", "Hide",
)  # fmt: skip
OBJECTS = (
    "dashboards", "reports", "invoices", "projects", "tasks", "contacts", "tickets",
    "pipelines", "forms", "documents", "templates", "workflows", "calendars", "campaigns",
    "assets", "orders", "contracts", "roadmaps", "surveys", "playbooks", "integrations",
    "webhooks", "API keys", "user roles", "audit logs", "notifications", "custom fields",
    "saved views", "time entries", "budgets", "milestones", "sprints", "boards", "charts",
    "attachments", "comments", "approvals", "checklists", "goals", "timesheets", "leads",
    "deals", "quotes", "subscriptions", "payments", "vendors", "inventory", "shipments",
    "tickets by SLA", "knowledge base articles", "release notes", "feature flags",
    "environments", "deployments", "alerts", "incidents", "on-call schedules", "teams",
    "guest users", "workspaces",
)  # fmt: skip
QUALIFIERS = (
    "to CSV", "to Excel", "with Jira", "with Salesforce", "with Slack", "from the mobile app",
    "in bulk", "by date range", "for guests", "with SSO", "offline", "on a schedule",
    "per team", "with approval", "in dark mode", "via the API", "across workspaces",
    "with version history", "in Google Sheets", "with Microsoft Teams", "by custom field",
    "for admins only", "without page reloads", "in multiple languages",
    "with keyboard shortcuts", "from email", "with HubSpot", "with Zendesk", "as PDF",
    "with GitHub", "with an audit trail", "per customer", "with templates", "on tablets",
    "in real time", "with SAML", "by owner", "with reminders", "in the sidebar", "weekly",
)  # fmt: skip
ROLES = (
    "project manager",
    "team lead",
    "admin",
    "finance analyst",
    "support agent",
    "sales rep",
    "developer",
    "designer",
    "operations manager",
    "consultant",
)
REASONS = (
    "we lose hours every week doing it by hand",
    "our auditors ask for it every quarter",
    "our customers expect it and we keep apologising",
    "leadership reviews this every Monday",
    "half of the team works on the road",
    "we cannot roll the product out to the rest of the company without it",
    "mistakes creep in when we copy things across tools",
    "it is the one thing our competitors' tools do better",
)
WORKAROUNDS = (
    "copy and paste into a spreadsheet",
    "ask an admin to do it for us",
    "use a browser extension that breaks every other week",
    "keep a separate list by hand",
    "",
    "",
)
COMMENTS = (
    "+1, this would save our team a lot of time.",
    "We need this too. Any update on when it might land?",
    "Same here: we are working around it with a spreadsheet today.",
    "This is the main thing stopping us from moving the rest of the company over.",
    "Would love this. Ideally it would also work from the mobile app.",
    "Is there a way to do part of this already? Even a partial solution would help.",
    "Our admins asked about this again this week.",
    "Please make it configurable per team, not only per workspace.",
)
INTERNAL_COMMENTS = (
    "Engineering estimate: about two sprints, mostly the permissions work.",
    "Heard this on three renewal calls this month.",
    "Overlaps with the reporting rework; check before promising anything.",
)
DECLINE_REASONS = {
    DecisionKind.NOT_NOW: "It is a good idea, but this year we focus on reliability and "
    "enterprise needs. We will look at it again when we plan the next half.",
    DecisionKind.WILL_NOT_DO: "We will not build this: it would make the product harder to use "
    "for most teams, and we would rather say so clearly now.",
    DecisionKind.ALREADY_POSSIBLE: "This is already possible: the steps are in the help article "
    "linked below.",
    DecisionKind.OUT_OF_SCOPE: "This is outside what the product is for; a dedicated tool "
    "does it better, and our integration keeps the two in sync.",
}
GOALS = (
    ("Win enterprise deals", 5, "2026 H1"),
    ("Reduce churn", 4, "2026"),
    ("Grow self-serve sign-ups", 3, "2026 H2"),
    ("Platform reliability", 2, "ongoing"),
)
CATEGORIES = (
    "Integrations", "Reporting", "Notifications", "Mobile", "Permissions", "Automation",
    "Editor", "Performance", "Billing", "Search", "Security", "API",
)  # fmt: skip
VOTE_IMPORTANCE = ("", "", "nice_to_have", "important", "important", "critical")
PROXY_IMPORTANCE = (
    (Importance.NICE_TO_HAVE, 15),
    (Importance.IMPORTANT, 40),
    (Importance.CRITICAL, 30),
    (Importance.DEAL_BLOCKER, 15),
)
# (status, weight) for the top 1% of ideas by votes, and for everyone else.
STATUS_MIX_TOP = (
    (Status.NEW, 5),
    (Status.UNDER_REVIEW, 25),
    (Status.PLANNED, 25),
    (Status.IN_PROGRESS, 10),
    (Status.SHIPPED, 25),
    (Status.DECLINED, 10),
)
STATUS_MIX = (
    (Status.NEW, 62),
    (Status.UNDER_REVIEW, 18),
    (Status.PLANNED, 4),
    (Status.IN_PROGRESS, 1),
    (Status.SHIPPED, 5),
    (Status.DECLINED, 10),
)
# The path an idea took to its status, for the status history.
PATHS = {
    Status.NEW: (),
    Status.UNDER_REVIEW: (Status.UNDER_REVIEW,),
    Status.PLANNED: (Status.UNDER_REVIEW, Status.PLANNED),
    Status.IN_PROGRESS: (Status.UNDER_REVIEW, Status.PLANNED, Status.IN_PROGRESS),
    Status.SHIPPED: (Status.UNDER_REVIEW, Status.PLANNED, Status.SHIPPED),
    Status.DECLINED: (Status.UNDER_REVIEW, Status.DECLINED),
}

# Plain (non-constraint) indexes of a table: dropped for the load, rebuilt after it.
PLAIN_INDEXES_SQL = """
SELECT c.relname, pg_get_indexdef(x.indexrelid)
FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
"""


class Progress:
    """Steps and a bar on stderr: redrawn in place on a terminal, a line per quarter
    otherwise (so logs stay short)."""

    def __init__(self, stream: TextIO, steps: int) -> None:
        self.stream, self.steps, self.step_no = stream, steps, 0
        self.started = self.step_started = time.perf_counter()
        self.tty = stream.isatty()
        self.last_quarter = -1

    def step(self, name: str) -> None:
        self.step_no += 1
        self.step_started = time.perf_counter()
        self.last_quarter = -1
        elapsed = self.step_started - self.started
        self.stream.write(f"[{self.step_no:>2}/{self.steps}] {name} (at {elapsed:.1f} s)\n")
        self.stream.flush()

    def update(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        if self.tty:
            bar = "#" * int(share * 30)
            self.stream.write(f"\r        [{bar:<30}] {share:4.0%} {done:,}/{total:,}")
            if done >= total:
                self.stream.write("\n")
        elif int(share * 4) > self.last_quarter:
            self.last_quarter = int(share * 4)
            self.stream.write(f"        {share:4.0%} {done:,}/{total:,}\n")
        self.stream.flush()


class Copier:
    """COPY rows into a model's table: the given columns per row, every other column its
    field default. Rows are CSV in memory, sent a chunk at a time."""

    CHUNK = 100_000

    def __init__(self, cursor: CursorWrapper, model: type[models.Model], columns: Sequence[str]):
        self.cursor = cursor
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise CommandError(f"{model.__name__} has no fields {sorted(unknown)}")
        now = timezone.now()
        rest: list[tuple[str, object]] = []
        for attname, f in fields.items():
            if attname in columns or f.primary_key:
                continue
            default: Any = (
                now
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                else f.get_default()
            )
            if default is None and not f.null:
                raise CommandError(f"{model.__name__}.{attname} needs a value")
            rest.append((str(f.column), _cell(default)))
        self.table = model._meta.db_table
        names = [str(fields[c].column) for c in columns] + [name for name, _ in rest]
        self.sql = (
            f"COPY {self.table} ({', '.join(names)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        )
        self.tail = tuple(value for _, value in rest)
        self.count = 0

    def copy(
        self, rows: Iterable[Sequence[object]], progress: Progress | None = None, total: int = 0
    ) -> int:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        pending = 0
        for row in rows:
            writer.writerow((*row, *self.tail) if self.tail else row)
            pending += 1
            if pending == self.CHUNK:
                self._send(buffer, pending, progress, total)
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                pending = 0
        self._send(buffer, pending, progress, total)
        return self.count

    def _send(
        self, buffer: io.StringIO, pending: int, progress: Progress | None, total: int
    ) -> None:
        if pending:
            buffer.seek(0)
            self.cursor.cursor.copy_expert(self.sql, buffer)
            self.count += pending
        if progress is not None and total:
            progress.update(min(self.count, total), total)


def _cell(value: object) -> object:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


def reserve_ids(cursor: CursorWrapper, model: type[models.Model], n: int) -> int:
    """Take a block of ``n`` ids from the table's sequence; returns the first."""
    table = model._meta.db_table
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    (sequence,) = cursor.fetchone()
    cursor.execute("SELECT nextval(%s)", [sequence])
    (first,) = cursor.fetchone()
    if n > 1:
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
    return int(first)


def zipf_counts(n: int, total: int, cap: int, rng: random.Random) -> list[int]:
    """Votes per idea: rank r gets total * r^-s / H (at least 1, the author's; at most
    ``cap``, every user), ranks shuffled over the ideas."""
    weights = [(r + 1) ** -ZIPF_EXPONENT for r in range(n)]
    scale = total / sum(weights)
    counts = [min(cap, max(1, round(w * scale))) for w in weights]
    rng.shuffle(counts)
    return counts


def pick_weighted(rng: random.Random, mix: Sequence[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in mix], weights=[w for _, w in mix])[0]


class Command(BaseCommand):
    help = "Fill PostgreSQL with one product at scale (skewed votes, demand, statuses)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ideas", type=int, default=100_000)
        parser.add_argument("--votes", type=int, default=1_000_000)
        parser.add_argument("--users", type=int, default=100_000)
        parser.add_argument("--accounts", type=int, default=10_000)
        parser.add_argument("--comments", type=int, help="Default: two per idea.")
        parser.add_argument("--proxy-votes", type=int, help="Default: three per account.")
        parser.add_argument("--slug", default="scale", help="The product's slug.")
        parser.add_argument("--password", default="bench-portal", help="Every user's password.")
        parser.add_argument("--seed", type=int, default=7, help="Random seed (same data each run).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the product to a database that already holds users or ideas.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale needs PostgreSQL (it loads rows with COPY).")
        for name in ("ideas", "users", "accounts"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        if not options["force"] and (User.objects.exists() or Idea.objects.exists()):
            raise CommandError("The database is not empty: use --force to add a product to it.")
        if Product.objects.filter(slug=options["slug"]).exists():
            raise CommandError(f"A product with the slug {options['slug']!r} exists already.")
        # Incidental background work (the new product's first, empty rescore) runs here:
        # a worker on REDIS_URL may be serving another database.
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            seeder = Seeder(options, sys.stderr)
            seeder.run()
        finally:
            celery_app.conf.task_always_eager = eager
        self.stdout.write(self.style.SUCCESS(seeder.summary()))


class Seeder:
    STEPS = 12

    def __init__(self, options: dict[str, Any], stream: TextIO) -> None:
        self.n_ideas: int = options["ideas"]
        self.n_votes: int = max(options["votes"], 0)
        self.n_users: int = options["users"]
        self.n_accounts: int = options["accounts"]
        self.n_comments: int = (
            options["comments"] if options["comments"] is not None else 2 * self.n_ideas
        )
        self.n_proxies: int = (
            options["proxy_votes"] if options["proxy_votes"] is not None else 3 * self.n_accounts
        )
        self.slug: str = options["slug"]
        self.password: str = options["password"]
        self.rng = random.Random(options["seed"])  # noqa: S311 - benchmark data
        self.now = timezone.now()
        self.progress = Progress(stream, self.STEPS)
        self.counts: dict[str, int] = {}

    # --- The run ------------------------------------------------------------------------

    def run(self) -> None:
        p = self.progress
        p.step("product, staff, goals and scorecard")
        with transaction.atomic():
            self._product_and_staff()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            p.step(f"{self.n_accounts:,} accounts and {self.n_users:,} users")
            self._accounts_and_users(cursor)
            dropped = self._drop_plain_indexes(cursor)
            p.step(f"{self.n_ideas:,} ideas")
            self._ideas(cursor)
            p.step(f"about {self.n_votes:,} votes, and their follows")
            self._votes(cursor)
            p.step(f"about {self.n_comments:,} comments")
            self._comments(cursor)
            p.step(f"{self.n_proxies:,} proxy votes")
            self._proxy_votes(cursor)
            p.step("ratings, goal links, status history and decisions")
            self._ratings_and_goals(cursor)
            self._status_history(cursor)
            p.step("counters from the rows (set-based)")
            counters_recount(product_id=self.product.pk)
            p.step(f"foreign keys checked, {len(dropped)} indexes rebuilt")
            # Django's foreign keys are deferred; an index cannot be built on a table with
            # checks pending, so run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _, definition in dropped:
                cursor.execute(definition)
            p.step("roadmap, releases and changelog")
            self._roadmap()
        p.step("ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        p.step("full rescore (scoring.services.product_rescore)")
        self.counts["scores"] = product_rescore(product=self.product, event=ScoreEvent.SCORECARD)

    def summary(self) -> str:
        elapsed = time.perf_counter() - self.progress.started
        parts = ", ".join(f"{v:,} {k}" for k, v in self.counts.items())
        return f"Product /p/{self.slug}/ seeded in {elapsed:.1f} s: {parts}."

    # --- Steps ------------------------------------------------------------------------------

    def _product_and_staff(self) -> None:
        self.hashed = make_password(self.password)  # one slow hash for every user
        domain = f"{self.slug}.example"
        self.n_sales = max(1, math.ceil(self.n_accounts / ACCOUNTS_PER_SALES_REP))
        staff = [
            User(
                email=f"admin@{domain}",
                name="Ada Admin",
                role=Role.ADMIN,
                is_staff=True,
                is_superuser=True,
                password=self.hashed,
            ),
            User(email=f"pm@{domain}", name="Priya PM", role=Role.PM, password=self.hashed),
        ] + [
            User(
                email=f"sales{n}@{domain}",
                name=f"Sales Rep {n}",
                role=Role.SALES,
                password=self.hashed,
            )
            for n in range(1, self.n_sales + 1)
        ]
        User.objects.bulk_create(staff)
        staff = list(User.objects.filter(email__endswith=f"@{domain}").order_by("pk"))
        self.pm = next(u for u in staff if u.role == Role.PM)
        self.sales = [u for u in staff if u.role == Role.SALES]
        self.product = Product.objects.create(
            name=f"{self.slug.capitalize()} (scale data)",
            slug=self.slug,
            description="A product filled by `seed_scale` for benchmarks.",
        )
        self.product.team.add(*staff)
        self.categories = [
            Category.objects.create(product=self.product, name=n, slug=n.lower())
            for n in CATEGORIES
        ]
        self.goals = [
            goal_save(product=self.product, by=self.pm, name=name, weight=weight, time_frame=tf)
            for name, weight, tf in GOALS
        ]
        self.scorecard = Scorecard.objects.get(product=self.product, active=True)
        self.rating_metrics = list(self.scorecard.metrics.filter(kind="rating"))
        self.counts["staff users"] = len(staff)

    def _accounts_and_users(self, cursor: CursorWrapper) -> None:
        rng, now = self.rng, self.now
        first_account = reserve_ids(cursor, Account, self.n_accounts)
        self.account_ids = range(first_account, first_account + self.n_accounts)
        self.account_owner: dict[int, int] = {}
        domains: list[tuple[int, str]] = []
        account_rows = []
        for n, account_id in enumerate(self.account_ids):
            arr = round(math.exp(rng.gauss(10.3, 1.2)), -2)  # median ~30k, a long tail
            segment = (
                Segment.ENTERPRISE
                if arr >= 150_000
                else Segment.MID_MARKET
                if arr >= 30_000
                else Segment.SMB
            )
            owner = self.sales[n % len(self.sales)].pk
            self.account_owner[account_id] = owner
            renewal = (now + timedelta(days=rng.randint(-30, 365))).date()
            account_rows.append(
                (account_id, f"Customer {n + 1:05d} Ltd", arr, segment, renewal, owner, now)
            )
            domains.append((account_id, f"customer{n + 1}.{self.slug}.example"))
            if rng.random() < 0.1:
                domains.append((account_id, f"customer{n + 1}-group.{self.slug}.example"))
        Copier(
            cursor,
            Account,
            ["id", "name", "arr", "segment", "renewal_date", "owner_id", "created_at"],
        ).copy(account_rows)
        Copier(cursor, AccountDomain, ["account_id", "domain"]).copy(domains)
        domain_of = dict(domains[::-1])  # each account's first domain

        first_user = reserve_ids(cursor, User, self.n_users)
        self.user_ids = range(first_user, first_user + self.n_users)
        self.user_account: dict[int, int] = {}
        self.account_users: dict[int, list[int]] = {}
        self.user_email: list[str] = []

        def users() -> Iterator[tuple[object, ...]]:
            for n, user_id in enumerate(self.user_ids):
                account_id: int | None = None
                if rng.random() < SHARE_USERS_IN_ACCOUNTS:
                    # Bigger (lower-numbered) accounts have more users.
                    account_id = self.account_ids[int(self.n_accounts * rng.random() ** 2)]
                    self.user_account[user_id] = account_id
                    self.account_users.setdefault(account_id, []).append(user_id)
                    email = f"user{n + 1}@{domain_of[account_id]}"
                else:
                    email = f"user{n + 1}.{self.slug}@mail.example"
                self.user_email.append(email)
                joined = now - timedelta(days=HISTORY_DAYS * rng.random())
                yield (
                    user_id,
                    email,
                    f"User {n + 1}",
                    Role.CUSTOMER,
                    account_id if account_id else NULL,
                    self.hashed,
                    joined,
                )

        Copier(
            cursor, User, ["id", "email", "name", "role", "account_id", "password", "date_joined"]
        ).copy(users())
        # Every address counts as confirmed, so each user can sign in.
        cursor.execute(
            'INSERT INTO account_emailaddress (user_id, email, verified, "primary") '
            "SELECT id, email, true, true FROM portal_user WHERE id BETWEEN %s AND %s "
            "OR email LIKE %s",
            [first_user, first_user + self.n_users - 1, f"%@{self.slug}.example"],
        )
        self.counts["accounts"] = self.n_accounts
        self.counts["users"] = self.n_users

    def _drop_plain_indexes(self, cursor: CursorWrapper) -> list[tuple[str, str]]:
        """COPY and the counter UPDATE are much faster without the secondary indexes (the
        full-text GIN ones most of all); they are rebuilt from their own definitions."""
        dropped: list[tuple[str, str]] = []
        for model in (Idea, Vote, Follow, Comment, StatusChange):
            cursor.execute(PLAIN_INDEXES_SQL, [model._meta.db_table])
            for name, definition in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                dropped.append((name, definition))
        return dropped

    def _active_user(self) -> int:
        """A user, the more active ones (low numbers) more often."""
        return self.user_ids[int(self.n_users * self.rng.random() ** 1.6)]

    def _ideas(self, cursor: CursorWrapper) -> None:
        rng, now, n = self.rng, self.now, self.n_ideas
        self.vote_counts = zipf_counts(n, self.n_votes, self.n_users, rng)
        top_cut = sorted(self.vote_counts, reverse=True)[max(0, n // 100 - 1)]
        first = reserve_ids(cursor, Idea, n)
        self.idea_ids = range(first, first + n)
        self.created: list[datetime] = []
        self.authors: list[int] = []
        self.statuses: list[str] = []
        importances = [value for value, _ in Importance.choices][:3]

        def ideas() -> Iterator[tuple[object, ...]]:
            for j, idea_id in enumerate(self.idea_ids):
                created = now - timedelta(days=HISTORY_DAYS * rng.random() ** 1.6)
                author = self._active_user()
                status = pick_weighted(
                    rng, STATUS_MIX_TOP if self.vote_counts[j] >= top_cut else STATUS_MIX
                )
                self.created.append(created)
                self.authors.append(author)
                self.statuses.append(status)
                verb, obj, qualifier = (
                    rng.choice(VERBS),
                    rng.choice(OBJECTS),
                    rng.choice(QUALIFIERS),
                )
                workaround = rng.choice(WORKAROUNDS)
                problem = (
                    f"As a {rng.choice(ROLES)}, I need to {verb.lower()} {obj} {qualifier} "
                    f"because {rng.choice(REASONS)}."
                    + (f" Today we {workaround}." if workaround else "")
                )
                account = self.user_account.get(author)
                yield (
                    idea_id,
                    self.product.pk,
                    f"{verb} {obj} {qualifier}",
                    problem,
                    rng.choice(importances),
                    f"We {workaround}." if workaround else "",
                    self.categories[OBJECTS.index(obj) % len(self.categories)].pk,
                    author,
                    self.user_email[author - self.user_ids[0]],
                    account if account else NULL,
                    status,
                    created,
                    created,
                    created,
                )

        Copier(
            cursor,
            Idea,
            [
                "id",
                "product_id",
                "title",
                "problem",
                "importance",
                "workaround",
                "category_id",
                "author_id",
                "author_email",
                "author_account_id",
                "status",
                "confirmed_at",
                "created_at",
                "updated_at",
            ],
        ).copy(ideas(), self.progress, n)
        self.counts["ideas"] = n

    def _voters(self, author: int, k: int) -> list[int]:
        """``k`` distinct voters, the author first; active users more likely."""
        chosen = {author}
        order = [author]
        if k > self.n_users // 5:  # too many for rejection sampling
            for user_id in self.rng.sample(self.user_ids, k):
                if user_id not in chosen:
                    chosen.add(user_id)
                    order.append(user_id)
                    if len(order) == k:
                        break
            return order
        while len(order) < k:
            user_id = self._active_user()
            if user_id not in chosen:
                chosen.add(user_id)
                order.append(user_id)
        return order

    def _votes(self, cursor: CursorWrapper) -> None:
        rng, now = self.rng, self.now
        total = sum(self.vote_counts)

        def votes() -> Iterator[tuple[object, ...]]:
            for j, idea_id in enumerate(self.idea_ids):
                created = self.created[j]
                span = (now - created).total_seconds()
                voters = self._voters(self.authors[j], self.vote_counts[j])
                yield (idea_id, voters[0], rng.choice(VOTE_IMPORTANCE), created)
                for user_id in voters[1:]:
                    # Later votes are likelier: interest builds, and trending has signal.
                    at = created + timedelta(seconds=span * (1 - rng.random() ** 2))
                    yield (idea_id, user_id, rng.choice(VOTE_IMPORTANCE), at)

        copied = Copier(cursor, Vote, ["idea_id", "user_id", "importance", "created_at"]).copy(
            votes(), self.progress, total
        )
        # Voting follows the idea (ideas.services.vote_cast): one follow per vote.
        cursor.execute(
            "INSERT INTO ideas_follow (idea_id, user_id, created_at) "
            "SELECT v.idea_id, v.user_id, v.created_at FROM ideas_vote v "
            "WHERE v.idea_id BETWEEN %s AND %s",
            [self.idea_ids[0], self.idea_ids[-1]],
        )
        self.counts["votes"] = copied
        self.counts["follows"] = cursor.rowcount

    def _comments(self, cursor: CursorWrapper) -> None:
        rng, now = self.rng, self.now
        weights = [math.sqrt(k) for k in self.vote_counts]
        scale = self.n_comments / sum(weights)
        team = [self.pm.pk, *(u.pk for u in self.sales[:5])]

        def comments() -> Iterator[tuple[object, ...]]:
            for j, idea_id in enumerate(self.idea_ids):
                created = self.created[j]
                span = (now - created).total_seconds()
                for _ in range(int(weights[j] * scale + rng.random())):
                    at = created + timedelta(seconds=span * rng.random())
                    if rng.random() < 0.08:
                        yield (idea_id, rng.choice(team), rng.choice(INTERNAL_COMMENTS), "t", at)
                    else:
                        yield (idea_id, self._active_user(), rng.choice(COMMENTS), "f", at)

        self.counts["comments"] = Copier(
            cursor, Comment, ["idea_id", "author_id", "body", "is_internal", "created_at"]
        ).copy(comments(), self.progress, self.n_comments)

    def _proxy_votes(self, cursor: CursorWrapper) -> None:
        rng, now = self.rng, self.now
        picks = rng.choices(range(self.n_ideas), weights=self.vote_counts, k=self.n_proxies)
        seen: set[tuple[int, int]] = set()
        rows = []
        for j in picks:
            idea_id = self.idea_ids[j]
            account_id = self.account_ids[int(self.n_accounts * rng.random() ** 1.5)]
            if (idea_id, account_id) in seen:
                continue
            seen.add((idea_id, account_id))
            contact: object = NULL
            name = email = ""
            users = self.account_users.get(account_id)
            if users and rng.random() < 0.4:
                contact = rng.choice(users)
                name, email = f"User {contact - self.user_ids[0] + 1}", ""
            value: object = NULL
            close: object = NULL
            if rng.random() < 0.25:
                value = Decimal(round(math.exp(rng.gauss(10, 1)), -2))
                close = (now + timedelta(days=rng.randint(-60, 180))).date()
            at = self.created[j] + (now - self.created[j]) * rng.random()
            rows.append(
                (
                    idea_id,
                    account_id,
                    self.account_owner[account_id],
                    contact,
                    name,
                    email,
                    pick_weighted(rng, PROXY_IMPORTANCE),
                    value,
                    close,
                    rng.choice(Source.values),
                    "From a call with the account's admin.",
                    at,
                    at,
                )
            )
        self.counts["proxy votes"] = Copier(
            cursor,
            ProxyVote,
            [
                "idea_id",
                "account_id",
                "recorded_by_id",
                "contact_id",
                "contact_name",
                "contact_email",
                "importance",
                "opportunity_value",
                "expected_close_date",
                "source",
                "note",
                "created_at",
                "updated_at",
            ],
        ).copy(rows)
        # Each was recorded once: its first (and only) revision.
        cursor.execute(
            "INSERT INTO ideas_proxyvoterevision (idea_id, account_id, action, by_id, "
            "importance, opportunity_value, expected_close_date, source, note, contact_name, "
            "contact_email, at) SELECT idea_id, account_id, 'recorded', recorded_by_id, "
            "importance, opportunity_value, expected_close_date, source, note, contact_name, "
            "contact_email, created_at FROM ideas_proxyvote WHERE idea_id BETWEEN %s AND %s",
            [self.idea_ids[0], self.idea_ids[-1]],
        )

    def _ratings_and_goals(self, cursor: CursorWrapper) -> None:
        """PMs rate the popular ideas first (and some others); a tenth serve a goal."""
        rng, now = self.rng, self.now
        popular = sorted(self.vote_counts, reverse=True)[min(self.n_ideas, 1000) - 1]
        ratings = []
        links = []
        for j, idea_id in enumerate(self.idea_ids):
            if rng.random() < (0.9 if self.vote_counts[j] >= popular else 0.15):
                for metric in self.rating_metrics:
                    ratings.append((idea_id, metric.pk, float(rng.randint(1, 5)), self.pm.pk, now))
            if rng.random() < 0.1:
                for goal in rng.sample(self.goals, rng.randint(1, 2)):
                    links.append((idea_id, goal.pk, rng.randint(1, 3)))
        self.counts["ratings"] = Copier(
            cursor, Rating, ["idea_id", "metric_id", "value", "rated_by_id", "rated_at"]
        ).copy(ratings)
        self.counts["goal links"] = Copier(
            cursor, IdeaGoal, ["idea_id", "goal_id", "strength"]
        ).copy(links)

    def _status_history(self, cursor: CursorWrapper) -> None:
        """Every status reached through recorded changes; declines with a decision."""
        rng, now = self.rng, self.now
        changes = []
        decisions = []
        kinds = list(DECLINE_REASONS)
        for j, idea_id in enumerate(self.idea_ids):
            path = PATHS[Status(self.statuses[j])]
            if not path:
                continue
            at = self.created[j]
            previous: str = Status.NEW
            for status in path:
                at = at + (now - at) * rng.random() * 0.5
                changes.append((idea_id, previous, status, self.pm.pk, "", at))
                previous = status
            if previous == Status.DECLINED:
                kind = rng.choice(kinds)
                revisit: object = NULL
                if kind == DecisionKind.NOT_NOW and rng.random() < 0.6:
                    revisit = (now + timedelta(days=rng.randint(30, 240))).date()
                has_workaround = kind == DecisionKind.ALREADY_POSSIBLE or rng.random() < 0.4
                decisions.append(
                    (
                        idea_id,
                        kind,
                        DECLINE_REASONS[kind],
                        "Use a saved view and the weekly export." if has_workaround else "",
                        "https://help.example/saved-views" if has_workaround else "",
                        revisit,
                        self.pm.pk,
                        at,
                    )
                )
        self.counts["status changes"] = Copier(
            cursor, StatusChange, ["idea_id", "from_status", "to_status", "by_id", "note", "at"]
        ).copy(changes)
        self.counts["decisions"] = Copier(
            cursor,
            Decision,
            [
                "idea_id",
                "kind",
                "reason",
                "workaround",
                "workaround_url",
                "revisit_on",
                "decided_by_id",
                "decided_at",
            ],
        ).copy(decisions)

    def _roadmap(self) -> None:
        """Items delivering the most wanted planned, in-progress and shipped ideas."""
        rng, now = self.rng, self.now
        n_items = max(6, min(100, self.n_ideas // 1000))
        releases = Release.objects.bulk_create(
            Release(product=self.product, name=f"2026.{q}", target_date=date(2026, 3 * q, 28))
            for q in range(1, 5)
        )
        pools: dict[str, list[int]] = {
            s: [] for s in (Status.PLANNED, Status.IN_PROGRESS, Status.SHIPPED)
        }
        for j in sorted(range(self.n_ideas), key=lambda j: -self.vote_counts[j]):
            if self.statuses[j] in pools:
                pools[self.statuses[j]].append(self.idea_ids[j])
        items: list[tuple[RoadmapItem, list[int]]] = []
        for n in range(n_items):
            status = (
                ItemStatus.SHIPPED
                if n % 5 < 2
                else ItemStatus.IN_PROGRESS
                if n % 5 == 2
                else ItemStatus.PLANNED
            )
            pool = pools[status]
            if not pool:
                continue
            ideas = [pool.pop(0) for _ in range(min(len(pool), rng.randint(1, 5)))]
            horizon = (
                Horizon.NOW
                if status != ItemStatus.PLANNED
                else rng.choice([Horizon.NEXT, Horizon.LATER])
            )
            shipped = now - timedelta(days=rng.randint(1, 300)) if status == "shipped" else None
            item = RoadmapItem(
                product=self.product,
                title=f"Roadmap item {n + 1}",
                public_title=f"Roadmap item {n + 1}",
                public_description="What we are building and why, in plain words.",
                is_public=rng.random() < 0.85,
                horizon=horizon,
                status=status,
                release=rng.choice(releases) if rng.random() < 0.5 else None,
                owner=self.pm,
                position=n,
                shipped_at=shipped,
            )
            items.append((item, ideas))
        RoadmapItem.objects.bulk_create([item for item, _ in items])
        through_ideas = RoadmapItem.ideas.through
        through_goals = RoadmapItem.goals.through
        through_ideas.objects.bulk_create(
            through_ideas(roadmapitem_id=item.pk, idea_id=idea_id)
            for item, ideas in items
            for idea_id in ideas
        )
        through_goals.objects.bulk_create(
            through_goals(roadmapitem_id=item.pk, goal_id=goal.pk)
            for item, _ in items
            for goal in rng.sample(self.goals, rng.randint(0, 2))
        )
        RoadmapEvent.objects.bulk_create(
            RoadmapEvent(
                item=item,
                kind=RoadmapEvent.Kind.CREATED,
                to_value=item.horizon,
                by=self.pm,
                at=now - timedelta(days=rng.randint(1, 400)),
            )
            for item, _ in items
        )
        ChangelogEntry.objects.bulk_create(
            ChangelogEntry(
                product=self.product,
                item=item,
                title=item.shown_title,
                body=item.public_description,
                shipped_at=item.shipped_at,
            )
            for item, _ in items
            if item.shipped_at is not None
        )
        self.counts["roadmap items"] = len(items)
