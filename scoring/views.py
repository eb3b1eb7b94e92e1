"""Scoring pages of the PM area: ranked ideas with inline ratings, why this score, compare,
the scorecard with goals, weights and what-if, and the value vs effort chart."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ideas.models import Idea
from portal.access import get_product_and_pm
from portal.models import Product
from portal.paging import page_number
from scoring import engine, selectors, services
from scoring.forms import (
    AlignmentForm,
    GoalForm,
    PresetForm,
    RatingForm,
    WeightsForm,
    parse_idea_ids,
)
from scoring.models import Goal, Metric


def _idea(product: Product, idea_id: int) -> Idea:
    return get_object_or_404(
        Idea.objects.select_related("product", "category"), product=product, pk=idea_id
    )


@require_GET
def ranking(request: HttpRequest, product_slug: str) -> HttpResponse:
    """Ideas by score, with the rating inputs inline for fast scoring sessions."""
    product, _ = get_product_and_pm(request.user, product_slug)
    sort = request.GET.get("sort", "score")
    number = page_number(request, maximum=10_000)
    page = selectors.ranking_page(
        product=product,
        sort=sort,
        show=request.GET.get("show", "open"),
        offset=(number - 1) * selectors.RANKING_LIMIT,
    )
    return render(
        request,
        "scoring/ranking.html",
        {
            "product": product,
            "pm_tab": "scores",
            "page": page,
            "sort": page.sort,
            "show": page.show,
            "log_note": selectors.log_scale_note(),
            "number": number,
            "first_shown": page.offset + 1,
            "last_shown": page.offset + len(page.rows),
        },
    )


@require_POST
def rate(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    idea = _idea(product, idea_id)
    metric = get_object_or_404(
        Metric,
        scorecard__product=product,
        scorecard__active=True,
        key=request.POST.get("metric", ""),
    )
    form = RatingForm(request.POST, metric=metric)
    error = ""
    if form.is_valid():
        try:
            services.rating_set(idea=idea, metric=metric, value=form.cleaned_data["value"], by=user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(str(e) for e in form.errors.get("value", ["Pick a rating."]))
    if request.htmx:  # type: ignore[attr-defined]
        # Only the score and the note beside the title change: the selects stay as they
        # are, so the PM's focus stays where it was during a scoring session.
        page = selectors.ranking_page(product=product, idea_ids=[idea.pk], show="all")
        context = {"product": product, "row": page.rows[0], "error": error, "oob": True}
        body = render_to_string(
            "scoring/ranking.html#row-score", context, request
        ) + render_to_string("scoring/ranking.html#row-meta", context, request)
        return HttpResponse(body, status=400 if error else 200)
    if error:
        messages.error(request, f"{metric.name}: {error}")
    return redirect(request.POST.get("next") or reverse("scoring:ranking", args=[product.slug]))


@require_GET
def why(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    """Why this score: every metric's raw value, normalised value, weight and contribution."""
    product, _ = get_product_and_pm(request.user, product_slug)
    idea = _idea(product, idea_id)
    context = selectors.why_context(idea=idea)
    goals = list(Goal.objects.filter(product=product, active=True))
    alignment = AlignmentForm(
        goals=goals, initial={f"g_{gid}": s for gid, s in context["strengths"].items()}
    )
    return render(
        request,
        "scoring/why.html",
        {"product": product, "pm_tab": "scores", "idea": idea, "alignment": alignment, **context},
    )


@require_POST
def align(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    idea = _idea(product, idea_id)
    goals = list(Goal.objects.filter(product=product, active=True))
    form = AlignmentForm(request.POST, goals=goals)
    if form.is_valid():
        for goal in goals:
            services.idea_goal_set(
                idea=idea, goal=goal, strength=int(form.cleaned_data[f"g_{goal.pk}"] or 0), by=user
            )
        messages.success(request, "Goal alignment saved; the score is updated.")
    else:
        messages.error(request, "Pick a strength from 0 to 3 for each goal.")
    return redirect("scoring:why", product_slug=product.slug, idea_id=idea.pk)


@require_GET
def compare(request: HttpRequest, product_slug: str) -> HttpResponse:
    product, _ = get_product_and_pm(request.user, product_slug)
    ids = parse_idea_ids(request.GET.get("ideas", ""))
    ideas = list(Idea.objects.filter(product=product, pk__in=ids))
    ideas.sort(key=lambda i: ids.index(i.pk))
    error = ""
    if len(ideas) < 2:
        error = "Pick two to four ideas of this product to compare, e.g. ?ideas=12,15."
    return render(
        request,
        "scoring/compare.html",
        {
            "product": product,
            "pm_tab": "scores",
            "error": error,
            "ids_text": ", ".join(str(i) for i in ids),
            **(selectors.compare_context(ideas=ideas) if not error else {}),
        },
        status=400 if error and "ideas" in request.GET else 200,
    )


@require_GET
def chart(request: HttpRequest, product_slug: str) -> HttpResponse:
    product, _ = get_product_and_pm(request.user, product_slug)
    return render(
        request,
        "scoring/chart.html",
        {"product": product, "pm_tab": "scores", **selectors.value_effort_points(product=product)},
    )


@require_http_methods(["GET", "POST"])
def scorecard(request: HttpRequest, product_slug: str) -> HttpResponse:
    """The active scorecard: presets, weights with what-if, goals, and the change history."""
    product, user = get_product_and_pm(request.user, product_slug)
    card = selectors.active_scorecard(product=product)
    metrics = list(card.metrics.all()) if card else []
    goals = list(Goal.objects.filter(product=product, active=True))
    weights = WeightsForm(request.POST or None, metrics=metrics, goals=goals)
    if request.method == "POST" and card is not None and weights.is_valid():
        try:
            change = services.scorecard_set_weights(
                scorecard=card,
                weights=weights.weights(),
                goal_weights=weights.goal_weights(),
                by=user,
                note=weights.cleaned_data["note"],
            )
        except ValidationError as exc:
            weights.add_error(None, exc)
        else:
            messages.success(
                request,
                "Weights saved; every idea is being rescored." if change else "Nothing changed.",
            )
            return redirect("scoring:scorecard", product_slug=product.slug)
    return render(
        request,
        "scoring/scorecard.html",
        {
            "product": product,
            "pm_tab": "scorecard",
            "card": card,
            "metrics": metrics,
            "weights": weights,
            "presets": PresetForm(),
            "preset_list": list(engine.PRESETS.values()),
            "goal_forms": [(g, GoalForm.for_goal(g)) for g in Goal.objects.filter(product=product)],
            "new_goal": GoalForm(prefix="new"),
            "changes": list(card.changes.select_related("by")[:10]) if card else [],
            "preview": selectors.what_if(product=product, scorecard=card, weights=None)
            if card
            else None,
            "log_note": selectors.log_scale_note(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def what_if(request: HttpRequest, product_slug: str) -> HttpResponse:
    """The top 20 re-ranked with the weights being tried; nothing is saved."""
    product, _ = get_product_and_pm(request.user, product_slug)
    card = selectors.active_scorecard(product=product)
    if card is None:
        raise Http404("No scorecard")
    form = WeightsForm(
        request.POST,
        metrics=list(card.metrics.all()),
        goals=list(Goal.objects.filter(product=product, active=True)),
    )
    if not form.is_valid():
        return render(
            request,
            "scoring/_what_if.html",
            {"form_errors": form.errors, "preview": None},
            status=400,
        )
    preview = selectors.what_if(
        product=product,
        scorecard=card,
        weights=form.weights(),
        goal_weights=form.goal_weights(),
    )
    return render(request, "scoring/_what_if.html", {"product": product, "preview": preview})


@require_POST
def preset(request: HttpRequest, product_slug: str) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    form = PresetForm(request.POST)
    if form.is_valid():
        card = services.scorecard_apply_preset(
            product=product, preset=form.cleaned_data["preset"], by=user
        )
        messages.success(request, f"Now scoring with {card.name}; every idea is being rescored.")
    else:
        messages.error(request, "Pick one of the presets.")
    return redirect("scoring:scorecard", product_slug=product.slug)


@require_POST
def goal_save(request: HttpRequest, product_slug: str, goal_id: int | None = None) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    goal = get_object_or_404(Goal, product=product, pk=goal_id) if goal_id else None
    form = GoalForm(request.POST, prefix=f"goal-{goal.pk}" if goal else "new")
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        services.goal_save(product=product, by=user, goal=goal, **data)
        messages.success(request, f"Goal “{data['name']}” saved.")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else "Goal"
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    return redirect(reverse("scoring:scorecard", args=[product.slug]) + "#goals")
