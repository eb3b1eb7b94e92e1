"""The counters stored on ideas, recounted from their rows: drift found and repaired.

Votes, comments and proxy votes keep the counters on ``ideas_idea`` current as they
happen (see ``intake`` and ``demand``). A raw SQL repair, a restored backup or a bug can
still leave a stored number unlike its rows; this recounts every counter of every idea in
one set-based query (about a second at 100,000 ideas and a million votes) and rewrites
only the ideas that drifted. PostgreSQL only: the recount uses its window functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ideas import ranking
from ideas.models import Idea
from ideas.services.requests import requests_refresh
from ideas.signals import demand_changed

# The stored counters, in the order they are reported.
COUNTERS = (
    "vote_count",
    "comment_count",
    "trending_score",
    "account_count",
    "revenue_at_stake",
    "demand_nice_to_have",
    "demand_important",
    "demand_critical",
    "demand_deal_blocker",
)
# Counters that feed the scores: when they are repaired, scoring hears of it.
DEMAND_COUNTERS = frozenset(COUNTERS) - {"comment_count", "trending_score"}

# Trending scores are floats summed in another order than the live updates did: equal
# within this (a relative difference of one in a million in the decayed vote sum).
TRENDING_TOLERANCE = 1e-6
# A vote this many time constants older than now weighs less than 1e-12 of a vote cast
# now. ``ranking.without_event`` stores EMPTY when only such weight is left, which is not
# drift.
NEGLIGIBLE_EXPONENTS = 27.7

_EXPECTED_SQL = """
WITH scope AS (
    SELECT id, created_at FROM ideas_idea
    WHERE (%(product)s::bigint IS NULL OR product_id = %(product)s::bigint)
      AND (%(ids)s::bigint[] IS NULL OR id = ANY(%(ids)s::bigint[]))
), votes AS (
    SELECT v.idea_id, v.user_id, v.importance, v.created_at
    FROM ideas_vote v JOIN scope s ON s.id = v.idea_id
), events AS (  -- ideas.ranking: the submission and every vote, each exp((t - epoch) / tau)
    SELECT id AS idea_id,
           (EXTRACT(EPOCH FROM created_at)::float8 - %(epoch)s) / %(tau)s AS x FROM scope
    UNION ALL
    SELECT idea_id, (EXTRACT(EPOCH FROM created_at)::float8 - %(epoch)s) / %(tau)s FROM votes
), trending AS (  -- log-sum-exp, shifted by each idea's largest exponent
    SELECT idea_id, m + LN(SUM(EXP(x - m))) AS score
    FROM (SELECT idea_id, x, MAX(x) OVER (PARTITION BY idea_id) AS m FROM events) e
    GROUP BY idea_id, m
), vote_counts AS (
    SELECT idea_id, COUNT(*) AS n FROM votes GROUP BY idea_id
), comment_counts AS (  -- internal comments are not counted: customers never see them
    SELECT c.idea_id, COUNT(*) AS n FROM ideas_comment c JOIN scope s ON s.id = c.idea_id
    WHERE NOT c.is_internal GROUP BY c.idea_id
), proxies AS (
    SELECT p.idea_id, p.account_id, p.importance, p.opportunity_value, p.expected_close_date
    FROM ideas_proxyvote p JOIN scope s ON s.id = p.idea_id
), asked AS (  -- each account once per idea, whether its users voted or sales recorded it
    SELECT v.idea_id, u.account_id FROM votes v JOIN portal_user u ON u.id = v.user_id
    WHERE u.account_id IS NOT NULL
    UNION
    SELECT idea_id, account_id FROM proxies
), accounts AS (
    SELECT a.idea_id, COUNT(*) AS n, SUM(pa.arr) AS arr
    FROM asked a JOIN portal_account pa ON pa.id = a.account_id GROUP BY a.idea_id
), opportunities AS (
    SELECT idea_id, SUM(opportunity_value) AS value FROM proxies
    WHERE opportunity_value IS NOT NULL
      AND (expected_close_date IS NULL OR expected_close_date >= %(today)s)
    GROUP BY idea_id
), importance AS (
    SELECT idea_id,
           COUNT(*) FILTER (WHERE importance = 'nice_to_have') AS nice_to_have,
           COUNT(*) FILTER (WHERE importance = 'important') AS important,
           COUNT(*) FILTER (WHERE importance = 'critical') AS critical,
           COUNT(*) FILTER (WHERE importance = 'deal_blocker') AS deal_blocker
    FROM (SELECT idea_id, importance FROM votes WHERE importance <> ''
          UNION ALL SELECT idea_id, importance FROM proxies) i
    GROUP BY idea_id
), expected AS (
    SELECT s.id,
           COALESCE(vc.n, 0) AS vote_count,
           COALESCE(cc.n, 0) AS comment_count,
           t.score AS trending_score,
           COALESCE(a.n, 0) AS account_count,
           COALESCE(a.arr, 0) + COALESCE(o.value, 0) AS revenue_at_stake,
           COALESCE(imp.nice_to_have, 0) AS demand_nice_to_have,
           COALESCE(imp.important, 0) AS demand_important,
           COALESCE(imp.critical, 0) AS demand_critical,
           COALESCE(imp.deal_blocker, 0) AS demand_deal_blocker
    FROM scope s
    JOIN trending t ON t.idea_id = s.id
    LEFT JOIN vote_counts vc ON vc.idea_id = s.id
    LEFT JOIN comment_counts cc ON cc.idea_id = s.id
    LEFT JOIN accounts a ON a.idea_id = s.id
    LEFT JOIN opportunities o ON o.idea_id = s.id
    LEFT JOIN importance imp ON imp.idea_id = s.id
)
"""

_DRIFTED = """
    i.vote_count <> e.vote_count
    OR i.comment_count <> e.comment_count
    OR i.account_count <> e.account_count
    OR i.revenue_at_stake <> e.revenue_at_stake
    OR i.demand_nice_to_have <> e.demand_nice_to_have
    OR i.demand_important <> e.demand_important
    OR i.demand_critical <> e.demand_critical
    OR i.demand_deal_blocker <> e.demand_deal_blocker
    OR (ABS(i.trending_score - e.trending_score) > %(tolerance)s
        AND NOT (i.trending_score <= %(empty)s AND e.trending_score < %(negligible)s))
"""

_REPORT_SQL = (
    _EXPECTED_SQL  # noqa: S608 - built from the constants above, never from input
    + "SELECT i.id, p.slug, i.title, "
    + ", ".join(f"i.{name}" for name in COUNTERS)
    + ", "
    + ", ".join(f"e.{name}" for name in COUNTERS)
    + " FROM ideas_idea i JOIN expected e ON e.id = i.id"
    + " JOIN portal_product p ON p.id = i.product_id WHERE "
    + _DRIFTED
    + " ORDER BY i.id"
)

_FIX_SQL = (
    _EXPECTED_SQL  # noqa: S608 - built from the constants above, never from input
    + "UPDATE ideas_idea AS i SET "
    + ", ".join(f"{name} = e.{name}" for name in COUNTERS)
    + " FROM expected e WHERE e.id = i.id"
)


@dataclass(frozen=True)
class CounterDrift:
    """One idea whose stored counters differ from its rows: field -> (stored, counted)."""

    idea_id: int
    product_slug: str
    title: str
    fields: dict[str, tuple[Any, Any]]


def _params(*, product_id: int | None, idea_ids: list[int] | None) -> dict[str, Any]:
    now = timezone.now()
    return {
        "product": product_id,
        "ids": idea_ids,
        "epoch": ranking.EPOCH.timestamp(),
        "tau": ranking.TAU_SECONDS,
        "today": timezone.localdate(),
        "tolerance": TRENDING_TOLERANCE,
        "empty": ranking.EMPTY,
        "negligible": ranking.exponent(now) - NEGLIGIBLE_EXPONENTS,
    }


def _same(name: str, stored: Any, counted: Any) -> bool:
    if name == "trending_score":
        return bool(abs(float(stored) - float(counted)) <= TRENDING_TOLERANCE)
    if name == "revenue_at_stake":
        return Decimal(stored) == Decimal(counted)
    return bool(stored == counted)


def counters_drift(
    *, product_id: int | None = None, idea_ids: list[int] | None = None
) -> list[CounterDrift]:
    """Every idea (of one product, or these ideas, or all) whose stored counters differ
    from a recount of its votes, comments and proxy votes, in id order."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("Recounting counters needs PostgreSQL.")
    n = len(COUNTERS)
    with connection.cursor() as cursor:
        cursor.execute(_REPORT_SQL, _params(product_id=product_id, idea_ids=idea_ids))
        rows = cursor.fetchall()
    drifts = []
    for row in rows:
        idea_id, slug, title = row[0], row[1], row[2]
        stored, counted = row[3 : 3 + n], row[3 + n :]
        fields = {
            name: (s, c)
            for name, s, c in zip(COUNTERS, stored, counted, strict=True)
            if not _same(name, s, c)
        }
        # Only a trending score that is EMPTY (allowed) can leave no field here.
        if fields:
            drifts.append(CounterDrift(int(idea_id), str(slug), str(title), fields))
    return drifts


def counters_recount(*, product_id: int) -> None:
    """Write every counter of every idea of the product from its rows, in one statement,
    without looking for drift first or telling scoring: for bulk loads (seed_scale,
    which rescores afterwards). The product's per-account requests are rebuilt too."""
    with connection.cursor() as cursor:
        cursor.execute(_FIX_SQL, _params(product_id=product_id, idea_ids=None))
    requests_refresh(product_id=product_id)


def counters_fix(*, product_id: int | None = None) -> list[CounterDrift]:
    """Rewrite the drifted counters from the rows and return what was wrong.

    The drifted ideas are locked first (in id order, as votes lock them), and only then
    recounted: a vote or comment landing meanwhile waits, then adds its own +1 onto the
    exact count instead of being lost under it."""
    with transaction.atomic():
        found = counters_drift(product_id=product_id)
        if not found:
            return []
        ids = [d.idea_id for d in found]
        list(Idea.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        with connection.cursor() as cursor:
            cursor.execute(_FIX_SQL, _params(product_id=product_id, idea_ids=ids))
        demand_ids = [d.idea_id for d in found if DEMAND_COUNTERS & d.fields.keys()]
        if demand_ids:
            demand_changed.send(sender=Idea, idea_ids=demand_ids)
    return found
