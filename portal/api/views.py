"""The portal's own resources: products (as their portals are visible) and accounts (the
team's), plus the schema's documentation page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from portal.access import (
    get_account_by_domain_for_user,
    get_account_for_user,
    get_product_for_user,
    is_product_pm,
    products_for_user,
    require_team_member,
)
from portal.api.base import service_errors, signed_in_user
from portal.api.pagination import Cursor
from portal.api.serializers import AccountSerializer, ProductDetailSerializer, ProductSerializer
from portal.models import Account, Product
from portal.services import AccountChanges, account_create, account_update


class ProductCursor(Cursor):
    ordering = "slug"


class ProductList(generics.ListAPIView[Product]):
    """The products whose portals you may see: public ones, and private ones your email
    domain or your team membership opens."""

    serializer_class = ProductSerializer
    pagination_class = ProductCursor

    def get_queryset(self) -> QuerySet[Product]:
        return products_for_user(self.request.user)


class ProductDetail(generics.GenericAPIView[Product]):
    serializer_class = ProductDetailSerializer

    def get(self, request: Request, product_slug: str) -> Response:
        product = get_product_for_user(request.user, product_slug)
        context = {"you_manage": is_product_pm(request.user, product)}
        return Response(ProductDetailSerializer(product, context=context).data)


class AccountCursor(Cursor):
    ordering = "name"


def _changes(data: dict[str, Any]) -> AccountChanges:
    return AccountChanges(
        name=data.get("name"),
        arr=data.get("arr"),
        segment=data.get("segment"),
        renewal_date=data.get("renewal_date"),
        clear_renewal_date="renewal_date" in data and data["renewal_date"] is None,
        owner=data.get("owner_email"),
        clear_owner="owner_email" in data and data["owner_email"] is None,
        domains=data.get("domains"),
    )


class AccountList(generics.ListCreateAPIView[Account]):
    """Customer accounts, for the team (sales, support, PMs, admins). Create one with its
    email domains: the users of those domains join it."""

    serializer_class = AccountSerializer
    pagination_class = AccountCursor

    def get_queryset(self) -> QuerySet[Account]:
        require_team_member(self.request.user)
        return Account.objects.select_related("owner").prefetch_related("domains")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_team_member(signed_in_user(request))
        serializer = AccountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors("domains"):
            account = account_create(
                name=data["name"], domains=data.get("domains", []), changes=_changes(data)
            )
        account = (
            Account.objects.select_related("owner").prefetch_related("domains").get(pk=account.pk)
        )
        return Response(AccountSerializer(account).data, status=status.HTTP_201_CREATED)


class _AccountDetail(generics.GenericAPIView[Account]):
    serializer_class = AccountSerializer

    def account(self, request: Request, **kwargs: Any) -> Account:
        raise NotImplementedError

    def get(self, request: Request, **kwargs: Any) -> Response:
        return Response(AccountSerializer(self.account(request, **kwargs)).data)

    @extend_schema(request=AccountSerializer, responses=AccountSerializer)
    def patch(self, request: Request, **kwargs: Any) -> Response:
        require_team_member(signed_in_user(request))
        account = self.account(request, **kwargs)
        serializer = AccountSerializer(account, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors("domains"):
            account_update(account=account, changes=_changes(serializer.validated_data))
        account = (
            Account.objects.select_related("owner").prefetch_related("domains").get(pk=account.pk)
        )
        return Response(AccountSerializer(account).data)


class AccountDetail(_AccountDetail):
    """One account by its id (the team only)."""

    def account(self, request: Request, **kwargs: Any) -> Account:
        return get_account_for_user(request.user, kwargs["account_id"])


class AccountByDomain(_AccountDetail):
    """The account that owns an email domain: how a CRM finds the account of a contact."""

    def account(self, request: Request, **kwargs: Any) -> Account:
        return get_account_by_domain_for_user(request.user, kwargs["domain"])


class ApiDocs(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files, its start-up script served as a file too:
    the Content Security Policy allows no inline script or style."""

    template_name = "portal/api_docs.html"
    url_name = "api:schema"
