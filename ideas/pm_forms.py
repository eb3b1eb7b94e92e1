"""Forms of the PM area: triage filters, status, decisions, merges, assignment, bulk."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone

from ideas.forms import COMMENT_MAX, PROBLEM_MAX
from ideas.models import DecisionKind, Idea, ReplyTemplate, Status, Theme
from ideas.services.workflow import SETTABLE
from portal.models import Product, Role, User

INBOX = "inbox"


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _pms(product: Product) -> Any:
    return User.objects.filter(
        is_active=True, products=product, role__in=[Role.PM, Role.ADMIN]
    ).order_by("name", "email")


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, label="Status")
    category = forms.ChoiceField(required=False, label="Category")
    theme = forms.ChoiceField(required=False, label="Theme")
    assignee = forms.ChoiceField(required=False, label="Assignee")
    account = forms.CharField(required=False, label="Account", max_length=200)
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(required=False, label="Search", max_length=200)

    def __init__(self, *args: Any, product: Product, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self,
            "status",
            [
                (INBOX, "Inbox: new and held"),
                ("", "Any status"),
                *[(s.value, s.label) for s in Status],
            ],
        )
        _set_choices(
            self, "category", [("", "Any")] + [(c.slug, c.name) for c in product.categories.all()]
        )
        _set_choices(
            self, "theme", [("", "Any")] + [(t.slug, t.name) for t in product.themes.all()]
        )
        _set_choices(
            self,
            "assignee",
            [("", "Anyone"), ("none", "Nobody")]
            + [(str(u.pk), u.display_name) for u in _pms(product)],
        )
        self.fields["account"].widget.attrs.update(
            {"list": "account-options", "autocomplete": "off"}
        )
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} form-control-sm")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=[(s.value, s.label) for s in SETTABLE])
    note = forms.CharField(
        label="Note for everyone who asked (optional)",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(forms.Form):
    kind = forms.ChoiceField(label="Decision", choices=DecisionKind.choices)
    template = forms.ModelChoiceField(
        label="Start from a reply template (optional)",
        queryset=ReplyTemplate.objects.none(),
        required=False,
        empty_label="Write my own",
    )
    reason = forms.CharField(
        label="Why, in plain words",
        max_length=PROBLEM_MAX,
        required=False,  # may come from the template; checked in clean()
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Everyone who asked reads this. Be kind, and be specific.",
    )
    workaround = forms.CharField(
        label="Workaround or existing feature (optional)",
        required=False,
        max_length=PROBLEM_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    workaround_url = forms.URLField(
        label="Link to it (optional)",
        required=False,
        assume_scheme="https",
        help_text="A help article or the feature's page.",
    )
    revisit_on = forms.DateField(
        label="Revisit on (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The idea comes back to the inbox on this date.",
    )

    def __init__(self, *args: Any, product: Product, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ReplyTemplate.objects.filter(  # type: ignore[attr-defined]
            product__in=[product]
        ) | ReplyTemplate.objects.filter(product__isnull=True)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("kind"), Column("template")),
            "reason",
            "workaround",
            Row(Column("workaround_url"), Column("revisit_on")),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        template = data.get("template")
        if template is not None:
            # Without JavaScript, choosing a template and submitting uses its words.
            data["reason"] = data.get("reason") or template.reason
            data["workaround"] = data.get("workaround") or template.workaround
        if not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why: everyone who asked will read it.")
        return data

    def clean_revisit_on(self) -> Any:
        value = self.cleaned_data.get("revisit_on")
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError("Pick a date in the future.")
        return value


class MergeForm(forms.Form):
    target = forms.IntegerField(
        label="Merge into idea number",
        min_value=1,
        help_text="The surviving idea: votes and followers move there, counted once.",
        error_messages={"required": "Which idea survives? Give its number."},
    )

    def __init__(self, *args: Any, product: Product, source: Idea | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.product = product
        self.source = source

    def clean_target(self) -> Idea:
        pk = self.cleaned_data["target"]
        target = Idea.objects.filter(product=self.product, pk=pk).first()
        if target is None:
            raise forms.ValidationError(f"There is no idea #{pk} in {self.product.name}.")
        if self.source is not None and target.pk == self.source.pk:
            raise forms.ValidationError("An idea cannot be merged into itself.")
        if target.status == Status.MERGED:
            raise forms.ValidationError(
                f"Idea #{pk} was itself merged; merge into the surviving idea instead."
            )
        return target


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label="Assignee", required=False)

    def __init__(self, *args: Any, product: Product, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self,
            "assignee",
            [("", "Nobody")] + [(str(u.pk), u.display_name) for u in _pms(product)],
        )

    def assignee_user(self) -> User | None:
        value = self.cleaned_data.get("assignee")
        return User.objects.filter(pk=value).first() if value else None


class ThemesForm(forms.Form):
    themes = forms.ModelMultipleChoiceField(
        label="Themes", queryset=Theme.objects.none(), required=False
    )
    new_theme = forms.CharField(label="New theme (optional)", required=False, max_length=80)

    def __init__(self, *args: Any, product: Product, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(product=product)  # type: ignore[attr-defined]


class BulkForm(forms.Form):
    ACTIONS = [
        ("status", "Set status"),
        ("assign", "Assign"),
        ("tag", "Tag with theme"),
        ("merge", "Merge into one"),
    ]
    ideas = forms.ModelMultipleChoiceField(
        queryset=Idea.objects.none(),
        error_messages={"required": "Select at least one idea first."},
    )
    action = forms.ChoiceField(label="Action", choices=ACTIONS)
    status = forms.ChoiceField(
        label="New status", required=False, choices=[(s.value, s.label) for s in SETTABLE]
    )
    assignee = forms.ChoiceField(label="Assign to", required=False)
    theme = forms.ModelChoiceField(label="Theme", queryset=Theme.objects.none(), required=False)
    target = forms.IntegerField(label="Merge into idea number", required=False, min_value=1)

    def __init__(self, *args: Any, product: Product, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.product = product
        self.fields["ideas"].queryset = Idea.objects.filter(product=product)  # type: ignore[attr-defined]
        self.fields["theme"].queryset = Theme.objects.filter(product=product)  # type: ignore[attr-defined]
        _set_choices(
            self,
            "assignee",
            [("", "Nobody")] + [(str(u.pk), u.display_name) for u in _pms(product)],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action == "status" and not data.get("status"):
            self.add_error("status", "Pick the new status.")
        if action == "tag" and not data.get("theme"):
            self.add_error("theme", "Pick a theme.")
        if action == "merge":
            target_id = data.get("target")
            target = (
                Idea.objects.filter(product=self.product, pk=target_id).first()
                if target_id
                else None
            )
            if target is None:
                self.add_error("target", "Give the number of the surviving idea of this product.")
            elif target.status == Status.MERGED:
                self.add_error("target", "That idea was itself merged.")
            data["target_idea"] = target
        return data
