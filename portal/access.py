"""Permission-checked fetches for portal objects. What a user may not see is a 404."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from portal.models import (
    Account,
    ApiToken,
    Product,
    Role,
    User,
    Visibility,
    email_domain,
)

AnyUser = User | AnonymousUser


def can_view_product(user: AnyUser, product: Product) -> bool:
    if product.visibility == Visibility.PUBLIC:
        return True
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.role == Role.ADMIN or user.is_superuser:
        return True
    if email_domain(user.email) in product.allowed_domains:
        return True
    return product.team.filter(pk=user.pk).exists()


def is_product_pm(user: AnyUser, product: Product) -> bool:
    """PMs on the product's team, and admins, manage the product's ideas."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.role == Role.ADMIN or user.is_superuser:
        return True
    return user.role == Role.PM and product.team.filter(pk=user.pk).exists()


def get_product_for_user(user: AnyUser, slug: str) -> Product:
    product = Product.objects.filter(slug=slug).first()
    if product is None or not can_view_product(user, product):
        raise Http404("No such product")
    return product


def products_for_user(user: AnyUser) -> QuerySet[Product]:
    """The products whose portals the user may see, in name order."""
    public = Q(visibility=Visibility.PUBLIC)
    if not isinstance(user, User) or not user.is_active:
        return Product.objects.filter(public)
    if user.role == Role.ADMIN or user.is_superuser:
        return Product.objects.all()
    domain = email_domain(user.email)
    candidates = Product.objects.filter(
        public | Q(team=user) | Q(allowed_email_domains__icontains=domain)
    ).distinct()
    # The icontains pre-filter is loose ("ample.com" matches "example.com"): confirm exactly.
    allowed = [p.pk for p in candidates if can_view_product(user, p)]
    return Product.objects.filter(pk__in=allowed)


def get_account_for_user(user: AnyUser, account_id: int) -> Account:
    """Accounts are internal: sales, support, PMs and admins see them; others get 404."""
    if not isinstance(user, User) or not user.is_active or not user.is_team_member:
        raise Http404("No such account")
    account = Account.objects.select_related("owner").filter(pk=account_id).first()
    if account is None:
        raise Http404("No such account")
    return account


def get_account_by_domain_for_user(user: AnyUser, domain: str) -> Account:
    """The account that owns an email domain, for the team; 404 for everyone else."""
    if not isinstance(user, User) or not user.is_active or not user.is_team_member:
        raise Http404("No such account")
    account = (
        Account.objects.select_related("owner")
        .filter(domains__domain=domain.strip().lstrip("@").lower())
        .first()
    )
    if account is None:
        raise Http404("No such account")
    return account


def get_api_token_for_user(user: AnyUser, token_id: int) -> ApiToken:
    """One of the signed-in user's own API tokens; 404 for anyone else's."""
    if not isinstance(user, User) or not user.is_active:
        raise Http404("No such token")
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise Http404("No such token")
    return token


def require_team_member(user: AnyUser) -> User:
    """The signed-in sales, support, PM or admin user; 404 for everyone else."""
    if not isinstance(user, User) or not user.is_active or not user.is_team_member:
        raise Http404("Not found")
    return user


def get_product_for_pm(user: AnyUser, slug: str) -> Product:
    """A product the user manages (its PMs, and admins); 404 for everyone else."""
    product = Product.objects.filter(slug=slug).first()
    if product is None or not is_product_pm(user, product):
        raise Http404("No such product")
    return product


def get_product_and_pm(user: AnyUser, slug: str) -> tuple[Product, User]:
    """The product the user manages, and the user as one of its PMs; 404 for everyone else.
    For the PM area's views, which need both."""
    product = get_product_for_pm(user, slug)
    assert isinstance(user, User)  # is_product_pm let no one else through
    return product, user


def require_admin(user: AnyUser) -> User:
    """The signed-in admin (role admin, or a superuser); 404 for everyone else."""
    if not isinstance(user, User) or not user.is_active:
        raise Http404("Not found")
    if user.role != Role.ADMIN and not user.is_superuser:
        raise Http404("Not found")
    return user
