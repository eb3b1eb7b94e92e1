"""Forms of the roadmap pages: board filters, new items, promotion, editing, moves,
status and releases. They parse and validate; the views call the services."""

from __future__ import annotations

import re
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db.models import QuerySet

from ideas.models import Idea, Status
from portal.models import Product, Role, User
from roadmap.models import Horizon, ItemStatus, Release, RoadmapItem
from scoring.models import Goal

# Ideas a roadmap item may deliver: anything still open (services.MOVABLE), plus shipped
# ones so an item can be put together after the fact.
_NOT_DELIVERABLE = {Status.DECLINED: "is declined", Status.MERGED: "was merged"}
_MAX_IDEAS = 50


def product_pms(product: Product) -> QuerySet[User]:
    """The people who may own an item: the product's PMs and admins on its team."""
    return User.objects.filter(
        is_active=True, products=product, role__in=[Role.PM, Role.ADMIN]
    ).order_by("name", "email")


def parse_numbers(raw: str) -> list[int]:
    """'#12, 15 12 x' -> [12, 15]: numbers only, each once, in the order given."""
    numbers: list[int] = []
    for part in re.findall(r"\d+", raw or ""):
        if int(part) not in numbers:
            numbers.append(int(part))
    return numbers


def _ideas_by_number(product: Product, raw: str) -> list[Idea]:
    """The product's ideas named in ``raw``; a ValidationError names each one that is not
    there or cannot be delivered."""
    numbers = parse_numbers(raw)
    if len(numbers) > _MAX_IDEAS:
        raise forms.ValidationError(f"At most {_MAX_IDEAS} ideas at a time.")
    found = {i.pk: i for i in Idea.objects.filter(product=product, pk__in=numbers)}
    problems = []
    for number in numbers:
        idea = found.get(number)
        if idea is None:
            problems.append(f"There is no idea #{number} in {product.name}.")
        elif idea.status in _NOT_DELIVERABLE:
            problems.append(f"Idea #{number} {_NOT_DELIVERABLE[Status(idea.status)]}.")
    if problems:
        raise forms.ValidationError(" ".join(problems))
    return [found[n] for n in numbers]


def _small(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", f"{css} {css}-sm")


class BoardFilterForm(forms.Form):
    goal = forms.ChoiceField(label="Goal", required=False)
    owner = forms.ChoiceField(label="Owner", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any"), *ItemStatus.choices]
    )

    def __init__(self, *args: Any, product: Product, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goal = self.fields["goal"]
        owner = self.fields["owner"]
        assert isinstance(goal, forms.ChoiceField)
        assert isinstance(owner, forms.ChoiceField)
        goal.choices = [("", "Any")] + [
            (str(g.pk), g.name) for g in Goal.objects.filter(product=product)
        ]
        owner.choices = [("", "Anyone")] + [
            (str(u.pk), u.display_name) for u in product_pms(product)
        ]
        _small(self)

    def as_filters(self) -> dict[str, str]:
        """What selectors.board() takes: the valid values, as strings."""
        if not self.is_valid():
            return {}
        return {k: str(v) for k, v in self.cleaned_data.items() if v}


class ItemCreateForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=140,
        error_messages={"required": "Give the item a title."},
    )
    horizon = forms.ChoiceField(label="Horizon", choices=Horizon.choices, initial=Horizon.NEXT)
    ideas = forms.CharField(
        label="Ideas it delivers (optional)",
        required=False,
        max_length=500,
        help_text="Idea numbers, e.g. 12, 15. They become planned and everyone who asked "
        "hears. Without ideas the item starts off the public roadmap.",
    )

    def __init__(self, *args: Any, product: Product, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.product = product
        _small(self)

    def clean_ideas(self) -> list[Idea]:
        ideas = _ideas_by_number(self.product, self.cleaned_data.get("ideas", ""))
        shipped = [i for i in ideas if i.status == Status.SHIPPED]
        if shipped:
            raise forms.ValidationError(
                f"Idea #{shipped[0].pk} has shipped already; add it from the item's page."
            )
        return ideas


class PromoteForm(forms.Form):
    """Promote to roadmap: from the idea page (one idea) or the inbox (the selected ones)."""

    ideas = forms.ModelMultipleChoiceField(
        queryset=Idea.objects.none(),
        error_messages={
            "required": "Select at least one idea to promote.",
            "invalid_choice": "One of the selected ideas is not in this product.",
            "invalid_pk_value": "One of the selected ideas is not in this product.",
        },
    )
    title = forms.CharField(label="Roadmap item title", required=False, max_length=140)
    horizon = forms.ChoiceField(label="Horizon", required=False, choices=Horizon.choices)

    def __init__(self, *args: Any, product: Product, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ideas"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        # The most-voted idea comes first: the item takes its title unless one is given.
        field.queryset = Idea.objects.filter(product=product).order_by("-vote_count", "pk")


class ReleaseChoiceField(forms.ModelChoiceField[Release]):
    def label_from_instance(self, obj: Release) -> str:
        return f"{obj.name} ({obj.target_date:%d %b %Y})" if obj.target_date else obj.name


class ItemForm(forms.Form):
    title = forms.CharField(
        label="Title (the team's name)",
        max_length=140,
        error_messages={"required": "Give the item a title."},
    )
    owner = forms.ChoiceField(label="Owner", required=False)
    public_title = forms.CharField(
        label="Public title",
        required=False,
        max_length=140,
        help_text="What customers see. Empty: the title above.",
    )
    public_description = forms.CharField(
        label="Public description",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What customers read on the roadmap and the changelog. Markdown.",
    )
    is_public = forms.BooleanField(label="Show on the public roadmap", required=False)
    release = ReleaseChoiceField(
        label="Release", queryset=Release.objects.none(), required=False, empty_label="No release"
    )
    pm_score = forms.FloatField(
        label="PM score (optional)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="0 to 100. Empty: the highest score among its ideas.",
        error_messages={
            "min_value": "A score is between 0 and 100.",
            "max_value": "A score is between 0 and 100.",
        },
    )
    goals = forms.ModelMultipleChoiceField(
        label="Goals it serves",
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    internal_notes = forms.CharField(
        label="Internal notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Team only: never shown to customers.",
    )
    remove_ideas = forms.TypedMultipleChoiceField(
        label="Remove", required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    add_ideas = forms.CharField(
        label="Add ideas by number",
        required=False,
        max_length=500,
        help_text="e.g. 12, 15. They take the item's status, and everyone who asked hears.",
    )

    def __init__(self, *args: Any, item: RoadmapItem, **kwargs: Any) -> None:
        product = item.product
        self.item = item
        self.current_ideas: list[Idea] = list(item.ideas.all())
        kwargs.setdefault(
            "initial",
            {
                "title": item.title,
                "owner": str(item.owner_id or ""),
                "public_title": item.public_title,
                "public_description": item.public_description,
                "is_public": item.is_public,
                "release": item.release_id,
                "pm_score": item.pm_score,
                "goals": [g.pk for g in item.goals.all()],
                "internal_notes": item.internal_notes,
            },
        )
        super().__init__(*args, **kwargs)
        owners = list(product_pms(product))
        if item.owner is not None and item.owner not in owners:
            owners.append(item.owner)  # someone who has left the team keeps showing
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", "Nobody")] + [(str(u.pk), u.display_name) for u in owners]
        self.owners = {u.pk: u for u in owners}
        release = self.fields["release"]
        goals = self.fields["goals"]
        remove = self.fields["remove_ideas"]
        assert isinstance(release, forms.ModelChoiceField)
        assert isinstance(goals, forms.ModelMultipleChoiceField)
        assert isinstance(remove, forms.ChoiceField)
        release.queryset = Release.objects.filter(product=product)
        goals.queryset = Goal.objects.filter(product=product)
        remove.choices = [(i.pk, f"#{i.pk} {i.title}") for i in self.current_ideas]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("title", css_class="col-md-8"), Column("owner", css_class="col-md-4")),
            "public_title",
            "public_description",
            "is_public",
            Row(Column("release", css_class="col-md-8"), Column("pm_score", css_class="col-md-4")),
            "goals",
            "internal_notes",
        )

    def clean_owner(self) -> User | None:
        value = self.cleaned_data.get("owner")
        return self.owners.get(int(value)) if value else None

    def clean_add_ideas(self) -> list[Idea]:
        return _ideas_by_number(self.item.product, self.cleaned_data.get("add_ideas", ""))

    def ideas(self) -> list[Idea] | None:
        """The ideas the item delivers after this edit; None when they do not change."""
        removed = set(self.cleaned_data.get("remove_ideas") or [])
        added = self.cleaned_data.get("add_ideas") or []
        if not removed and not added:
            return None
        kept = [i for i in self.current_ideas if i.pk not in removed]
        return kept + [i for i in added if i.pk not in {k.pk for k in kept}]


class MoveForm(forms.Form):
    horizon = forms.ChoiceField(label="Horizon", choices=Horizon.choices)
    before = forms.IntegerField(label="Before item", required=False, min_value=1)


class ItemStatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ItemStatus.choices)
    confirmed = forms.BooleanField(required=False)


class ReleaseForm(forms.Form):
    name = forms.CharField(
        label="New release", max_length=80, error_messages={"required": "Name the release."}
    )
    target_date = forms.DateField(
        label="Target date (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _small(self)
