"""Accounts through allauth: sign up with confirmation, sign in by emailed code, password
reset, and the same answer for known and unknown addresses."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.mail import EmailMessage
from django.test import Client

from portal.models import User
from tests.factories import PASSWORD, make_account, make_user

pytestmark = pytest.mark.django_db


def _link(message: EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", str(message.body))
    assert match, message.body
    return match.group(1)


def test_sign_up_confirms_the_email_and_joins_the_account(
    client: Client, mailoutbox: list[EmailMessage]
) -> None:
    account = make_account(domains=["acme.test"])
    response = client.post(
        "/accounts/signup/",
        {"email": "Ann@Acme.test", "name": "Ann", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email="ann@acme.test")
    assert (user.name, user.account) == ("Ann", account)
    assert not EmailAddress.objects.get(user=user).verified
    confirm = _link(mailoutbox[-1])
    client.post(confirm)
    assert EmailAddress.objects.get(user=user).verified


def test_sign_in_by_emailed_code(client: Client, mailoutbox: list[EmailMessage]) -> None:
    user = make_user(email="cody@example.test")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post("/accounts/login/code/", {"email": user.email})
    assert response.status_code == 302
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", str(mailoutbox[-1].body), re.MULTILINE)
    assert code, mailoutbox[-1].body
    response = client.post(response["Location"], {"code": code.group(1)})
    assert response.status_code == 302
    assert client.get("/healthz").wsgi_request.user == user


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    client: Client, mailoutbox: list[EmailMessage]
) -> None:
    make_user(email="known@example.test")
    known = client.post("/accounts/password/reset/", {"email": "known@example.test"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert any("known@example.test" in m.to for m in mailoutbox)
