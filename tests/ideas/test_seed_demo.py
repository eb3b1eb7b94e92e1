from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from ideas.models import Comment, Idea, Vote
from portal.models import Account, Product, User

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_a_believable_portal_once() -> None:
    call_command("seed_demo", password="demo-pass-123")
    product = Product.objects.get(slug="demo")
    assert product.is_public
    for email in [
        "admin@example.com",
        "pm@example.com",
        "sales@example.com",
        "customer@example.com",
    ]:
        assert User.objects.get(email=email).check_password("demo-pass-123")
    assert Idea.objects.filter(product=product).count() >= 60
    assert Account.objects.count() >= 8
    assert Comment.objects.exists()
    for idea in Idea.objects.all():
        assert idea.vote_count == Vote.objects.filter(idea=idea).count()
    assert User.objects.filter(email="pm@example.com", products=product).exists()
    assert EmailAddress.objects.filter(email="customer@example.com", verified=True).exists()
    with pytest.raises(CommandError, match="not empty"):
        call_command("seed_demo")
