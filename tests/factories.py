"""Plain functions that make test data: ``make_<thing>(**overrides)``."""

from __future__ import annotations

import itertools
from typing import Any

from ideas.models import Category, Idea
from ideas.services import idea_submit
from portal.models import Account, Product, Role, User
from portal.services import account_set_domains

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_user(**overrides: Any) -> User:
    n = next(_seq)
    fields: dict[str, Any] = {
        "email": f"user{n}@customer{n}.test",
        "name": f"User {n}",
        "role": Role.CUSTOMER,
    }
    fields.update(overrides)
    return User.objects.create_user(password=PASSWORD, **fields)


def make_product(**overrides: Any) -> Product:
    n = next(_seq)
    team = overrides.pop("team", [])
    fields: dict[str, Any] = {"name": f"Product {n}", "slug": f"product-{n}"}
    fields.update(overrides)
    product = Product.objects.create(**fields)
    if team:
        product.team.add(*team)
    return product


def make_account(*, domains: list[str] | None = None, **overrides: Any) -> Account:
    n = next(_seq)
    fields: dict[str, Any] = {"name": f"Account {n}", "arr": 10_000}
    fields.update(overrides)
    account = Account.objects.create(**fields)
    account_set_domains(account=account, domains=domains or [f"account{n}.test"])
    return account


def make_category(*, product: Product, **overrides: Any) -> Category:
    n = next(_seq)
    fields: dict[str, Any] = {"name": f"Category {n}", "slug": f"category-{n}"}
    fields.update(overrides)
    return Category.objects.create(product=product, **fields)


def make_idea(
    *, product: Product | None = None, author: User | None = None, **overrides: Any
) -> Idea:
    n = next(_seq)
    fields: dict[str, Any] = {
        "title": f"Idea number {n}",
        "problem": f"We need idea {n} because our team loses time every week.",
    }
    fields.update(overrides)
    return idea_submit(
        product=product or make_product(), author=author or make_user(), **fields
    ).idea
