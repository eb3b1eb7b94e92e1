from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal.services import account_set_domains, user_link_account
from tests.factories import make_account, make_user

pytestmark = pytest.mark.django_db


def test_a_user_whose_email_domain_matches_an_account_belongs_to_it() -> None:
    account = make_account(domains=["northwind.test"])
    user = user_link_account(user=make_user(email="ann@northwind.test"))
    assert user.account == account
    assert user_link_account(user=make_user(email="ann@other.test")).account is None


def test_changing_an_accounts_domains_moves_its_users() -> None:
    user = make_user(email="ann@northwind.test")
    account = make_account(domains=["northwind.test"])
    user.refresh_from_db()
    assert user.account == account
    account_set_domains(account=account, domains=["nw.test"])
    user.refresh_from_db()
    assert user.account is None


def test_a_domain_belongs_to_one_account_only() -> None:
    make_account(domains=["shared.test"])
    other = make_account()
    with pytest.raises(ValidationError, match=r"shared\.test"):
        account_set_domains(account=other, domains=["shared.test"])
