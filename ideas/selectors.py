"""Reads for idea pages, shaped for the templates that render them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.db import connection
from django.db.models import Q, QuerySet

from ideas.models import Category, Comment, Idea, Status, Vote
from portal.access import AnyUser
from portal.models import Product, User

PAGE_SIZE = 20
SIMILAR_LIMIT = 5
WORD = re.compile(r"\w+", re.UNICODE)
# The expression of the full-text GIN index (migration ideas 0002): queries must repeat it
# exactly for PostgreSQL to use the index.
TSVECTOR_SQL = (
    "to_tsvector('english'::regconfig, "
    "coalesce(ideas_idea.title, '') || ' ' || coalesce(ideas_idea.problem, ''))"
)


class Sort(StrEnum):
    TOP = "top"
    NEW = "new"
    TRENDING = "trending"


SORT_FIELD = {Sort.TOP: "vote_count", Sort.NEW: "created_at", Sort.TRENDING: "trending_score"}


@dataclass(frozen=True)
class IdeaFilters:
    sort: Sort = Sort.TOP
    status: str = ""
    category: str = ""
    q: str = ""
    after: str = ""


@dataclass
class IdeaPage:
    ideas: list[Idea]
    next_cursor: str
    voted_ids: set[int] = field(default_factory=set)
    categories: list[Category] = field(default_factory=list)


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _words(text: str, limit: int = 12) -> list[str]:
    return [w.lower() for w in WORD.findall(text)][:limit]


def _search(qs: QuerySet[Idea], q: str) -> QuerySet[Idea]:
    words = _words(q)
    if not words:
        return qs
    if _is_postgres():
        return qs.extra(  # noqa: S610 - fixed SQL, the words are bound parameters
            where=[f"{TSVECTOR_SQL} @@ plainto_tsquery('english', %s)"], params=[" ".join(words)]
        )
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(problem__icontains=word)
    return qs.filter(condition)


def encode_cursor(idea: Idea, sort: Sort) -> str:
    value = getattr(idea, SORT_FIELD[sort])
    if isinstance(value, datetime):
        value = value.isoformat()
    return f"{value}~{idea.pk}"


def _after(qs: QuerySet[Idea], sort: Sort, cursor: str) -> QuerySet[Idea]:
    """Keyset pagination: rows after the cursor in (sort value desc, id desc) order, so a
    deep page costs the same as the first one."""
    raw_value, _, raw_id = cursor.rpartition("~")
    try:
        last_id = int(raw_id)
        value: object
        if sort is Sort.TOP:
            value = int(raw_value)
        elif sort is Sort.NEW:
            value = datetime.fromisoformat(raw_value)
        else:
            value = float(raw_value)
    except ValueError:
        return qs
    name = SORT_FIELD[sort]
    return qs.filter(Q(**{f"{name}__lt": value}) | Q(**{name: value, "pk__lt": last_id}))


def idea_page(*, product: Product, user: AnyUser, filters: IdeaFilters) -> IdeaPage:
    """One page of a product's portal list. Three queries whatever the page size:
    categories, the ideas (with their category), and which of them the user voted for."""
    categories = list(Category.objects.filter(product=product))
    qs: QuerySet[Idea] = Idea.objects.listed().filter(product=product).select_related("category")
    if filters.status in Status.values:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category__slug=filters.category)
    if filters.q:
        qs = _search(qs, filters.q)
    if filters.after:
        qs = _after(qs, filters.sort, filters.after)
    name = SORT_FIELD[filters.sort]
    qs = qs.order_by(f"-{name}", "-pk").only(
        "pk",
        "title",
        "status",
        "vote_count",
        "comment_count",
        "created_at",
        "trending_score",
        "category__name",
        "category__slug",
        "product_id",
    )
    rows = list(qs[: PAGE_SIZE + 1])
    ideas = rows[:PAGE_SIZE]
    next_cursor = encode_cursor(ideas[-1], filters.sort) if len(rows) > PAGE_SIZE else ""
    return IdeaPage(
        ideas=ideas,
        next_cursor=next_cursor,
        voted_ids=voted_idea_ids(user=user, idea_ids=[i.pk for i in ideas]),
        categories=categories,
    )


def voted_idea_ids(*, user: AnyUser, idea_ids: list[int]) -> set[int]:
    if not isinstance(user, User) or not idea_ids:
        return set()
    return set(
        Vote.objects.filter(user=user, idea_id__in=idea_ids).values_list("idea_id", flat=True)
    )


def similar_ideas(*, product: Product, text: str, exclude_id: int | None = None) -> list[Idea]:
    """Up to five listed ideas of the product that read like ``text``, best first.

    PostgreSQL: any word in the full-text index, or a title that is trigram-similar,
    ranked by both. SQLite: titles containing one of the longer words."""
    words = [w for w in _words(text) if len(w) >= 3]
    if not words:
        return []
    qs = (
        Idea.objects.listed()
        .filter(product=product)
        .only("pk", "title", "status", "vote_count", "product_id")
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    if _is_postgres():
        phrase = " ".join(words)
        tsquery = " | ".join(words)
        return list(
            qs.extra(  # noqa: S610 - fixed SQL, user text only as bound parameters
                select={
                    "relevance": f"ts_rank({TSVECTOR_SQL}, to_tsquery('english', %s))"
                    " + similarity(ideas_idea.title, %s)"
                },
                select_params=[tsquery, phrase],
                where=[f"({TSVECTOR_SQL} @@ to_tsquery('english', %s) OR ideas_idea.title %% %s)"],
                params=[tsquery, phrase],
                order_by=["-relevance", "-vote_count"],
            )[:SIMILAR_LIMIT]
        )
    condition = Q()
    for word in words:
        if len(word) >= 4:
            condition |= Q(title__icontains=word)
    if not condition:
        return []
    return list(qs.filter(condition).order_by("-vote_count", "-pk")[:SIMILAR_LIMIT])


def idea_comments(*, idea: Idea, user: AnyUser) -> list[Comment]:
    qs = Comment.objects.filter(idea=idea).select_related("author")
    if not (isinstance(user, User) and user.is_team_member):
        qs = qs.filter(is_internal=False)
    return list(qs)


def user_votes_for(*, idea: Idea, user: AnyUser) -> bool:
    return isinstance(user, User) and Vote.objects.filter(idea=idea, user=user).exists()
