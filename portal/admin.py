from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from portal.imports import COLUMNS, AccountsCsvForm, ImportResult
from portal.models import Account, AccountDomain, AuditEntry, Product, User, parse_domains
from portal.services import (
    account_changed,
    account_set_domains,
    accounts_import,
    audit_record,
    user_data_export,
    user_delete,
)


class AuditedAdmin[M: models.Model](admin.ModelAdmin[M]):
    """Writes an audit entry beside Django's own admin log for every addition, change and
    deletion made here (in the admin's transaction, like the change)."""

    def _audit(self, request: HttpRequest, obj: models.Model, verb: str, message: Any) -> None:
        assert isinstance(request.user, User)
        audit_record(
            actor=request.user,
            action=f"admin.{verb}",
            product=obj if isinstance(obj, Product) else None,
            target=obj,
            summary=f"{verb.capitalize()} {obj._meta.verbose_name} “{obj}” in the admin",
            data={"changes": message} if message else {},
        )

    def log_addition(self, request: HttpRequest, obj: M, message: Any) -> Any:
        self._audit(request, obj, "add", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: M, message: Any) -> Any:
        self._audit(request, obj, "change", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[M]) -> Any:
        for obj in queryset:
            self._audit(request, obj, "delete", None)
        return super().log_deletions(request, queryset)


@admin.register(User)
class UserAdmin(AuditedAdmin[User], DjangoUserAdmin[User]):
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
    actions = ["download_personal_data"]
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "name", "role", "password1", "password2")},
        ),
    )

    @admin.action(description="Download personal data of the selected users (JSON)")
    def download_personal_data(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse:
        """What a user could download themselves, for a request made to an admin."""
        users = list(queryset.select_related("account").order_by("pk"))
        with transaction.atomic():
            for user in users:
                audit_record(
                    actor=request.user if isinstance(request.user, User) else None,
                    action="user.export",
                    target=user,
                    summary=f"Personal data of user #{user.pk} downloaded on request",
                )
        body = json.dumps(
            [user_data_export(user=user) for user in users], cls=DjangoJSONEncoder, indent=2
        )
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        return response

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[User]) -> Any:
        # user_delete writes the audit entry (by number, not by address).
        return admin.ModelAdmin.log_deletions(self, request, queryset)

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        """Deleting a user (on their request) keeps their ideas and comments as a former
        user's and withdraws their votes so every count stays exact."""
        user_delete(user=obj, by=request.user if isinstance(request.user, User) else None)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # Votes may not be deleted in the admin (counts would drift), but user_delete
        # withdraws them through the vote service: the cascade's own permissions do not apply.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.order_by("pk"):
            self.delete_model(request, user)


@admin.register(Product)
class ProductAdmin(AuditedAdmin[Product]):
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
class AccountAdmin(AuditedAdmin[Account]):
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
                assert isinstance(request.user, User)  # admin_view let only staff in
                result = accounts_import(
                    text=form.cleaned_data["text"],
                    dry_run=form.cleaned_data["dry_run"],
                    by=request.user,
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
        # A file that cannot be read, or rows with errors, is a bad request: say so in the
        # status too, not only on the page.
        refused = request.method == "POST" and (not form.is_valid() or not result or not result.ok)
        return TemplateResponse(
            request, "admin/portal/account/import.html", context, status=400 if refused else 200
        )

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
class AccountDomainAdmin(AuditedAdmin[AccountDomain]):
    list_display = ["domain", "account"]
    search_fields = ["domain", "account__name"]
    list_select_related = ["account"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """The audit log, read only: entries are written by the services, never edited."""

    list_display = ["created_at", "actor_label", "product", "action", "summary"]
    list_filter = ["action", "product"]
    search_fields = ["actor_label", "summary", "action"]
    list_select_related = ["product"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
