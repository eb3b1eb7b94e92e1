"""Forms for identity: the extra sign-up field."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest

from portal.models import User
from portal.services import user_link_account


class SignupExtraForm(forms.Form):
    """Asks for a name on sign up (allauth calls ``signup`` after creating the user)."""

    name = forms.CharField(
        label="Your name", max_length=150, required=False, help_text="Shown beside your ideas."
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.name = self.cleaned_data.get("name", "")
        user.save(update_fields=["name"])
        user_link_account(user=user)


class DeleteAccountForm(forms.Form):
    """Deleting an account: the user types their email address to confirm it is theirs and
    meant. (A password would not do: people who sign in by emailed code may have none.)"""

    email = forms.CharField(
        label="Type your email address to confirm",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_email(self) -> str:
        typed = str(self.cleaned_data["email"]).strip()
        if typed.lower() != self.user.email.lower():
            raise forms.ValidationError(
                "That is not the email address of this account. Type it exactly as shown above."
            )
        return typed


class ApiTokenForm(forms.Form):
    """A new personal API token: only its name is asked; the secret is generated."""

    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What it is for, e.g. “CRM sync”, so you know which one to revoke later.",
        error_messages={"required": "Give the token a name, e.g. “CRM sync”."},
    )
