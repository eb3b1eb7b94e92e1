"""Fill an empty database with a believable demo portal (product slug ``demo``).

It lives in the rightmost app because it fills every app: portal, ideas and scoring."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ideas import demo_data
from ideas.models import (
    Category,
    Comment,
    Follow,
    Idea,
    ReplyTemplate,
    Status,
    StatusChange,
    Vote,
)
from ideas.services import (
    idea_counters_rebuild,
    idea_decline,
    idea_merge,
    ideas_tag,
    proxy_vote_record,
    theme_create,
)
from portal.models import Account, Product, Role, User
from portal.services import account_set_domains
from roadmap.models import RoadmapItem
from roadmap.services import item_promote, item_set_status, review_hold
from scoring.models import IdeaGoal, Rating, Scorecard, ScoreEvent
from scoring.services import goal_save, product_rescore

STAFF = [
    ("admin@example.com", "Ada Admin", Role.ADMIN),
    ("pm@example.com", "Priya PM", Role.PM),
    ("sales@example.com", "Sam Sales", Role.SALES),
    ("customer@example.com", "Casey Customer", Role.CUSTOMER),
]
FIRST = [
    "Alex",
    "Blair",
    "Chen",
    "Dana",
    "Eli",
    "Farah",
    "Gus",
    "Hana",
    "Ivan",
    "Jo",
    "Kai",
    "Lena",
    "Milo",
    "Nia",
    "Omar",
    "Pia",
    "Quinn",
    "Ravi",
]
LAST = [
    "Abbott",
    "Baker",
    "Cruz",
    "Dietz",
    "Evans",
    "Fox",
    "Garcia",
    "Hale",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Moreau",
]


REVIEW_NOTES = [
    "Enough customers are asking that we are sizing it for next quarter.",
    "We are talking to a few of you to understand the workflows first.",
    "Reviewing this with engineering against our reliability goal.",
    "Looking at how this fits with the permissions work already planned.",
]
VOTE_IMPORTANCE = ["", "", "nice_to_have", "important", "important", "critical"]


class Command(BaseCommand):
    help = "Fill an empty database with a demo product, accounts, users, ideas, votes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="Password of every demo user (else generated).")
        parser.add_argument(
            "--skip-if-seeded",
            action="store_true",
            help="Exit quietly instead of refusing when the demo is already there.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Product.objects.filter(slug=demo_data.PRODUCT["slug"]).exists() or User.objects.exists():
            if options["skip_if_seeded"]:
                self.stdout.write("Demo data is already there; nothing to do.")
                return
            raise CommandError("The database is not empty: seed_demo only fills a new database.")
        password = options["password"] or secrets.token_urlsafe(9)
        with transaction.atomic():
            self._seed(password)
        self.stdout.write(self.style.SUCCESS("Demo portal ready at /p/demo/"))
        for email, _, role in STAFF:
            self.stdout.write(f"  {role.label:<16} {email}")
        self.stdout.write(f"  password for all: {password}")

    def _seed(self, password: str) -> None:
        rng = random.Random(20261125)  # noqa: S311 - demo data, not security
        now = timezone.now()
        # One hash for every demo user: hashing is deliberately slow (about 0.3 s each).
        hashed = make_password(password)

        users: dict[str, User] = {}
        for email, name, role in STAFF:
            users[email] = User(
                email=email,
                name=name,
                role=role,
                password=hashed,
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
        for person in demo_data.CUSTOMERS:
            users[person["email"]] = User(
                email=person["email"], name=person["name"], password=hashed
            )
        User.objects.bulk_create(users.values())
        users = {u.email: u for u in User.objects.all()}

        product = Product.objects.create(
            name=demo_data.PRODUCT["name"],
            slug=demo_data.PRODUCT["slug"],
            description=demo_data.PRODUCT["description"],
        )
        product.team.add(users["pm@example.com"], users["sales@example.com"])

        domains: list[str] = []
        for row in demo_data.ACCOUNTS:
            account = Account.objects.create(
                name=row["name"],
                arr=Decimal(row["arr"]),
                segment=row["segment"],
                renewal_date=(now + timedelta(days=row["renewal_in_days"])).date(),
                owner=users["sales@example.com"],
            )
            account_set_domains(account=account, domains=row["domains"])
            domains.extend(row["domains"])

        # Voters beyond the named customers, spread over the accounts' domains.
        extra = []
        for n in range(90):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            # Most voters on a public board belong to no customer account.
            domain = rng.choice(domains) if n % 4 == 0 else "gmail.example"
            extra.append(
                User(
                    email=f"{first}.{last}.{n}@{domain}".lower(),
                    name=f"{first} {last}",
                    password=hashed,
                )
            )
        User.objects.bulk_create(extra)
        for account in Account.objects.prefetch_related("domains"):
            account_set_domains(account=account, domains=[d.domain for d in account.domains.all()])
        users = {u.email: u for u in User.objects.select_related("account")}
        # Demo addresses count as confirmed, so the demo logins work at once.
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users.values()
        )
        voters = [u for u in users.values() if u.role == Role.CUSTOMER]
        accounts_by_pk = {a.pk: a for a in Account.objects.all()}

        categories = {
            name: Category.objects.create(product=product, name=name, slug=slugify(name))
            for name in demo_data.CATEGORIES
        }

        idea_ids = []
        for row in demo_data.IDEAS:
            author = users[row["author"]]
            created = now - timedelta(days=row["age_days"], hours=rng.randint(0, 23))
            idea = Idea.objects.create(
                product=product,
                title=row["title"],
                problem=row["problem"],
                importance=row["importance"],
                workaround=row["workaround"],
                category=categories[row["category"]],
                author=author,
                author_email=author.email,
                author_account=author.account,
                status=row["status"],
                confirmed_at=created,
                created_at=created,
            )
            idea_ids.append(idea.pk)
            # A few accounts care about any one idea; their users vote beside the public.
            asking = {a.pk for a in rng.sample(list(accounts_by_pk.values()), rng.randint(0, 3))}
            others = [
                v
                for v in voters
                if v.pk != author.pk and (v.account_id is None or v.account_id in asking)
            ]
            chosen = [author, *rng.sample(others, min(row["votes"], len(others)))]
            age_seconds = max(int((now - created).total_seconds()), 60)
            Vote.objects.bulk_create(
                Vote(
                    idea=idea,
                    user=voter,
                    importance=rng.choice(VOTE_IMPORTANCE),
                    created_at=created + timedelta(seconds=rng.randint(0, age_seconds)),
                )
                for voter in chosen
            )
            Follow.objects.bulk_create(Follow(idea=idea, user=voter) for voter in chosen)
            for comment in row["comments"]:
                Comment.objects.create(
                    idea=idea,
                    author=users[comment["author"]],
                    body=comment["body"],
                    created_at=now - timedelta(days=comment["age_days"], hours=rng.randint(0, 8)),
                )
        idea_counters_rebuild(idea_ids=idea_ids)

        # The PM's reviews: every idea under review got there by a recorded change, a
        # few of them this week (so the sales digest has something to say).
        pm = users["pm@example.com"]
        reviewed = list(Idea.objects.filter(product=product, status=Status.UNDER_REVIEW))
        StatusChange.objects.bulk_create(
            StatusChange(
                idea=idea,
                from_status=Status.NEW,
                to_status=Status.UNDER_REVIEW,
                by=pm,
                note=REVIEW_NOTES[(n // 4 + n) % len(REVIEW_NOTES)],
                at=now - timedelta(days=1 + n % 3)
                if n % 4 == 0
                else max(idea.created_at, now - timedelta(days=30 + n)),
            )
            for n, idea in enumerate(reviewed)
        )

        sales = users["sales@example.com"]
        by_title = {i.title: i for i in Idea.objects.filter(product=product)}
        accounts = {a.name: a for a in Account.objects.all()}
        for row in demo_data.PROXY_VOTES:
            close_in = row.get("close_in_days")
            proxy_vote_record(
                idea=by_title[row["idea"]],
                account=accounts[row["account"]],
                recorded_by=sales,
                importance=row["importance"],
                source=row["source"],
                note=row["note"],
                opportunity_value=Decimal(row["opportunity_value"])
                if "opportunity_value" in row
                else None,
                expected_close_date=(now + timedelta(days=close_in)).date() if close_in else None,
            )

        ReplyTemplate.objects.bulk_create(ReplyTemplate(**row) for row in demo_data.REPLY_TEMPLATES)
        for row in demo_data.DECLINES:
            idea_decline(
                idea=by_title[row["idea"]],
                by=pm,
                kind=row["kind"],
                reason=row["reason"],
                workaround=row["workaround"],
                workaround_url=row["workaround_url"],
                revisit_on=(now + timedelta(days=row["revisit_in_days"])).date(),
            )
        for duplicate, survivor in demo_data.MERGES:
            idea_merge(source=by_title[duplicate], target=by_title[survivor], by=pm)
        for name, titles in demo_data.THEMES.items():
            theme = theme_create(product=product, name=name, by=pm)
            ideas_tag(ideas=[by_title[t] for t in titles], theme=theme, by=pm)

        scorecard = Scorecard.objects.get(product=product, active=True)  # the default one
        goals = {row["name"]: goal_save(product=product, by=pm, **row) for row in demo_data.GOALS}
        for title, links in demo_data.ALIGNMENT.items():
            for goal_name, strength in links.items():
                IdeaGoal.objects.create(
                    idea=by_title[title], goal=goals[goal_name], strength=strength
                )
        metrics = {m.key: m for m in scorecard.metrics.all()}
        Rating.objects.bulk_create(
            Rating(idea=by_title[title], metric=metrics[key], value=value, rated_by=pm)
            for title, values in demo_data.RATINGS.items()
            for key, value in values.items()
        )
        product_rescore(product=product, event=ScoreEvent.SCORECARD)

        # The roadmap, and a review held three days ago (so the review page has an agenda).
        review_hold(
            product=product,
            by=pm,
            notes="Agreed to start SSO now; Jira sync waits for the Orbital Robotics call.",
            attendees="Priya (PM), Sam (sales), Lee (engineering)",
            now=now - timedelta(days=3),
        )
        for row in demo_data.ROADMAP:
            item = item_promote(
                product=product,
                ideas=[Idea.objects.get(pk=by_title[t].pk) for t in row["ideas"]],
                by=pm,
                title=row["title"],
                horizon=row["horizon"],
                public_description=row["description"],
            )
            RoadmapItem.objects.filter(pk=item.pk).update(
                public_title=row["public_title"], internal_notes=row["notes"]
            )
            if row["status"] != "planned":
                item_set_status(item=item, status=row["status"], by=pm)
