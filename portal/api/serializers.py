"""Products and accounts as the API shows them. Writable fields are listed explicitly."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from portal.imports import _DOMAIN as DOMAIN_PATTERN
from portal.imports import DOMAIN_MAX_LENGTH, NAME_MAX_LENGTH
from portal.models import Account, Product, Segment, User
from portal.text import render_markdown


class ProductSerializer(serializers.ModelSerializer[Product]):
    description_html = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "slug",
            "name",
            "description",
            "description_html",
            "visibility",
            "allow_anonymous_ideas",
        ]
        read_only_fields = fields

    def get_description_html(self, product: Product) -> str:
        return str(render_markdown(product.description))


class CategorySerializer(serializers.Serializer[Any]):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class ProductDetailSerializer(ProductSerializer):
    categories = CategorySerializer(many=True, read_only=True)
    you_manage = serializers.SerializerMethodField(
        help_text="True when you are one of the product's PMs (or an admin)."
    )

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "categories", "you_manage"]
        read_only_fields = fields

    def get_you_manage(self, product: Product) -> bool:
        return bool(self.context.get("you_manage"))


class _DomainsField(serializers.ListField):
    def get_attribute(self, instance: Account) -> list[str]:
        return [d.domain for d in instance.domains.all()]


class _OwnerEmailField(serializers.EmailField):
    def get_attribute(self, instance: Account) -> str | None:
        return instance.owner.email if instance.owner else None


class AccountSerializer(serializers.ModelSerializer[Account]):
    """An account. ``owner_email`` names the sales person who looks after it; ``domains``
    replaces the account's email domains (its users follow)."""

    domains = _DomainsField(
        child=serializers.CharField(max_length=DOMAIN_MAX_LENGTH),
        max_length=50,
        required=False,
        help_text="Email domains; users with these addresses belong to the account.",
    )
    owner_email = _OwnerEmailField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The owner in sales; empty to clear.",
    )
    arr = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, max_value=10**12 - 1, required=False
    )
    segment = serializers.ChoiceField(choices=Segment.choices, allow_blank=True, required=False)
    name = serializers.CharField(max_length=NAME_MAX_LENGTH)

    class Meta:
        model = Account
        fields = [
            "id",
            "name",
            "arr",
            "segment",
            "renewal_date",
            "owner_email",
            "domains",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"renewal_date": {"required": False, "allow_null": True}}

    def validate_owner_email(self, value: str | None) -> User | None:
        if not value:
            return None
        owner = User.objects.filter(email__iexact=value).first()
        if owner is None or not owner.is_active or not owner.is_team_member:
            raise serializers.ValidationError(f"{value} is not an active member of the team.")
        return owner

    def validate_domains(self, value: list[str]) -> list[str]:
        domains = [d.strip().lstrip("@").lower() for d in value if d.strip()]
        bad = [d for d in domains if not DOMAIN_PATTERN.fullmatch(d)]
        if bad:
            raise serializers.ValidationError(
                f"Not an email domain: {', '.join(bad)}. Write them like example.com."
            )
        return domains
