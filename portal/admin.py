from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from portal.models import Account, AccountDomain, Product, User
from portal.services import account_changed, account_set_domains


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "name", "role", "account", "is_active", "date_joined"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "name", "account__name"]
    list_select_related = ["account"]
    readonly_fields = ["account", "date_joined", "last_login"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "role", "account")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "name", "role", "password1", "password2")},
        ),
    )


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ["name", "slug", "visibility", "allow_anonymous_ideas", "created_at"]
    list_filter = ["visibility", "allow_anonymous_ideas"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ["team"]


class AccountForm(forms.ModelForm[Account]):
    email_domains = forms.CharField(
        required=False,
        help_text="Users with these email domains belong to the account. Comma separated.",
    )

    class Meta:
        model = Account
        fields = ["name", "arr", "segment", "renewal_date", "owner"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.instance.pk:
            self.fields["email_domains"].initial = ", ".join(
                d.domain for d in self.instance.domains.all()
            )


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin[Account]):
    form = AccountForm
    list_display = ["name", "arr", "segment", "renewal_date", "owner", "domain_list"]
    list_filter = ["segment", "owner"]
    search_fields = ["name", "domains__domain"]
    list_select_related = ["owner"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Account]:
        return super().get_queryset(request).prefetch_related("domains")

    @admin.display(description="Email domains")
    def domain_list(self, obj: Account) -> str:
        return ", ".join(d.domain for d in obj.domains.all())

    def save_model(
        self, request: HttpRequest, obj: Account, form: forms.ModelForm[Account], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        domains = form.cleaned_data.get("email_domains", "")
        account_set_domains(account=obj, domains=domains.replace(",", " ").split())
        if change and "arr" in form.changed_data:
            account_changed(account=obj)


@admin.register(AccountDomain)
class AccountDomainAdmin(admin.ModelAdmin[AccountDomain]):
    list_display = ["domain", "account"]
    search_fields = ["domain", "account__name"]
    list_select_related = ["account"]
