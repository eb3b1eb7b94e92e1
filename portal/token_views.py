"""The settings page of personal API tokens: list, create (the secret shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.access import get_api_token_for_user
from portal.forms import ApiTokenForm
from portal.models import ApiToken, User
from portal.services import api_token_create, api_token_revoke


def _page(
    request: HttpRequest, form: ApiTokenForm, secret: str = "", status: int = 200
) -> HttpResponse:
    assert isinstance(request.user, User)
    return render(
        request,
        "portal/api_tokens.html",
        {
            "form": form,
            "tokens": list(ApiToken.objects.filter(user=request.user)),
            "secret": secret,
        },
        status=status,
    )


@never_cache  # the page right after creating a token holds its secret
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    if request.method == "GET":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                f"Token “{token.name}” created. Copy it now: it is shown only this once.",
            )
            # Rendered, not redirected: the secret is never stored, so this is the only
            # response that can carry it.
            return _page(request, ApiTokenForm(), secret=secret, status=201)
    return _page(request, form, status=400)


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_api_token_for_user(request.user, token_id)
    api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("tokens:list")
