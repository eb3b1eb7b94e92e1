"""Brute force and enumeration: sign-in and password-reset attempts are rate limited, and
the portal answers known and unknown addresses alike."""

from __future__ import annotations

import itertools
import re

import pytest
from allauth.account.models import EmailAddress
from django.core.mail import EmailMessage
from django.test import Client

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

# Each test attacks from its own address: the limits live in the shared cache (Redis).
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


def _attacker() -> Client:
    return Client(REMOTE_ADDR=next(_addresses))


def _known_user() -> str:
    user = make_user(email=f"known{next(_addresses).rsplit('.', 1)[1]}@vendor.test")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user.email


TOO_MANY = "Too many failed login attempts"


def test_failed_sign_ins_are_rate_limited_by_address() -> None:
    client = _attacker()
    # Guesses spread over many accounts from one address: the address's limit stops them.
    pages = [
        client.post(
            "/accounts/login/", {"login": _known_user(), "password": f"guess-{n}"}
        ).content.decode()
        for n in range(12)
    ]
    assert TOO_MANY not in pages[0]
    assert TOO_MANY in pages[-1]
    # Blocked, even with the right password, until the window passes.
    email = _known_user()
    right = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert TOO_MANY in right.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not blocked: the limit is the attacker's, not a lock-out.
    other = _attacker()
    assert other.post("/accounts/login/", {"login": email, "password": PASSWORD}).status_code == 302


def test_guessing_one_accounts_password_from_many_addresses_is_limited_per_account() -> None:
    email = _known_user()
    pages = [
        _attacker().post("/accounts/login/", {"login": email, "password": f"g{n}"})
        for n in range(6)
    ]
    assert TOO_MANY in pages[-1].content.decode()
    right = _attacker()
    assert (
        TOO_MANY
        in right.post("/accounts/login/", {"login": email, "password": PASSWORD}).content.decode()
    )
    assert "_auth_user_id" not in right.session


def test_sign_in_attempts_past_the_limit_are_refused_with_429() -> None:
    client = _attacker()
    statuses = [
        client.post("/accounts/login/", {"login": "x@vendor.test", "password": "x"}).status_code
        for _ in range(32)
    ]
    assert statuses[-1] == 429, statuses


def test_password_resets_are_rate_limited(mailoutbox: list[EmailMessage]) -> None:
    email = _known_user()
    client = _attacker()
    statuses = [
        client.post("/accounts/password/reset/", {"email": email}).status_code for _ in range(8)
    ]
    assert 429 in statuses, statuses
    assert len(mailoutbox) <= 5


def _normalised(html: str) -> str:
    """The page without what differs on every request (tokens, nonces)."""
    return re.sub(r'value="[^"]{20,}"|"X-CSRFToken": "[^"]+"', "", html)


def test_sign_in_fails_alike_for_known_and_unknown_addresses() -> None:
    email = _known_user()
    known = _attacker().post("/accounts/login/", {"login": email, "password": "wrong-one"})
    unknown = _attacker().post(
        "/accounts/login/", {"login": "nobody@vendor.test", "password": "wrong-one"}
    )
    assert known.status_code == unknown.status_code == 200
    known_html = _normalised(known.content.decode()).replace(email, "ADDRESS")
    unknown_html = _normalised(unknown.content.decode()).replace("nobody@vendor.test", "ADDRESS")
    assert known_html == unknown_html


def test_password_reset_and_sign_up_answer_alike_for_known_and_unknown_addresses() -> None:
    email = _known_user()
    known = _attacker().post("/accounts/password/reset/", {"email": email})
    unknown = _attacker().post("/accounts/password/reset/", {"email": "nobody@vendor.test"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    # Signing up with a taken address looks like any sign-up: check your email.
    taken = _attacker().post(
        "/accounts/signup/",
        {
            "email": email,
            "password1": "a-long-unusual-pass-1",
            "password2": "a-long-unusual-pass-1",
        },
    )
    fresh = _attacker().post(
        "/accounts/signup/",
        {
            "email": "fresh@vendor.test",
            "password1": "a-long-unusual-pass-1",
            "password2": "a-long-unusual-pass-1",
        },
    )
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
