"""What each account asks for: ``AccountRequest`` rows kept as votes and proxy votes change.

A vote changes its voter's account's row by one statement (an upsert or a decrement)
that also says whether the account started or stopped asking, which is what the idea's
account count and revenue at stake need. Everything rarer (proxy votes, merges, users
moving between accounts, imports) rebuilds the rows of the ideas concerned from the votes
and proxy votes, set-based, on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from ideas.models import AccountRequest, Idea, Importance, Vote
from portal.models import User

TABLE = AccountRequest._meta.db_table
VOTER_COLUMN = {
    Importance.NICE_TO_HAVE: "voters_nice_to_have",
    Importance.IMPORTANT: "voters_important",
    Importance.CRITICAL: "voters_critical",
}
CHUNK = 500  # ideas per rebuild statement: well under SQLite's limit on parameters

# Every row of the ideas in scope, as the votes and proxy votes say it should be.
# {where} limits the ideas ("i.id IN (...)" or "i.product_id = %s" or "1 = 1").
_EXPECTED_SQL = f"""
    SELECT r.account_id, r.idea_id, i.product_id, i.status,
           SUM(r.voters), SUM(r.nice_to_have), SUM(r.important), SUM(r.critical),
           MAX(r.proxy_importance)
    FROM (
        SELECT u.account_id, v.idea_id, 1 AS voters,
               CASE WHEN v.importance = 'nice_to_have' THEN 1 ELSE 0 END AS nice_to_have,
               CASE WHEN v.importance = 'important' THEN 1 ELSE 0 END AS important,
               CASE WHEN v.importance = 'critical' THEN 1 ELSE 0 END AS critical,
               '' AS proxy_importance
        FROM {Vote._meta.db_table} v JOIN {User._meta.db_table} u ON u.id = v.user_id
        WHERE u.account_id IS NOT NULL
        UNION ALL
        SELECT p.account_id, p.idea_id, 0, 0, 0, 0, p.importance
        FROM ideas_proxyvote p
    ) r JOIN ideas_idea i ON i.id = r.idea_id
    WHERE {{where}}
    GROUP BY r.account_id, r.idea_id, i.product_id, i.status
"""  # noqa: S608 - table names only
_COLUMNS = (
    "account_id, idea_id, product_id, status, voters, voters_nice_to_have, "
    "voters_important, voters_critical, proxy_importance"
)


def _scopes(idea_ids: Iterable[int] | None, product_id: int | None) -> list[tuple[str, list[Any]]]:
    if idea_ids is None:
        if product_id is None:
            return [("1 = 1", [])]
        return [("i.product_id = %s", [product_id])]
    ids = sorted(set(idea_ids))
    return [
        ("i.id IN (" + ", ".join(["%s"] * len(chunk)) + ")", chunk)
        for chunk in (ids[n : n + CHUNK] for n in range(0, len(ids), CHUNK))
    ]


def requests_refresh(
    *,
    idea_ids: Iterable[int] | None = None,
    product_id: int | None = None,
    account_ids: Iterable[int] | None = None,
) -> None:
    """Rebuild the rows of these ideas (or of a product's ideas, or of every idea) from
    their votes and proxy votes; with ``account_ids``, only those accounts' rows (a proxy
    vote changes one account's: rebuilding every account of a popular idea took 300 ms).
    Callers that may race with votes hold the ideas' row locks, as votes take them first."""
    accounts = sorted(set(account_ids)) if account_ids is not None else None
    if accounts == []:
        return
    only = f" AND account_id IN ({', '.join(['%s'] * len(accounts))})" if accounts else ""
    with connection.cursor() as cursor:
        for where, params in _scopes(idea_ids, product_id):
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE idea_id IN "  # noqa: S608 - built from constants
                f"(SELECT i.id FROM ideas_idea i WHERE {where}){only}",
                [*params, *(accounts or [])],
            )
            cursor.execute(
                f"INSERT INTO {TABLE} ({_COLUMNS}) "
                + _EXPECTED_SQL.format(where=where + only.replace("account_id", "r.account_id")),
                [*params, *(accounts or [])],
            )


def requests_drift(*, product_id: int | None = None) -> list[int]:
    """The ideas whose rows differ from what their votes and proxy votes say, by id."""
    ((where, params),) = _scopes(None, product_id)
    stored = f"SELECT {_COLUMNS} FROM {TABLE} i WHERE {where}"  # noqa: S608 - constants only
    expected = _EXPECTED_SQL.format(where=where)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT idea_id FROM ({stored} EXCEPT {expected}) a "  # noqa: S608
            f"UNION SELECT DISTINCT idea_id FROM ({expected} EXCEPT {stored}) b ORDER BY 1",
            params * 4,
        )
        return [int(row[0]) for row in cursor.fetchall()]


def requests_fix(*, product_id: int | None = None) -> list[int]:
    """Rebuild the rows of the ideas that drifted, with the ideas locked (in id order, as
    votes lock them) so a vote landing meanwhile adds onto the rebuilt rows."""
    with transaction.atomic():
        ids = requests_drift(product_id=product_id)
        if ids:
            list(
                Idea.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk")
            )
            requests_refresh(idea_ids=ids)
    return ids


def request_vote_added(*, idea_id: int, product_id: int, status: str, account_id: int,
                       importance: str) -> bool:  # fmt: skip
    """One more of the account's users voted: True when the account did not ask before
    (no other voter, no proxy vote)."""
    column = VOTER_COLUMN.get(Importance(importance)) if importance else None
    counts = [int(column == c) for c in VOTER_COLUMN.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (%s, %s, %s, %s, 1, %s, %s, %s, '') "  # noqa: S608
            "ON CONFLICT (account_id, idea_id) DO UPDATE SET voters = "
            f"{TABLE}.voters + 1"
            + "".join(f", {c} = {TABLE}.{c} + excluded.{c}" for c in VOTER_COLUMN.values())
            + " RETURNING voters, proxy_importance",
            [account_id, idea_id, product_id, status, *counts],
        )
        voters, proxy_importance = cursor.fetchone()
    return bool(voters == 1 and not proxy_importance)


def request_vote_removed(*, idea_id: int, account_id: int, importance: str) -> bool:
    """One of the account's users withdrew their vote: True when the account no longer
    asks (it was the last voter and there is no proxy vote)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE account_id = %s AND idea_id = %s "  # noqa: S608
            "AND voters <= 1 AND proxy_importance = '' RETURNING id",
            [account_id, idea_id],
        )
        if cursor.fetchone() is not None:
            return True
        column = VOTER_COLUMN.get(Importance(importance)) if importance else None
        cursor.execute(
            f"UPDATE {TABLE} SET voters = voters - 1"  # noqa: S608 - constants only
            + (f", {column} = {column} - 1" if column else "")
            + " WHERE account_id = %s AND idea_id = %s AND voters > 0",
            [account_id, idea_id],
        )
    return False


def request_vote_importance_changed(*, idea_id: int, account_id: int, old: str, new: str) -> None:
    """A voter of the account said another importance."""
    change = {
        VOTER_COLUMN[Importance(value)]: F(VOTER_COLUMN[Importance(value)]) + sign
        for value, sign in ((old, -1), (new, 1))
        if value in VOTER_COLUMN
    }
    if change:
        AccountRequest.objects.filter(account_id=account_id, idea_id=idea_id).update(**change)
