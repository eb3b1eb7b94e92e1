from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from portal.imports import COLUMNS, AccountsCsvForm, ImportResult
from portal.models import Account, AccountDomain, Product, User, parse_domains
from portal.services import account_changed, account_set_domains, accounts_import


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

    def clean_email_domains(self) -> list[str]:
        domains = parse_domains(self.cleaned_data.get("email_domains", ""))
        taken = AccountDomain.objects.filter(domain__in=domains).select_related("account")
        if self.instance.pk:
            taken = taken.exclude(account=self.instance)
        if taken:
            raise forms.ValidationError(
                "Already used by another account: "
                + ", ".join(f"{d.domain} ({d.account.name})" for d in taken)
            )
        return domains


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin[Account]):
    form = AccountForm
    list_display = ["name", "arr", "segment", "renewal_date", "owner", "domain_list"]
    list_filter = ["segment", "owner"]
    search_fields = ["name", "domains__domain"]
    list_select_related = ["owner"]
    change_list_template = "admin/portal/account/change_list.html"
    import_permissions = ("portal.add_account", "portal.change_account")

    def get_urls(self) -> list[URLPattern]:
        # Before the default URLs, whose "<path:object_id>/" would take "import/".
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_csv_view),
                name="portal_account_import",
            ),
            *super().get_urls(),
        ]

    def import_csv_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a CSV of accounts: a dry run counts what would change; a real run
        imports every row or, when any row is wrong, none and lists the problems."""
        if not request.user.has_perms(self.import_permissions):
            raise PermissionDenied
        result: ImportResult | None = None
        if request.method == "POST":
            form = AccountsCsvForm(request.POST, request.FILES)
            if form.is_valid():
                result = accounts_import(
                    text=form.cleaned_data["text"], dry_run=form.cleaned_data["dry_run"]
                )
                if result.ok and not result.dry_run:
                    self.message_user(request, result.summary, messages.SUCCESS)
                    return redirect("admin:portal_account_changelist")
        else:
            form = AccountsCsvForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import accounts from CSV",
            "form": form,
            "result": result,
            "columns": COLUMNS,
        }
        return TemplateResponse(request, "admin/portal/account/import.html", context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Account]:
        return super().get_queryset(request).prefetch_related("domains")

    @admin.display(description="Email domains")
    def domain_list(self, obj: Account) -> str:
        return ", ".join(d.domain for d in obj.domains.all())

    def save_model(
        self, request: HttpRequest, obj: Account, form: forms.ModelForm[Account], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        account_set_domains(account=obj, domains=form.cleaned_data.get("email_domains", []))
        if change and "arr" in form.changed_data:
            account_changed(account=obj)


@admin.register(AccountDomain)
class AccountDomainAdmin(admin.ModelAdmin[AccountDomain]):
    list_display = ["domain", "account"]
    search_fields = ["domain", "account__name"]
    list_select_related = ["account"]
