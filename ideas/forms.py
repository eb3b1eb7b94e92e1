"""Forms parse and validate; services save."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row
from django import forms

from ideas.models import CUSTOMER_IMPORTANCE, Category, Importance, Source
from ideas.spam import HONEYPOT_FIELD
from portal.models import Account, Product, User

TITLE_MIN, TITLE_MAX = 5, 140
PROBLEM_MAX = 10_000
COMMENT_MAX = 5_000


def _honeypot() -> forms.CharField:
    return forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def _helper_with_honeypot(form: forms.Form) -> FormHelper:
    """Fields in order, the honeypot out of sight (and out of the tab order)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        *[name for name in form.fields if name != HONEYPOT_FIELD],
        Div(HONEYPOT_FIELD, css_class="visually-hidden"),
    )
    return helper


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
        choices=CUSTOMER_IMPORTANCE,
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
    website = _honeypot()  # HONEYPOT_FIELD
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
        self.helper = _helper_with_honeypot(self)

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


class CommentForm(forms.Form):
    website = _honeypot()  # HONEYPOT_FIELD
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
        self.helper = _helper_with_honeypot(self)


class AccountField(forms.CharField):
    """An account typed by name or by one of its email domains."""

    def clean(self, value: Any) -> Account | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        domain = text.lstrip("@").lower()
        by_domain = Account.objects.filter(domains__domain=domain).first()
        if by_domain is not None:
            return by_domain
        by_name = list(Account.objects.filter(name__iexact=text)[:2])
        if len(by_name) == 1:
            return by_name[0]
        if len(by_name) > 1:
            raise forms.ValidationError(
                f"Several accounts are called “{text}”: type one of its email domains instead."
            )
        raise forms.ValidationError(
            f"No account is called “{text}” or uses that domain. "
            "Pick one from the suggestions, or ask an admin to add the account."
        )


class ProxyVoteForm(forms.Form):
    account = AccountField(
        label="Account",
        max_length=200,
        help_text="Type the account's name or email domain.",
        error_messages={"required": "Which account wants this?"},
    )
    importance = forms.ChoiceField(
        label="How important is it to them?",
        choices=Importance.choices,
        initial=Importance.IMPORTANT,
    )
    source = forms.ChoiceField(label="Where did you hear it?", choices=Source.choices)
    note = forms.CharField(
        label="Note or the customer's own words (optional)",
        required=False,
        max_length=PROBLEM_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    opportunity_value = forms.DecimalField(
        label="Opportunity value (optional)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text="For a prospect or an expansion deal this would help win.",
        error_messages={"min_value": "The value cannot be negative."},
    )
    expected_close_date = forms.DateField(
        label="Expected close date (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    contact_name = forms.CharField(label="Contact name (optional)", required=False, max_length=150)
    contact_email = forms.EmailField(
        label="Contact email (optional)",
        required=False,
        help_text="If they have a login, they will see this among their votes.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].widget.attrs.update(
            {"list": "account-options", "autocomplete": "off", "autofocus": True}
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "account",
            Row(Column("importance"), Column("source")),
            "note",
            Row(Column("opportunity_value"), Column("expected_close_date")),
            Row(Column("contact_name"), Column("contact_email")),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        account: Account | None = data.get("account")
        email = (data.get("contact_email") or "").lower()
        data["contact"] = None
        if account is not None and email:
            contact = User.objects.filter(email__iexact=email).first()
            if contact is not None and contact.account_id == account.pk:
                data["contact"] = contact
            elif contact is not None:
                self.add_error("contact_email", f"{email} is not a user of {account.name}.")
        return data


class VoteImportanceForm(forms.Form):
    importance = forms.ChoiceField(
        label="How important is this to you?",
        choices=[("", "Not said"), *CUSTOMER_IMPORTANCE],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
