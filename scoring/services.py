"""Writes for scoring: goals, scorecards and weights, ratings, alignment, and rescoring.

A rating or alignment change rescores its idea at once. A vote, proxy vote or account
change rescores the ideas it touched after commit (see receivers). A scorecard or goal
weight change rescores the whole product in one set-based background job.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from ideas.models import Idea
from ideas.selectors import idea_ranks_forget
from ideas.services import (
    idea_scores_store,
    idea_scores_store_copied,
    idea_scores_store_staged,
)
from portal.access import is_product_pm
from portal.models import Product, User
from portal.services import audit_record
from scoring import engine, selectors
from scoring.models import (
    Goal,
    IdeaGoal,
    IdeaScore,
    Metric,
    Rating,
    Scorecard,
    ScorecardChange,
    ScoreEvent,
    ScoreHistory,
)

BATCH = 5_000


def _require_pm(user: User, product: Product) -> None:
    if not is_product_pm(user, product):
        raise PermissionDenied("Only the product's PMs and admins manage its scoring.")


def _rescore_product_later(product: Product, event: str) -> None:
    from scoring.tasks import rescore_product

    product_id = product.pk
    transaction.on_commit(lambda: rescore_product.delay(product_id, event), robust=True)


# --- Scorecards and weights -------------------------------------------------------------


def scorecard_apply_preset(*, product: Product, preset: str, by: User | None) -> Scorecard:
    """Start a new active scorecard from a preset (the old one is kept, inactive)."""
    if by is not None:
        _require_pm(by, product)
    if preset not in engine.PRESETS:
        raise ValidationError(f"Unknown preset {preset!r}.")
    spec = engine.PRESETS[preset]
    with transaction.atomic():
        old = Scorecard.objects.select_for_update().filter(product=product, active=True).first()
        before = _weights(old) if old else {}
        Scorecard.objects.filter(product=product, active=True).update(active=False)
        scorecard = Scorecard.objects.create(product=product, name=spec.name, preset=preset)
        Metric.objects.bulk_create(
            Metric(
                scorecard=scorecard,
                key=m.key,
                name=m.name,
                rubric=m.rubric,
                kind=m.kind.value,
                weight=m.weight,
                cost=m.cost,
                scale=m.scale.value if m.scale else "",
                signal=m.signal.value if m.signal else "",
                order=n,
            )
            for n, m in enumerate(spec.metrics)
        )
        ScorecardChange.objects.create(
            scorecard=scorecard,
            by=by,
            before=before,
            after=_weights(scorecard),
            note=f"Started from the {spec.name} preset",
        )
        if by is not None:  # a new product's first scorecard is no one's decision
            audit_record(
                actor=by,
                action="scorecard.preset",
                product=product,
                target=scorecard,
                summary=f"Scorecard started from the {spec.name} preset",
                data={"preset": preset, "before": before, "after": _weights(scorecard)},
            )
        _rescore_product_later(product, ScoreEvent.SCORECARD)
    return scorecard


def _weights(scorecard: Scorecard) -> dict[str, float]:
    return {m.key: m.weight for m in scorecard.metrics.all()}


def scorecard_set_weights(
    *,
    scorecard: Scorecard,
    weights: Mapping[str, float],
    by: User,
    note: str = "",
    goal_weights: Mapping[int, int] | None = None,
) -> ScorecardChange | None:
    """Save new metric (and goal) weights, record who changed what from what to what, and
    rescore the product."""
    _require_pm(by, scorecard.product)
    goals = {g.pk: g for g in Goal.objects.filter(product=scorecard.product)}
    goal_weights = dict(goal_weights or {})
    if set(goal_weights) - set(goals):
        raise ValidationError("Unknown goals.")
    if any(not 0 <= w <= 10 for w in goal_weights.values()):
        raise ValidationError("A goal's weight is between 0 and 10.")
    metrics = {m.key: m for m in scorecard.metrics.all()}
    unknown = set(weights) - set(metrics)
    if unknown:
        raise ValidationError(f"Unknown metrics: {', '.join(sorted(unknown))}.")
    if any(w < 0 for w in weights.values()):
        raise ValidationError("Weights cannot be negative.")
    before = {k: m.weight for k, m in metrics.items()}
    after = {**before, **{k: float(v) for k, v in weights.items()}}
    goals_before = {f"goal: {g.name}": float(g.weight) for g in goals.values()}
    goals_after = {
        f"goal: {g.name}": float(goal_weights.get(pk, g.weight)) for pk, g in goals.items()
    }
    if after == before and goals_after == goals_before:
        return None
    if not any(after.values()):
        raise ValidationError("At least one metric needs a weight above zero.")
    with transaction.atomic():
        for key, weight in after.items():
            if weight != before[key]:
                Metric.objects.filter(pk=metrics[key].pk).update(weight=weight)
        for pk, weight in goal_weights.items():
            if weight != goals[pk].weight:
                Goal.objects.filter(pk=pk).update(weight=weight)
        before, after = {**before, **goals_before}, {**after, **goals_after}
        change = ScorecardChange.objects.create(
            scorecard=scorecard, by=by, before=before, after=after, note=note
        )
        changed = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        audit_record(
            actor=by,
            action="scorecard.weights",
            product=scorecard.product,
            target=scorecard,
            summary="Weights changed: "
            + ", ".join(f"{k} {old:g} → {new:g}" for k, (old, new) in changed.items()),
            data={"changed": changed, "note": note},
        )
        _rescore_product_later(scorecard.product, ScoreEvent.WEIGHTS)
    return change


# --- Goals and alignment ----------------------------------------------------------------


def goal_save(
    *,
    product: Product,
    by: User,
    name: str,
    weight: int,
    description: str = "",
    time_frame: str = "",
    active: bool = True,
    goal: Goal | None = None,
) -> Goal:
    """Create or update a goal; a change of weight or activity rescores the product."""
    _require_pm(by, product)
    if not name.strip():
        raise ValidationError("Give the goal a name.")
    if not 0 <= weight <= 10:
        raise ValidationError("A goal's weight is between 0 and 10.")
    with transaction.atomic():
        before = None if goal is None else (goal.name, goal.weight, goal.active)
        if goal is None:
            goal = Goal.objects.create(
                product=product,
                name=name.strip(),
                weight=weight,
                description=description,
                time_frame=time_frame,
                active=active,
                order=Goal.objects.filter(product=product).count(),
            )
            changed = True
        else:
            changed = (goal.weight, goal.active) != (weight, active)
            goal.name, goal.weight, goal.description = name.strip(), weight, description
            goal.time_frame, goal.active = time_frame, active
            goal.save()
        if before != (goal.name, goal.weight, goal.active):
            audit_record(
                actor=by,
                action="goal.create" if before is None else "goal.update",
                product=product,
                target=goal,
                summary=f"Goal “{goal.name}”: weight {goal.weight}"
                + ("" if goal.active else " (inactive)"),
                data={
                    "before": dict(zip(("name", "weight", "active"), before, strict=True))
                    if before
                    else None,
                    "after": {"name": goal.name, "weight": goal.weight, "active": goal.active},
                },
            )
        if changed:
            _rescore_product_later(product, ScoreEvent.GOAL)
    return goal


def idea_goal_set(*, idea: Idea, goal: Goal, strength: int, by: User) -> None:
    """How strongly the idea serves the goal (0-3); rescores the idea."""
    _require_pm(by, idea.product)
    if goal.product_id != idea.product_id:
        raise ValidationError("The goal belongs to another product.")
    if not 0 <= strength <= 3:
        raise ValidationError("Strength is 0 (not at all) to 3 (directly).")
    with transaction.atomic():
        if strength == 0:
            IdeaGoal.objects.filter(idea=idea, goal=goal).delete()
        else:
            IdeaGoal.objects.update_or_create(idea=idea, goal=goal, defaults={"strength": strength})
        audit_record(
            actor=by,
            action="idea.goal",
            product=idea.product,
            target=idea,
            summary=f"#{idea.pk} “{idea.title}” serves “{goal.name}”: {strength} of 3",
            data={"goal": goal.pk, "strength": strength},
        )
        ideas_rescore(idea_ids=[idea.pk], product=idea.product, event=ScoreEvent.GOAL)


# --- Ratings -----------------------------------------------------------------------------


def rating_set(*, idea: Idea, metric: Metric, value: float | None, by: User) -> Rating | None:
    """Rate an idea on a rating metric of its product's scorecard (None clears it), and
    rescore the idea at once."""
    _require_pm(by, idea.product)
    if metric.scorecard.product_id != idea.product_id:
        raise ValidationError("That metric belongs to another product's scorecard.")
    if metric.kind != engine.Kind.RATING.value:
        raise ValidationError(f"{metric.name} is computed, not rated.")
    allowed = engine.SCALE_VALUES[engine.Scale(metric.scale)]
    if value is not None and value not in allowed:
        shown = ", ".join(f"{v:g}" for v in allowed)
        raise ValidationError(f"{metric.name} takes one of {shown}.")
    with transaction.atomic():
        rating: Rating | None = None
        if value is None:
            Rating.objects.filter(idea=idea, metric=metric).delete()
        else:
            rating, _ = Rating.objects.update_or_create(
                idea=idea,
                metric=metric,
                defaults={"value": value, "rated_by": by, "rated_at": timezone.now()},
            )
        audit_record(
            actor=by,
            action="idea.rating",
            product=idea.product,
            target=idea,
            summary=f"#{idea.pk} “{idea.title}” rated {metric.name}: "
            + ("cleared" if value is None else f"{value:g}"),
            data={"metric": metric.key, "value": value},
        )
        ideas_rescore(idea_ids=[idea.pk], product=idea.product, event=ScoreEvent.RATING)
    return rating


# --- Rescoring ----------------------------------------------------------------------------


def _component(c: engine.Component) -> list[object]:
    """Compact, as stored: [key, raw, normalised, weight, contribution]. Names and kinds
    come from the scorecard's metrics when shown (selectors.expand_components)."""
    return [c.key, c.raw, c.normalised, c.weight, c.contribution]


def _components(score: engine.Score) -> list[list[object]]:
    return [_component(c) for c in score.components]


def _store(
    scorecard: Scorecard, scores: list[engine.Score], event: str, *, idea_totals: bool = True
) -> int:
    """Write totals onto the ideas (unless ``idea_totals`` is off: the caller writes them),
    the explained scores, and a history row for each total that moved. Returns how many
    totals moved."""
    now = timezone.now()
    ids = [s.idea_id for s in scores]
    previous: dict[int, float] = {}
    if len(ids) > BATCH:  # a whole product: one query by product beats many long IN lists
        previous.update(
            IdeaScore.objects.filter(idea__product_id=scorecard.product_id).values_list(
                "idea_id", "total"
            )
        )
    else:
        previous.update(IdeaScore.objects.filter(idea_id__in=ids).values_list("idea_id", "total"))
    moved = [
        s
        for s in scores
        if s.idea_id not in previous or abs(previous[s.idea_id] - s.total) >= 0.005
    ]
    if connection.vendor == "postgresql":
        _store_postgres(
            scorecard, scores, {s.idea_id for s in moved}, previous, event, now, idea_totals
        )
        return len(moved)
    idea_scores_store(scores={s.idea_id: s.total for s in moved})
    IdeaScore.objects.bulk_create(
        (
            IdeaScore(
                idea_id=s.idea_id,
                scorecard=scorecard,
                total=s.total,
                components=_components(s),
                missing=list(s.missing),
                computed_at=now,
            )
            for s in scores
        ),
        batch_size=2_000,
        update_conflicts=True,
        unique_fields=["idea"],
        update_fields=["scorecard", "total", "components", "missing", "computed_at"],
    )
    ScoreHistory.objects.bulk_create(
        (
            ScoreHistory(
                idea_id=s.idea_id,
                total=s.total,
                previous=previous.get(s.idea_id),
                event=event,
                at=now,
            )
            for s in moved
        ),
        batch_size=BATCH,
    )
    return len(moved)


STAGE_SQL = """
    CREATE TEMP TABLE IF NOT EXISTS scoring_stage (
        idea_id bigint PRIMARY KEY, total double precision, components jsonb, missing jsonb,
        previous double precision, moved boolean
    ) ON COMMIT DELETE ROWS
"""
APPLY_SQL = [
    # The explained score of every idea.
    "INSERT INTO scoring_ideascore (idea_id, scorecard_id, total, components, missing, "
    "computed_at) SELECT idea_id, %(scorecard)s, total, components, missing, %(now)s "
    "FROM scoring_stage ON CONFLICT (idea_id) DO UPDATE SET "
    "scorecard_id = EXCLUDED.scorecard_id, total = EXCLUDED.total, "
    "components = EXCLUDED.components, missing = EXCLUDED.missing, "
    "computed_at = EXCLUDED.computed_at",
    # A history row for each total that moved.
    "INSERT INTO scoring_scorehistory (idea_id, total, previous, event, at) "
    "SELECT idea_id, total, previous, %(event)s, %(now)s FROM scoring_stage WHERE moved",
]


def _store_postgres(
    scorecard: Scorecard,
    scores: list[engine.Score],
    moved: set[int],
    previous: Mapping[int, float],
    event: str,
    now: datetime,
    idea_totals: bool,
) -> None:
    """The same writes as the ORM path, staged with one COPY and applied with three
    set-based statements: a full rescore of a big product writes 100,000 rows of each.
    The engine shares equal components between ideas: each is serialised once."""
    encoded: dict[int, str] = {}

    def component_json(component: engine.Component) -> str:
        key = id(component)
        if key not in encoded:
            encoded[key] = json.dumps(_component(component))
        return encoded[key]

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for s in scores:
        writer.writerow(
            (
                s.idea_id,
                s.total,
                "[" + ",".join(component_json(c) for c in s.components) + "]",
                json.dumps(list(s.missing)),
                previous.get(s.idea_id, ""),
                "t" if s.idea_id in moved else "f",
            )
        )
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute(STAGE_SQL)
        cursor.execute("TRUNCATE scoring_stage")
        cursor.cursor.copy_expert(
            "COPY scoring_stage FROM STDIN WITH (FORMAT csv, NULL '')", buffer
        )
        params: dict[str, int | str | datetime] = {
            "scorecard": scorecard.pk,
            "now": now,
            "event": event,
        }
        for statement in APPLY_SQL:
            cursor.execute(statement, params)
    if idea_totals:
        # Totals onto the ideas, for sorting (only those that moved), by the ideas app.
        idea_scores_store_staged(table="scoring_stage")


# PostgreSQL advisory locks keep a product's rescores apart: a few ideas rescored (after a
# vote, a rating) take this lock shared for their write; a full rescore takes it alone for
# both of its writes (on two connections), so no idea ends with a total on the idea from
# one rescore and an explained score from another.
RESCORE_LOCK_CLASS = 7401


def _rescore_lock_in_transaction(product_id: int, *, shared: bool) -> None:
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s, %s)", [RESCORE_LOCK_CLASS, product_id])


@contextmanager
def _rescore_lock_for_session(product_id: int) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [RESCORE_LOCK_CLASS, product_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RESCORE_LOCK_CLASS, product_id])


def ideas_rescore(*, idea_ids: Iterable[int], product: Product, event: str) -> int:
    """Rescore some ideas against the stored product-wide demand maxima (widened by their
    own figures). Returns how many totals moved."""
    scorecard = selectors.active_scorecard(product=product)
    ids = list(idea_ids)
    if scorecard is None or not ids:
        return 0
    inputs = selectors.scoring_inputs(product=product, scorecard=scorecard, idea_ids=ids)
    scale = selectors.widened(selectors.stored_scale(scorecard), inputs.ideas)
    scores = [engine.score_idea(idea, inputs.metrics, inputs.goals, scale) for idea in inputs.ideas]
    with transaction.atomic():
        _rescore_lock_in_transaction(product.pk, shared=True)
        return _store(scorecard, scores, event)


def product_rescore(*, product: Product, event: str) -> int:
    """Rescore every idea of the product in one pass: a fixed number of reads, the engine
    over all of them, and set-based writes. Returns how many totals moved.

    Run as a job (PostgreSQL, not inside a transaction), the totals are written onto the
    ideas on a second connection while this one writes the explained scores and the
    history: the two biggest writes, of different tables, share the time. Each half is
    its own transaction and running the job again repairs either (the ideas' totals are
    written where they differ from the computed ones)."""
    scorecard = selectors.active_scorecard(product=product)
    if scorecard is None:
        return 0
    inputs = selectors.scoring_inputs(product=product, scorecard=scorecard)
    scale = engine.demand_scale(inputs.ideas)
    scores = engine.score_all(inputs.ideas, inputs.metrics, inputs.goals)
    demand_scale = {
        "voters": scale.voters,
        "accounts": scale.accounts,
        "revenue": scale.revenue,
        "importance_points": scale.importance_points,
        "fresh_votes": scale.fresh_votes,
    }
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with (
            _rescore_lock_for_session(product.pk),
            ThreadPoolExecutor(max_workers=1) as pool,
        ):
            totals = pool.submit(
                _idea_totals_on_own_connection, {s.idea_id: s.total for s in scores}
            )
            with transaction.atomic():
                Scorecard.objects.filter(pk=scorecard.pk).update(demand_scale=demand_scale)
                moved = _store(scorecard, scores, event, idea_totals=False)
            totals.result()
    else:
        with transaction.atomic():
            _rescore_lock_in_transaction(product.pk, shared=False)
            Scorecard.objects.filter(pk=scorecard.pk).update(demand_scale=demand_scale)
            moved = _store(scorecard, scores, event)
    idea_ranks_forget(product_id=product.pk)
    return moved


def _idea_totals_on_own_connection(totals: dict[int, float]) -> int:
    """Write the totals onto the ideas in this thread's own connection, then close it."""
    try:
        with transaction.atomic():
            return idea_scores_store_copied(scores=totals)
    finally:
        connections.close_all()
