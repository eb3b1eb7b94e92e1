"""Reads for idea pages, shaped for the templates that render them."""

from __future__ import annotations

import bisect
import re
import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.db.models.query import RawQuerySet

from ideas.models import (
    IMPORTANCE_RANK,
    RANKED_IMPORTANCE,
    Category,
    Comment,
    Decision,
    Idea,
    Importance,
    Merge,
    ProxyVote,
    ReplyTemplate,
    Status,
    StatusChange,
    Vote,
)
from portal import cache
from portal.access import AnyUser, products_for_user
from portal.models import Account, Product, User

PAGE_SIZE = 20
SIMILAR_LIMIT = 5
WORD = re.compile(r"\w+", re.UNICODE)
# The stored search vector (title weighted A, problem B), kept by a trigger and indexed
# with GIN (migration ideas 0012). PostgreSQL only.
TSVECTOR_SQL = "ideas_idea.search_vector"


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
    column = SORT_FIELD[sort]
    # A row comparison, so the (product, value, id) index finds the spot at once; the
    # equivalent OR of two conditions makes the database walk every row before it.
    return qs.extra(  # noqa: S610 - fixed SQL, the cursor's values are bound parameters
        where=[f"(ideas_idea.{column}, ideas_idea.id) < (%s, %s)"], params=[value, last_id]
    )


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


SIMILAR_CANDIDATES = 200


def _tsquery(words: list[str], joiner: str) -> str:
    """A to_tsquery text from plain words (letters and digits only, see WORD); the last
    word is a prefix, as the user may still be typing it."""
    return f" {joiner} ".join([*words[:-1], f"{words[-1]}:*"])


# The conditions of Idea.objects.listed(), for the raw query below.
_LISTED_SQL = "confirmed_at IS NOT NULL AND is_approved AND status <> 'merged'"
# Only constants are formatted in; user words are bound parameters.
_SIMILAR_SQL = f"""
    WITH candidates AS (
        (SELECT id FROM ideas_idea WHERE product_id = %(product)s AND {_LISTED_SQL}
            AND id <> %(exclude)s AND search_vector @@ to_tsquery('english', %(every)s)
            ORDER BY vote_count DESC, id DESC LIMIT {SIMILAR_CANDIDATES})
        UNION
        (SELECT id FROM ideas_idea WHERE product_id = %(product)s AND {_LISTED_SQL}
            AND id <> %(exclude)s AND search_vector @@ to_tsquery('english', %(any)s)
            ORDER BY vote_count DESC, id DESC LIMIT {SIMILAR_CANDIDATES})
    )
    SELECT i.id, i.product_id, i.title, i.status, i.vote_count
    FROM ideas_idea AS i JOIN candidates USING (id)
    ORDER BY ts_rank(i.search_vector, to_tsquery('english', %(any)s)) DESC,
        i.vote_count DESC, i.id DESC
    LIMIT {SIMILAR_LIMIT}
"""  # noqa: S608


def _similar_postgres(
    *, product: Product, words: list[str], exclude_id: int | None
) -> RawQuerySet[Idea]:
    """One query: the candidates come from the index of the product's most voted ideas
    (or the search index, for rare words), so a common word costs no more than a rare
    one; only the candidates are ranked."""
    return Idea.objects.raw(
        _SIMILAR_SQL,
        {
            "product": product.pk,
            "exclude": exclude_id or 0,
            "every": _tsquery(words, "&"),
            "any": _tsquery(words, "|"),
        },
    )


def similar_ideas(*, product: Product, text: str, exclude_id: int | None = None) -> list[Idea]:
    """Up to five listed ideas of the product that read like ``text``, best first.

    PostgreSQL: candidates are the most-voted ideas holding every word, and the
    most-voted holding any of them (at most 200 each, so a common word costs no more
    than a rare one), ranked by the stored search vector (title words count most).
    SQLite: titles containing one of the longer words."""
    words = [w for w in _words(text) if len(w) >= 3]
    if not words:
        return []
    if _is_postgres():
        return list(_similar_postgres(product=product, words=words, exclude_id=exclude_id))
    qs = (
        Idea.objects.listed()
        .filter(product=product)
        .only("pk", "title", "status", "vote_count", "product_id")
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    condition = Q()
    for word in words:
        if len(word) >= 4:
            condition |= Q(title__icontains=word)
    if not condition:
        return []
    return list(qs.filter(condition).order_by("-vote_count", "-pk")[:SIMILAR_LIMIT])


def visible_comments(*, idea: Idea, user: AnyUser) -> QuerySet[Comment]:
    """The idea's comments the user may read: internal ones for the team only."""
    qs = Comment.objects.filter(idea=idea).select_related("author")
    if not (isinstance(user, User) and user.is_team_member):
        qs = qs.filter(is_internal=False)
    return qs


def idea_comments(*, idea: Idea, user: AnyUser) -> list[Comment]:
    """The comments an idea page shows, with what it shows of each author."""
    return list(
        visible_comments(idea=idea, user=user).only(
            "idea_id", "body", "is_internal", "created_at", "author__name", "author__email"
        )
    )


def idea_proxy_votes(*, idea: Idea) -> QuerySet[ProxyVote]:
    """The proxy votes on an idea with what a list shows of each (account, recorder)."""
    return ProxyVote.objects.filter(idea=idea).select_related("account", "recorded_by")


def user_vote(*, idea: Idea, user: AnyUser) -> Vote | None:
    if not isinstance(user, User):
        return None
    return Vote.objects.filter(idea=idea, user=user).first()


# --- Demand and sales ------------------------------------------------------------------


@dataclass
class AccountDemand:
    """One account that asked for an idea, as sales and PMs see it."""

    account: Account
    proxy: ProxyVote | None = None
    voters: int = 0


@dataclass
class IdeaDemand:
    accounts: list[AccountDemand]
    deal_blockers: list[AccountDemand]
    by_importance: list[tuple[str, int]]


def idea_demand(*, idea: Idea) -> IdeaDemand:
    """The accounts behind an idea's stored demand figures. Two queries whatever the size:
    proxy votes (with account, recorder, contact), and the voters' accounts."""
    proxies = list(
        ProxyVote.objects.filter(idea=idea)
        .select_related("account", "recorded_by", "contact")
        .order_by("-account__arr", "account__name")
    )
    rows = {p.account_id: AccountDemand(account=p.account, proxy=p) for p in proxies}
    for account in (
        Account.objects.filter(users__votes__idea=idea)
        .annotate(voters=Count("users", distinct=True))
        .order_by("-arr", "name")
    ):
        row = rows.setdefault(account.pk, AccountDemand(account=account))
        row.voters = account.voters
    accounts = sorted(rows.values(), key=lambda r: (-r.account.arr, r.account.name))
    return IdeaDemand(
        accounts=accounts,
        deal_blockers=[
            r for r in accounts if r.proxy and r.proxy.importance == Importance.DEAL_BLOCKER
        ],
        by_importance=[
            (Importance.DEAL_BLOCKER.label, idea.demand_deal_blocker),
            (Importance.CRITICAL.label, idea.demand_critical),
            (Importance.IMPORTANT.label, idea.demand_important),
            (Importance.NICE_TO_HAVE.label, idea.demand_nice_to_have),
        ],
    )


@dataclass(slots=True)
class RequestLine:
    """An idea an account asked for, as the sales lists and exports show it: the stored
    request, the idea's figures, the proxy vote's source if there is one, why a declined
    idea was declined, and (filled in after the read) its rank and roadmap items."""

    account_id: int
    idea_id: int
    title: str
    status: str
    vote_count: int
    account_count: int
    revenue_at_stake: Decimal
    score: float
    product_id: int
    voters: int
    importance_rank: int
    proxy_source: str  # empty when the account asks only through its users' votes
    declined_because: str
    product: Product = field(init=False)
    rank: int | None = None
    roadmap: list[RoadmapMention] = field(default_factory=list)

    @property
    def importance(self) -> str:
        return RANKED_IMPORTANCE[self.importance_rank]

    @property
    def importance_label(self) -> str:
        return Importance(self.importance).label if self.importance else ""


class RoadmapMention(NamedTuple):
    horizon: str  # the horizon's label
    title: str  # as customers see it
    status: str  # empty while planned, else the status's label in lower case


@dataclass
class AccountRequests:
    account: Account
    requests: list[RequestLine]  # the page asked for
    total: int = 0  # how many match the filters, on every page


RANK_CACHE_SECONDS = 60
# Each web process also keeps the unpacked scores it read for this long, instead of
# fetching a big product's (800 kB at 100,000 ideas) from the cache on every page.
RANK_MEMO_SECONDS = 10
_rank_memo: dict[int, tuple[float, array[float]]] = {}


def _rank_cache_key(product_id: int) -> str:
    return f"ideas:ranked-scores:{product_id}"


def idea_ranks(*, idea_ids: list[int]) -> dict[int, int]:
    """Each idea's rank by score within its product (1 = highest): how many listed ideas
    of the product score higher, plus one. See ranks_of."""
    if not idea_ids:
        return {}
    return ranks_of(Idea.objects.filter(pk__in=idea_ids).values_list("pk", "product_id", "score"))


def ranks_of(ideas: Iterable[tuple[int, int, float]]) -> dict[int, int]:
    """The rank of each idea given as (id, product id, current score).

    The product's scores they are ranked among come from the cache, at most a minute
    old (and fresh after a full rescore, see idea_ranks_forget, within the ten seconds
    a web process keeps what it read): reading a big product's 100,000 scores took
    150-200 ms, too long for every page that shows a rank."""
    wanted: dict[int, list[tuple[int, float]]] = {}
    for pk, product_id, score in ideas:
        wanted.setdefault(product_id, []).append((pk, score))
    now = time.monotonic()
    ranked = {
        product_id: memo[1]
        for product_id in wanted
        if (memo := _rank_memo.get(product_id)) and memo[0] > now
    }
    missing = {pid: _rank_cache_key(pid) for pid in wanted if pid not in ranked}
    fetched = (
        cache.get_or_compute_many(missing, _sorted_scores, RANK_CACHE_SECONDS) if missing else {}
    )
    for product_id, packed in fetched.items():
        ranked[product_id] = array("d")
        ranked[product_id].frombytes(packed)
        _rank_memo[product_id] = (now + RANK_MEMO_SECONDS, ranked[product_id])
    ranks: dict[int, int] = {}
    for product_id, scores in wanted.items():
        for pk, score in scores:
            ranks[pk] = len(ranked[product_id]) - bisect.bisect_right(ranked[product_id], score) + 1
    return ranks


def _sorted_scores(product_ids: list[int]) -> dict[int, bytes]:
    """Each product's listed ideas' scores, ascending, packed as doubles: one query."""
    read: dict[int, list[float]] = {product_id: [] for product_id in product_ids}
    for product_id, score in (
        Idea.objects.filter(product_id__in=product_ids, confirmed_at__isnull=False)
        .exclude(status=Status.MERGED)
        .order_by()
        .values_list("product_id", "score")
    ):
        read[product_id].append(score)
    return {product_id: array("d", sorted(v)).tobytes() for product_id, v in read.items()}


def idea_ranks_forget(*, product_id: int) -> None:
    """After a product's scores were all rewritten: rank against the new ones at once
    (this process at once, the others within RANK_MEMO_SECONDS)."""
    cache.delete(_rank_cache_key(product_id))
    _rank_memo.pop(product_id, None)


# How each sales list sorts an account's requests (q: the request, i: its idea); the
# idea's id breaks ties.
REQUEST_SORTS = {
    "importance": "q.importance_rank DESC, i.vote_count DESC, q.idea_id",
    "votes": "i.vote_count DESC, i.title, q.idea_id",
    "revenue": "i.revenue_at_stake DESC, i.title, q.idea_id",
    "score": "i.score DESC, i.title, q.idea_id",
    "status": "q.status, i.title, q.idea_id",
    "title": "LOWER(i.title), q.idea_id",
}

# The columns of a RequestLine, up to the proxy vote's source, read from the request (q)
# and its idea (i); the proxy vote (p) and the latest decline (a scalar subquery) follow.
# The columns of a RequestLine up to the proxy vote's source: of the request (q) and its
# idea (i). The idea's status is read from the request, which carries it.
_LINE_COLUMNS = (
    "q.account_id", "q.idea_id", "i.title", "q.status", "i.vote_count", "i.account_count",
    "i.revenue_at_stake", "i.score", "q.product_id", "q.voters", "q.importance_rank",
)  # fmt: skip
_LINE_SQL = ", ".join(_LINE_COLUMNS)


def _line_extras_sql(row: str) -> tuple[str, str]:
    """The proxy vote's source and the latest decline's reason of the request rows aliased
    ``row``, with the join to the proxy votes (p) they need."""
    columns = f"""
        COALESCE(p.source, ''),
        CASE WHEN {row}.status = 'declined' THEN COALESCE((
            SELECT c.note FROM ideas_statuschange c
            WHERE c.idea_id = {row}.idea_id AND c.to_status = 'declined'
            ORDER BY c.at DESC LIMIT 1
        ), '') ELSE '' END
    """  # noqa: S608 - an alias chosen here, never input
    join = (
        f"LEFT JOIN ideas_proxyvote p ON {row}.proxy_importance <> '' "
        f"AND p.account_id = {row}.account_id AND p.idea_id = {row}.idea_id"
    )
    return columns, join


def account_requests(
    *,
    user: User,
    accounts: list[Account],
    importance: str = "",
    status: str = "",
    sort: str = "importance",
    limit: int | None = None,
    offset: int = 0,
) -> list[AccountRequests]:
    """Every idea each account asked for, in products the user may see, sorted; with
    ``limit``, each account's requests from ``offset`` (``total`` says how many match).

    Read from the stored requests per account (``AccountRequest``), never from votes, as
    plain rows (no model instances: a page of fifty built them for most of its time).
    With a limit on PostgreSQL, each account's page comes from its own index scan (the
    default sort reads only its most important requests' ideas) and its total from the
    same statement; otherwise every matching request is read and cut here. A fixed
    number of queries whatever the number of accounts and requests: visible products,
    the requests, and the roadmap items of those shown."""
    products = {p.pk: p for p in products_for_user(user)}
    account_ids = [a.pk for a in accounts]
    if not products or not account_ids:
        return [AccountRequests(account=a, requests=[], total=0) for a in accounts]
    where = ["q.product_id IN (" + ", ".join(["%s"] * len(products)) + ")", "q.status <> %s"]
    params: list[Any] = [*products, Status.MERGED]
    if importance:
        where.append("q.importance_rank = %s")
        params.append(IMPORTANCE_RANK[importance])
    if status:
        where.append("q.status = %s")
        params.append(status)
    order = REQUEST_SORTS.get(sort, REQUEST_SORTS["importance"])
    shown: dict[int, list[RequestLine]] = {pk: [] for pk in account_ids}
    totals: dict[int, int] = dict.fromkeys(account_ids, 0)
    conditions = " AND ".join(where)
    with connection.cursor() as cursor:
        if limit is not None and connection.vendor == "postgresql":
            # Every account gives at least one row (LEFT JOIN): its total, with no request
            # when none is on this page.
            extras, proxy_join = _line_extras_sql("r")
            cursor.execute(
                f"""
                SELECT a.id, t.total, {", ".join("r." + c.split(".")[1] for c in _LINE_COLUMNS)},
                       {extras}
                FROM unnest(%s::bigint[]) AS a(id)
                CROSS JOIN LATERAL (
                    SELECT COUNT(*) AS total FROM ideas_accountrequest q
                    WHERE q.account_id = a.id AND {conditions}
                ) t
                LEFT JOIN LATERAL (
                    SELECT {_LINE_SQL}, q.proxy_importance FROM ideas_accountrequest q
                    JOIN ideas_idea i ON i.id = q.idea_id
                    WHERE q.account_id = a.id AND {conditions}
                    ORDER BY {order} LIMIT %s OFFSET %s
                ) r ON TRUE
                {proxy_join}
                """,  # noqa: S608 - built from the constants above; values are parameters
                [account_ids, *params, *params, limit, offset],
            )
            for account_id, total, *line in cursor.fetchall():
                totals[account_id] = total
                if line[0] is not None:
                    shown[account_id].append(RequestLine(*line))
        else:
            extras, proxy_join = _line_extras_sql("q")
            cursor.execute(
                f"""
                SELECT {_LINE_SQL}, {extras} FROM ideas_accountrequest q
                JOIN ideas_idea i ON i.id = q.idea_id
                {proxy_join}
                WHERE q.account_id IN ({", ".join(["%s"] * len(account_ids))})
                  AND {conditions}
                ORDER BY q.account_id, {order}
                """,  # noqa: S608 - built from the constants above; values are parameters
                [*account_ids, *params],
            )
            for line in cursor.fetchall():
                shown[line[0]].append(RequestLine(*line))
            for pk, lines in shown.items():
                totals[pk] = len(lines)
                shown[pk] = lines[offset : None if limit is None else offset + limit]
    lines = [line for pk in account_ids for line in shown[pk]]
    for line in lines:
        line.product = products[line.product_id]
    _explain_requests(lines)
    return [AccountRequests(account=a, requests=shown[a.pk], total=totals[a.pk]) for a in accounts]


def _explain_requests(lines: list[RequestLine]) -> None:
    """The rank by score of each idea shown, and where it is on the roadmap (the roadmap
    app's items, read through their reverse name on ideas)."""
    if not lines:
        return
    ranks = ranks_of((line.idea_id, line.product_id, line.score) for line in lines)
    item_model = Idea._meta.get_field("roadmap_items").related_model
    horizons = dict(item_model._meta.get_field("horizon").flatchoices)  # type: ignore[union-attr]
    statuses = dict(item_model._meta.get_field("status").flatchoices)  # type: ignore[union-attr]
    mentions: dict[int, list[RoadmapMention]] = {}
    # The link table itself (one join to the items), rather than from the ideas (two).
    links = Idea.roadmap_items.through.objects
    for idea_id, horizon, title, public_title, item_status in (
        links.filter(idea_id__in={line.idea_id for line in lines})
        .order_by("idea_id", "roadmapitem__position", "roadmapitem_id")
        .values_list(
            "idea_id",
            "roadmapitem__horizon",
            "roadmapitem__title",
            "roadmapitem__public_title",
            "roadmapitem__status",
        )
    ):
        mentions.setdefault(idea_id, []).append(
            RoadmapMention(
                horizon=str(horizons[horizon]),
                title=public_title or title,
                status="" if item_status == "planned" else str(statuses[item_status]).lower(),
            )
        )
    for line in lines:
        line.rank = ranks.get(line.idea_id)
        line.roadmap = mentions.get(line.idea_id, [])


def accounts_owned_by(*, user: User) -> QuerySet[Account]:
    """The user's accounts in name order (a query set: pages slice it)."""
    return Account.objects.filter(owner=user).order_by("name", "pk")


def account_search(*, text: str, limit: int = 10) -> list[Account]:
    text = text.strip().lstrip("@")
    if len(text) < 2:
        return []
    return list(
        Account.objects.filter(Q(name__icontains=text) | Q(domains__domain__istartswith=text))
        .distinct()
        .order_by("name")[:limit]
    )


def ideas_for_quick_record(*, user: User, text: str) -> list[Idea]:
    """Ideas across the products the user may see that match what a call was about."""
    words = _words(text)
    if not words:
        return []
    visible = [p.pk for p in products_for_user(user)]
    qs = Idea.objects.listed().filter(product_id__in=visible).select_related("product")
    return list(_search(qs, text).order_by("-vote_count", "-pk")[:15])


def votes_of_user(*, product: Product, user: User) -> tuple[list[Vote], list[ProxyVote]]:
    """A customer's own votes on the product, and proxy votes naming them as contact."""
    votes = list(
        Vote.objects.filter(user=user, idea__product=product, idea__confirmed_at__isnull=False)
        .exclude(idea__status=Status.MERGED)
        .select_related("idea")
        .order_by("-created_at")
    )
    proxies = list(
        ProxyVote.objects.filter(contact=user, idea__product=product)
        .select_related("idea", "account", "recorded_by")
        .order_by("-updated_at")
    )
    return votes, proxies


def ideas_asked_by(*, account_ids: Iterable[int] = (), user_ids: Iterable[int] = ()) -> set[int]:
    """Ideas whose demand depends on these accounts (their proxy votes and their users'
    votes) or on these users' votes."""
    account_ids, user_ids = list(account_ids), list(user_ids)
    ids = set(
        ProxyVote.objects.filter(account_id__in=account_ids).values_list("idea_id", flat=True)
    )
    ids |= set(
        Vote.objects.filter(
            Q(user__account_id__in=account_ids) | Q(user_id__in=user_ids)
        ).values_list("idea_id", flat=True)
    )
    return ids


@dataclass
class DigestItem:
    idea: Idea
    changes: list[StatusChange]
    accounts: list[Account]


def sales_digest_items(*, user: User, since: datetime) -> list[DigestItem]:
    """What changed since ``since`` for ideas the user's accounts asked for: status changes
    with their explanations, grouped by idea. Four queries whatever the volume."""
    accounts = {a.pk: a for a in Account.objects.filter(owner=user)}
    if not accounts:
        return []
    asked: dict[int, set[int]] = {}
    for account_id, idea_id in ProxyVote.objects.filter(account_id__in=accounts).values_list(
        "account_id", "idea_id"
    ):
        asked.setdefault(idea_id, set()).add(account_id)
    for account_id, idea_id in Vote.objects.filter(user__account_id__in=accounts).values_list(
        "user__account_id", "idea_id"
    ):
        asked.setdefault(idea_id, set()).add(account_id)
    visible = {p.pk for p in products_for_user(user)}
    items: dict[int, DigestItem] = {}
    for change in (
        StatusChange.objects.filter(idea_id__in=asked, at__gte=since)
        .select_related("idea", "idea__product", "by")
        .order_by("idea_id", "at", "id")
    ):
        if change.idea.product_id not in visible:
            continue
        item = items.setdefault(
            change.idea_id,
            DigestItem(
                idea=change.idea,
                changes=[],
                accounts=sorted((accounts[a] for a in asked[change.idea_id]), key=lambda a: a.name),
            ),
        )
        item.changes.append(change)
    return sorted(items.values(), key=lambda i: (i.idea.product.name, i.idea.title))


# --- PM triage ----------------------------------------------------------------------------

INBOX_LIMIT = 50


def inbox_ideas(
    *, product: Product, filters: dict[str, object], limit: int = INBOX_LIMIT
) -> list[Idea]:
    """The PM's triage list: new and held ideas oldest first by default, or any status.
    Three queries whatever the rows: ideas (with category and assignee), their themes, and
    an account lookup when filtering by account."""
    qs: QuerySet[Idea] = Idea.objects.filter(
        product=product, confirmed_at__isnull=False
    ).select_related("category", "assignee", "author")
    status = filters.get("status") or ""
    if status == "inbox":
        qs = qs.filter(Q(status=Status.NEW) | Q(is_approved=False)).exclude(status=Status.MERGED)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if filters.get("category"):
        qs = qs.filter(category__slug=filters["category"])
    if filters.get("theme"):
        qs = qs.filter(themes__slug=filters["theme"])
    assignee = filters.get("assignee") or ""
    if assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif isinstance(assignee, str) and assignee.isdigit():
        qs = qs.filter(assignee_id=int(assignee))
    account_text = str(filters.get("account") or "").strip()
    if account_text:
        accounts = account_search(text=account_text, limit=20)
        qs = qs.filter(
            Q(proxy_votes__account__in=accounts) | Q(votes__user__account__in=accounts)
        ).distinct()
    if filters.get("since"):
        qs = qs.filter(created_at__date__gte=filters["since"])
    if filters.get("until"):
        qs = qs.filter(created_at__date__lte=filters["until"])
    if filters.get("q"):
        qs = _search(qs, str(filters["q"]))
    order = ["created_at", "pk"] if status == "inbox" else ["-created_at", "-pk"]
    return list(qs.order_by(*order).prefetch_related("themes")[:limit])


@dataclass
class TimelineEntry:
    at: datetime
    change: StatusChange
    decision: Decision | None = None


def idea_timeline(*, idea: Idea) -> list[TimelineEntry]:
    """Every status change, newest first, with the decision taken at a decline."""
    changes = list(StatusChange.objects.filter(idea=idea).select_related("by"))
    declines = any(change.to_status == Status.DECLINED for change in changes)
    decisions = (
        list(Decision.objects.filter(idea=idea).order_by("decided_at", "id")) if declines else []
    )
    entries = []
    for change in changes:
        decision = None
        if change.to_status == Status.DECLINED:
            earlier = [d for d in decisions if d.decided_at <= change.at]
            decision = earlier[-1] if earlier else None
        entries.append(TimelineEntry(at=change.at, change=change, decision=decision))
    return entries


def current_decision(*, idea: Idea) -> Decision | None:
    if idea.status != Status.DECLINED:
        return None
    return Decision.objects.filter(idea=idea).select_related("decided_by").first()


class MergedHere(NamedTuple):
    source_id: int
    source_title: str


def merges_into(*, idea: Idea) -> list[MergedHere]:
    """Duplicates merged into this idea (still merged), for links to their comments: their
    ids and titles only (every idea page asks, and most have none)."""
    return [
        MergedHere(*row)
        for row in Merge.objects.filter(target=idea, undone_at__isnull=True)
        .order_by("pk")
        .values_list("source_id", "source__title")
    ]


def pm_idea_extras(*, idea: Idea) -> dict[str, object]:
    """What the PM sees beside an idea: its merge out (to undo), and reply templates."""
    return {
        # The roadmap app's items, by their reverse name: no import of that app here.
        "roadmap_items": list(idea.roadmap_items.all()),
        "merge_out": Merge.objects.filter(source=idea, undone_at__isnull=True)
        .select_related("target")
        .first(),
        "reply_templates": list(
            ReplyTemplate.objects.filter(Q(product=idea.product) | Q(product__isnull=True))
        ),
    }
