"""Roadmap pages: the PM board and timeline with each item's why, item pages, promoting
ideas, moves and status, the CSV and printable exports; and the public roadmap and
changelog of a product's portal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ideas.models import Follow
from portal.access import (
    get_product_and_pm,
    get_product_for_user,
    is_product_pm,
)
from portal.models import Account, Product, User
from roadmap import exports, selectors, services
from roadmap.forms import (
    BoardFilterForm,
    ItemCreateForm,
    ItemForm,
    ItemStatusForm,
    MoveForm,
    PromoteForm,
    ReleaseForm,
)
from roadmap.models import Horizon, ItemStatus, Release, RoadmapEvent, RoadmapItem
from roadmap.selectors import ItemWhy

# What each horizon promises, on the board and (in the customers' words) the public page.
BOARD_BLURBS = {
    Horizon.NOW: "Being built now",
    Horizon.NEXT: "Starts once Now frees up",
    Horizon.LATER: "Planned, not yet scheduled",
}
PUBLIC_BLURBS = {
    Horizon.NOW: "What we are building now.",
    Horizon.NEXT: "What we start next.",
    Horizon.LATER: "What we plan to do later.",
}


@dataclass
class Card:
    item: RoadmapItem
    why: ItemWhy


@dataclass
class BoardColumn:
    horizon: str
    label: str
    blurb: str
    cards: list[Card]
    shipped: list[Card]


@dataclass
class PublicCard:
    item: RoadmapItem
    asked: int
    follow: int | None  # the id of the idea that following the item follows
    following: bool
    your_accounts: list[Account] = field(default_factory=list)


@dataclass
class PublicColumn:
    horizon: str
    label: str
    blurb: str
    cards: list[PublicCard]


def _item(product: Product, item_id: int) -> RoadmapItem:
    item = get_object_or_404(
        RoadmapItem.objects.select_related("owner", "release").prefetch_related("goals", "ideas"),
        product=product,
        pk=item_id,
    )
    item.product = product
    return item


def _from_script(request: HttpRequest) -> bool:
    """A request from board.js (fetch) or htmx, which wants no page back."""
    return bool(
        getattr(request, "htmx", False) or request.headers.get("X-Requested-With") == "fetch"
    )


def _back(request: HttpRequest, product: Product, default: str) -> HttpResponse:
    """Back to the page the form was on (its filters kept), within this product's PM area."""
    target = request.POST.get("next", "")
    if target.startswith(f"/pm/{product.slug}/") and "//" not in target and "\\" not in target:
        return redirect(target)
    return redirect(default)


def _board_url(product: Product) -> str:
    return reverse("roadmap:board", args=[product.slug])


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _columns(board: selectors.Board) -> list[BoardColumn]:
    columns = []
    for horizon, label, items in board.columns:
        cards = [Card(item, board.whys[item.pk]) for item in items]
        columns.append(
            BoardColumn(
                horizon=horizon,
                label=label,
                blurb=BOARD_BLURBS[Horizon(horizon)],
                cards=[c for c in cards if c.item.status != ItemStatus.SHIPPED],
                shipped=[c for c in cards if c.item.status == ItemStatus.SHIPPED],
            )
        )
    return columns


def _timeline(board: selectors.Board) -> list[tuple[Release | None, list[Card]]]:
    order = {h.value: n for n, h in enumerate(Horizon)}
    return [
        (
            release,
            sorted(
                (Card(item, board.whys[item.pk]) for item in items),
                key=lambda c: (order[c.item.horizon], c.item.position, c.item.pk),
            ),
        )
        for release, items in board.releases
    ]


# --- The board ------------------------------------------------------------------------------


@require_GET
def board(request: HttpRequest, product_slug: str) -> HttpResponse:
    """Now / Next / Later with each item's why, or the timeline by release (?view=timeline)."""
    product, _ = get_product_and_pm(request.user, product_slug)
    filters = BoardFilterForm(request.GET, product=product)
    values = filters.as_filters()
    view = "timeline" if request.GET.get("view") == "timeline" else "board"
    data = selectors.board(product=product, filters=values)
    query = urlencode(values)
    return render(
        request,
        "roadmap/board.html",
        {
            "product": product,
            "pm_tab": "roadmap",
            "view": view,
            "filters": filters,
            "filtered": bool(values),
            "query": query,
            "columns": _columns(data),
            "timeline": _timeline(data),
            "score_rule": data.score_rule,
            "horizons": Horizon.choices,
            "new_item_form": ItemCreateForm(product=product),
            "today": timezone.localdate(),
        },
    )


@require_GET
def board_print(request: HttpRequest, product_slug: str) -> HttpResponse:
    """The board on paper, for the review meeting: no navigation, no controls."""
    product, _ = get_product_and_pm(request.user, product_slug)
    filters = BoardFilterForm(request.GET, product=product)
    values = filters.as_filters()
    data = selectors.board(product=product, filters=values)
    return render(
        request,
        "roadmap/print.html",
        {
            "product": product,
            "filters": filters,
            "filtered": bool(values),
            "columns": _columns(data),
            "timeline": _timeline(data),
            "score_rule": data.score_rule,
            "now": timezone.localtime(),
        },
    )


@require_GET
def board_csv(request: HttpRequest, product_slug: str) -> HttpResponse:
    product, _ = get_product_and_pm(request.user, product_slug)
    filters = BoardFilterForm(request.GET, product=product)
    return exports.roadmap_csv(request, product, filters.as_filters())


# --- Items ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest, product_slug: str) -> HttpResponse:
    """A new item from a title and a horizon, with ideas (promoted) or without."""
    product, user = get_product_and_pm(request.user, product_slug)
    horizon = request.GET.get("horizon", "")
    form = ItemCreateForm(
        request.POST or None,
        product=product,
        initial={"horizon": horizon if horizon in Horizon.values else Horizon.NEXT},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["ideas"]:
                item = services.item_promote(
                    product=product,
                    ideas=data["ideas"],
                    by=user,
                    title=data["title"],
                    horizon=data["horizon"],
                )
            else:
                item = services.item_create(
                    product=product, by=user, title=data["title"], horizon=data["horizon"]
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"“{item.title}” is on the roadmap ({item.get_horizon_display()})."
                + (
                    " Its ideas are planned; everyone who asked will hear."
                    if data["ideas"]
                    else " Add a public title and description, then show it publicly."
                ),
            )
            return redirect("roadmap:item", product_slug=product.slug, item_id=item.pk)
    return render(
        request,
        "roadmap/item_new.html",
        {"product": product, "pm_tab": "roadmap", "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _item_context(
    product: Product, item: RoadmapItem, form: ItemForm, release_form: ReleaseForm | None = None
) -> dict[str, Any]:
    return {
        "product": product,
        "pm_tab": "roadmap",
        "item": item,
        "form": form,
        "release_form": release_form or ReleaseForm(),
        "ideas": form.current_ideas,
        "why": selectors.item_whys([item])[item.pk],
        "score_rule": selectors.SCORE_RULE,
        "events": list(RoadmapEvent.objects.filter(item=item).select_related("by")[:30]),
        "labels": dict(Horizon.choices) | dict(ItemStatus.choices),
        "horizons": Horizon.choices,
        "removed": {int(v) for v in form["remove_ideas"].value() or [] if str(v).isdigit()},
    }


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, product_slug: str, item_id: int) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    item = _item(product, item_id)
    form = ItemForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.item_update(
                item=item,
                by=user,
                title=data["title"],
                public_title=data["public_title"],
                public_description=data["public_description"],
                is_public=data["is_public"],
                internal_notes=data["internal_notes"],
                release=data["release"],
                owner=data["owner"],
                pm_score=data["pm_score"],
                goals=list(data["goals"]),
                ideas=form.ideas(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved “{item.title}”.")
            return redirect("roadmap:item", product_slug=product.slug, item_id=item.pk)
    return render(
        request,
        "roadmap/item.html",
        _item_context(product, item, form),
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def item_move(request: HttpRequest, product_slug: str, item_id: int) -> HttpResponse:
    """To a horizon, before another item of it (or to its end). 204 for board.js."""
    product, user = get_product_and_pm(request.user, product_slug)
    item = get_object_or_404(RoadmapItem, product=product, pk=item_id)
    item.product = product
    form = MoveForm(request.POST)
    if not form.is_valid():
        problem = "Pick Now, Next or Later."
        if _from_script(request):
            return HttpResponse(problem, status=400, content_type="text/plain")
        messages.error(request, problem)
        return _back(request, product, _board_url(product))
    horizon = form.cleaned_data["horizon"]
    before_id = form.cleaned_data["before"]
    # A stale neighbour (moved meanwhile) only loses the exact spot: the item goes last.
    before = (
        RoadmapItem.objects.filter(product=product, horizon=horizon, pk=before_id).first()
        if before_id
        else None
    )
    services.item_move(item=item, horizon=horizon, by=user, before=before)
    if _from_script(request):
        return HttpResponse(status=204)
    messages.success(request, f"Moved “{item.title}” to {Horizon(horizon).label}.")
    return _back(request, product, _board_url(product))


@require_POST
def item_status(request: HttpRequest, product_slug: str, item_id: int) -> HttpResponse:
    """Start, ship (after a confirmation) or put back to planned; the ideas follow."""
    product, user = get_product_and_pm(request.user, product_slug)
    item = _item(product, item_id)
    form = ItemStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick planned, in progress or shipped.")
        return _back(request, product, _board_url(product))
    status = form.cleaned_data["status"]
    if (
        status == ItemStatus.SHIPPED
        and item.status != ItemStatus.SHIPPED
        and not form.cleaned_data["confirmed"]
    ):
        # Shipping emails everyone who asked and publishes a changelog entry: ask first
        # (board.js asks with a dialog; without JavaScript this page asks).
        return render(
            request,
            "roadmap/ship_confirm.html",
            {
                "product": product,
                "pm_tab": "roadmap",
                "item": item,
                "why": selectors.item_whys([item])[item.pk],
                "next": request.POST.get("next", ""),
            },
        )
    try:
        services.item_set_status(item=item, status=status, by=user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        label = ItemStatus(status).label.lower()
        text = f"“{item.title}” is {label}. Its ideas moved too; everyone who asked will hear."
        if status == ItemStatus.SHIPPED:
            text += " It is on the changelog."
        messages.success(request, text)
    return _back(request, product, _board_url(product))


def _update_keeping(item: RoadmapItem, by: User, **changes: Any) -> RoadmapItem:
    """item_update with every field as it is, except ``changes``."""
    fields: dict[str, Any] = {
        "title": item.title,
        "public_title": item.public_title,
        "public_description": item.public_description,
        "is_public": item.is_public,
        "internal_notes": item.internal_notes,
        "release": item.release,
        "owner": item.owner,
        "pm_score": item.pm_score,
        "goals": list(item.goals.all()),
    }
    return services.item_update(item=item, by=by, **(fields | changes))


@require_POST
def release_new(request: HttpRequest, product_slug: str) -> HttpResponse:
    """A new release; from an item's page, the item goes into it."""
    product, user = get_product_and_pm(request.user, product_slug)
    raw_item = request.POST.get("item", "")
    item = _item(product, int(raw_item)) if raw_item.isdigit() else None
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        if item is not None:
            context = _item_context(product, item, ItemForm(item=item), release_form=form)
            return render(request, "roadmap/item.html", context, status=400)
        messages.error(request, "Name the release.")
        return _back(request, product, _board_url(product))
    try:
        release = services.release_save(
            product=product,
            by=user,
            name=form.cleaned_data["name"],
            target_date=form.cleaned_data["target_date"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _back(request, product, _board_url(product))
    if item is None:
        messages.success(request, f"Release “{release.name}” created.")
        return _back(request, product, _board_url(product))
    _update_keeping(item, user, release=release)
    messages.success(request, f"Release “{release.name}” created; “{item.title}” is in it.")
    return redirect("roadmap:item", product_slug=product.slug, item_id=item.pk)


@require_POST
def promote(request: HttpRequest, product_slug: str) -> HttpResponse:
    """Promote one or more ideas (the idea page's form, the inbox's selection) into an item."""
    product, user = get_product_and_pm(request.user, product_slug)
    form = PromoteForm(request.POST, product=product)
    default = reverse("pm:inbox", args=[product.slug])
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return _back(request, product, default)
    ideas = list(form.cleaned_data["ideas"])
    try:
        item = services.item_promote(
            product=product,
            ideas=ideas,
            by=user,
            title=form.cleaned_data["title"],
            horizon=form.cleaned_data["horizon"] or Horizon.NEXT,
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _back(request, product, default)
    count = len(ideas)
    messages.success(
        request,
        f"Promoted {count} idea{'s' if count != 1 else ''} to the roadmap as “{item.title}” "
        f"({item.get_horizon_display()}). They are planned; everyone who asked will hear.",
    )
    return redirect("roadmap:item", product_slug=product.slug, item_id=item.pk)


# --- Public pages -------------------------------------------------------------------------


@require_GET
def public(request: HttpRequest, product_slug: str) -> HttpResponse:
    """Public items by horizon: public titles and descriptions, how many asked, follow.
    Never notes, scores, accounts or revenue (a sales user sees only their own accounts)."""
    product = get_product_for_user(request.user, product_slug)
    horizons = selectors.public_roadmap(product=product)
    items = [item for _, _, rows in horizons for item, _ in rows]
    user = request.user if isinstance(request.user, User) else None
    follow = selectors.followable_ideas(items) if items else {}
    following: set[int] = set()
    yours: dict[int, list[Account]] = {}
    if user is not None:
        if follow:
            following = set(
                Follow.objects.filter(user=user, idea_id__in=list(follow.values())).values_list(
                    "idea_id", flat=True
                )
            )
        if user.is_team_member and items:
            yours = selectors.sales_accounts_per_item(user=user, items=items)
    columns = [
        PublicColumn(
            horizon=horizon,
            label=label,
            blurb=PUBLIC_BLURBS[Horizon(horizon)],
            cards=[
                PublicCard(
                    item=item,
                    asked=asked,
                    follow=follow.get(item.pk),
                    following=follow.get(item.pk) in following,
                    your_accounts=yours.get(item.pk, []),
                )
                for item, asked in rows
            ],
        )
        for horizon, label, rows in horizons
    ]
    return render(
        request,
        "roadmap/public.html",
        {
            "product": product,
            "columns": columns,
            "empty": not items,
            "shipped": selectors.changelog(product=product, limit=5),
            "can_manage": is_product_pm(request.user, product),
        },
    )


@require_GET
def changelog(request: HttpRequest, product_slug: str) -> HttpResponse:
    """What shipped, newest first (never items kept off the public roadmap)."""
    product = get_product_for_user(request.user, product_slug)
    return render(
        request,
        "roadmap/changelog.html",
        {
            "product": product,
            "entries": selectors.changelog(product=product),
            "can_manage": is_product_pm(request.user, product),
        },
    )
