"""Forms parse and validate; services save."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from ideas.models import Category, Importance
from portal.models import Product

TITLE_MIN, TITLE_MAX = 5, 140
PROBLEM_MAX = 10_000
COMMENT_MAX = 5_000


class IdeaForm(forms.Form):
    title = forms.CharField(
        label="Title",
        min_length=TITLE_MIN,
        max_length=TITLE_MAX,
        help_text="One line that names what you need, e.g. “Export reports to Excel”.",
        error_messages={
            "min_length": f"Make the title at least {TITLE_MIN} characters long.",
            "max_length": f"Keep the title to {TITLE_MAX} characters or fewer.",
            "required": "Give your idea a title.",
        },
    )
    problem = forms.CharField(
        label="What are you trying to do, and why does it matter?",
        max_length=PROBLEM_MAX,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="Describe the problem rather than a solution. Markdown is supported.",
        error_messages={
            "required": "Tell us what you are trying to do, so we understand the need.",
            "max_length": f"Keep the description to {PROBLEM_MAX:,} characters or fewer.",
        },
    )
    importance = forms.ChoiceField(
        label="How important is this to you?",
        choices=Importance.choices,
        initial=Importance.IMPORTANT,
    )
    workaround = forms.CharField(
        label="How do you manage today? (optional)",
        required=False,
        max_length=PROBLEM_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ModelChoiceField(
        label="Category (optional)",
        queryset=Category.objects.none(),
        required=False,
        empty_label="No category",
    )
    email = forms.EmailField(
        label="Your email address",
        required=False,
        help_text="We send you a link to confirm the idea; it appears once you follow it.",
    )

    def __init__(self, *args: Any, product: Product, anonymous: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.anonymous = anonymous
        self.fields["category"].queryset = Category.objects.filter(product=product)  # type: ignore[attr-defined]
        if anonymous:
            self.fields["email"].required = True
            self.fields["email"].error_messages["required"] = (
                "Enter your email address so we can confirm the idea."
            )
        else:
            del self.fields["email"]
        self.fields["title"].widget.attrs.update({"autocomplete": "off", "autofocus": True})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add a comment",
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown is supported.",
        error_messages={
            "required": "Write something before posting.",
            "max_length": f"Keep comments to {COMMENT_MAX:,} characters or fewer.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
