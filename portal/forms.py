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
