"""The PM dashboard of a product: the triage inbox, and each idea's status, decision,
merge, assignment, themes and internal notes. Only the product's PMs and admins."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ideas import selectors, services
from ideas.forms import CommentForm
from ideas.models import Idea, Merge
from ideas.pm_forms import (
    INBOX,
    AssignForm,
    BulkForm,
    DeclineForm,
    InboxFilterForm,
    MergeForm,
    StatusForm,
    ThemesForm,
)
from portal.access import get_product_and_pm
from portal.models import Product, User


def _idea(product: Product, idea_id: int) -> Idea:
    return get_object_or_404(
        Idea.objects.select_related("product", "category", "assignee", "author", "merged_into"),
        product=product,
        pk=idea_id,
    )


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith("/pm/") and "//" not in target:
        return redirect(target)
    return redirect(default)


@require_GET
def inbox(request: HttpRequest, product_slug: str) -> HttpResponse:
    product, _ = get_product_and_pm(request.user, product_slug)
    data = request.GET.copy()
    data.setdefault("status", INBOX)
    filters = InboxFilterForm(data, product=product)
    values: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {"status": INBOX}
    ideas = selectors.inbox_ideas(product=product, filters=values)
    return render(
        request,
        "ideas/pm/inbox.html",
        {
            "product": product,
            "pm_tab": "inbox",
            "filters": filters,
            "ideas": ideas,
            "limit": selectors.INBOX_LIMIT,
            "bulk": BulkForm(product=product),
            "statuses": StatusForm.base_fields["status"].choices,  # type: ignore[attr-defined]
            "is_inbox": values.get("status") == INBOX,
        },
    )


@require_GET
def idea_similar(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    """Existing ideas that read like this one (loaded into each inbox row by htmx)."""
    product, _ = get_product_and_pm(request.user, product_slug)
    idea = _idea(product, idea_id)
    similar = selectors.similar_ideas(
        product=product, text=f"{idea.title} {idea.problem[:300]}", exclude_id=idea.pk
    )[:3]
    return render(
        request, "ideas/pm/_similar.html", {"product": product, "idea": idea, "similar": similar}
    )


def _manage_context(product: Product, idea: Idea, user: User, **forms: Any) -> dict[str, Any]:
    return {
        "product": product,
        "pm_tab": "inbox",
        "idea": idea,
        "status_form": forms.get("status_form") or StatusForm(initial={"status": idea.status}),
        "decline_form": forms.get("decline_form") or DeclineForm(product=product),
        "merge_form": forms.get("merge_form") or MergeForm(product=product, source=idea),
        "assign_form": forms.get("assign_form")
        or AssignForm(product=product, initial={"assignee": idea.assignee_id or ""}),
        "themes_form": forms.get("themes_form")
        or ThemesForm(product=product, initial={"themes": list(idea.themes.all())}),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "timeline": selectors.idea_timeline(idea=idea),
        "decision": selectors.current_decision(idea=idea),
        "demand": selectors.idea_demand(idea=idea),
        "comments": selectors.idea_comments(idea=idea, user=user),
        "similar": selectors.similar_ideas(
            product=product, text=f"{idea.title} {idea.problem[:300]}", exclude_id=idea.pk
        ),
        **selectors.pm_idea_extras(idea=idea),
    }


@require_GET
def idea_manage(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    idea = _idea(product, idea_id)
    return render(request, "ideas/pm/idea.html", _manage_context(product, idea, user))


def _invalid(request: HttpRequest, product: Product, idea: Idea, **forms: Any) -> HttpResponse:
    assert isinstance(request.user, User)
    context = _manage_context(product, idea, request.user, **forms)
    return render(request, "ideas/pm/idea.html", context, status=400)


@require_POST
def idea_status(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    idea = _idea(product, idea_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _invalid(request, product, idea, status_form=form)
    try:
        change = services.idea_set_status(
            idea=idea, status=form.cleaned_data["status"], by=user, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        form.add_error("status", error)
        return _invalid(request, product, idea, status_form=form)
    if change is not None:
        messages.success(
            request, f"“{idea.title}” is now {change.get_to_status_display().lower()}."
        )
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "ideas/pm/_status_cell.html",
            {"product": product, "idea": idea, "statuses": form.fields["status"].choices},  # type: ignore[attr-defined]
        )
    return _back(request, reverse("pm:idea", args=[product.slug, idea.pk]))


@require_http_methods(["GET", "POST"])
def idea_decline(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    idea = _idea(product, idea_id)
    form = DeclineForm(request.POST or None, product=product)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.idea_decline(
                idea=idea,
                by=user,
                kind=data["kind"],
                reason=data["reason"],
                workaround=data["workaround"],
                workaround_url=data["workaround_url"],
                revisit_on=data["revisit_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Declined. Everyone who asked will get the decision and the reason."
            )
            return redirect("pm:idea", product_slug=product.slug, idea_id=idea.pk)
    if request.method == "POST":
        return _invalid(request, product, idea, decline_form=form)
    return redirect(reverse("pm:idea", args=[product.slug, idea.pk]) + "#decline")


@require_POST
def idea_merge(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    idea = _idea(product, idea_id)
    form = MergeForm(request.POST, product=product, source=idea)
    if not form.is_valid():
        return _invalid(request, product, idea, merge_form=form)
    target = form.cleaned_data["target"]
    try:
        services.idea_merge(source=idea, target=target, by=user)
    except ValidationError as error:
        form.add_error("target", error)
        return _invalid(request, product, idea, merge_form=form)
    messages.success(
        request, f"Merged into #{target.pk} “{target.title}”. Votes and followers moved."
    )
    return redirect("pm:idea", product_slug=product.slug, idea_id=target.pk)


@require_POST
def merge_undo(request: HttpRequest, product_slug: str, merge_id: int) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    merge = get_object_or_404(
        Merge.objects.select_related("source", "source__product", "target"),
        pk=merge_id,
        source__product=product,
    )
    try:
        source = services.idea_unmerge(merge=merge, by=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pm:idea", product_slug=product.slug, idea_id=merge.source_id)
    messages.success(request, f"Unmerged: “{source.title}” is its own idea again.")
    return redirect("pm:idea", product_slug=product.slug, idea_id=source.pk)


@require_POST
def idea_assign(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    idea = _idea(product, idea_id)
    form = AssignForm(request.POST, product=product)
    if not form.is_valid():
        return _invalid(request, product, idea, assign_form=form)
    services.idea_assign(idea=idea, assignee=form.assignee_user(), by=user)
    messages.success(
        request,
        f"Assigned to {idea.assignee.display_name}." if idea.assignee else "Unassigned.",
    )
    return _back(request, reverse("pm:idea", args=[product.slug, idea.pk]))


@require_POST
def idea_themes(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    idea = _idea(product, idea_id)
    form = ThemesForm(request.POST, product=product)
    if not form.is_valid():
        return _invalid(request, product, idea, themes_form=form)
    wanted = set(form.cleaned_data["themes"])
    if form.cleaned_data["new_theme"]:
        wanted.add(
            services.theme_create(product=product, name=form.cleaned_data["new_theme"], by=user)
        )
    current = set(idea.themes.all())
    for theme in wanted - current:
        services.ideas_tag(ideas=[idea], theme=theme, by=user)
    for theme in current - wanted:
        services.ideas_tag(ideas=[idea], theme=theme, by=user, add=False)
    messages.success(request, "Themes saved.")
    return _back(request, reverse("pm:idea", args=[product.slug, idea.pk]))


@require_POST
def idea_approve(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    idea = _idea(product, idea_id)
    services.idea_approve(idea=idea, by=user)
    messages.success(request, f"“{idea.title}” is approved and shows on the portal.")
    return _back(request, reverse("pm:inbox", args=[product.slug]))


@require_POST
def idea_internal_comment(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    """A comment from the PM area: internal (team only) unless marked public."""
    product, user = get_product_and_pm(request.user, product_slug)
    idea = _idea(product, idea_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _invalid(request, product, idea, comment_form=form)
    internal = request.POST.get("visibility", "internal") != "public"
    services.comment_add(
        idea=idea, author=user, body=form.cleaned_data["body"], is_internal=internal
    )
    messages.success(
        request, "Internal note added (team only)." if internal else "Public comment posted."
    )
    return redirect(reverse("pm:idea", args=[product.slug, idea.pk]) + "#conversation")


@require_POST
def bulk_action(request: HttpRequest, product_slug: str) -> HttpResponse:
    product, user = get_product_and_pm(request.user, product_slug)
    form = BulkForm(request.POST, product=product)
    back = reverse("pm:inbox", args=[product.slug])
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(
                request, f"{label + ': ' if label else ''}{' '.join(str(e) for e in errors)}"
            )
        return _back(request, back)
    data = form.cleaned_data
    ideas = list(data["ideas"])
    try:
        if data["action"] == "status":
            count = services.ideas_bulk_set_status(ideas=ideas, status=data["status"], by=user)
            messages.success(request, f"{count} idea{'s' if count != 1 else ''} moved.")
        elif data["action"] == "assign":
            assignee = (
                User.objects.filter(pk=data["assignee"]).first() if data["assignee"] else None
            )
            count = services.ideas_bulk_assign(ideas=ideas, assignee=assignee, by=user)
            messages.success(request, f"{count} idea{'s' if count != 1 else ''} assigned.")
        elif data["action"] == "tag":
            count = services.ideas_tag(ideas=ideas, theme=data["theme"], by=user)
            messages.success(request, f"{count} idea{'s' if count != 1 else ''} tagged.")
        else:
            merges = services.ideas_bulk_merge(ideas=ideas, target=data["target_idea"], by=user)
            messages.success(
                request,
                f"{len(merges)} idea{'s' if len(merges) != 1 else ''} merged into "
                f"#{data['target_idea'].pk}.",
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, back)
